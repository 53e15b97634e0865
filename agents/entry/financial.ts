/** Entry point of the financial specialist runtime (A2A protocol, port 9000). */
import { runSpecialist } from './specialist';

runSpecialist('financial');
