/** Entry point of the hr specialist runtime (A2A protocol, port 9000). */
import { runSpecialist } from './specialist';

runSpecialist('hr');
