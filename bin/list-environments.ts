/** Prints the names of every environment (built-in and config/*.json), one per line, for CI. */
import { environmentNames } from '../lib/config';

process.stdout.write(`${environmentNames().join('\n')}\n`);
