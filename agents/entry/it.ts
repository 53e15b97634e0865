/** Entry point of the it specialist runtime (A2A protocol, port 9000). */
import { runSpecialist } from './specialist';

runSpecialist('it');
