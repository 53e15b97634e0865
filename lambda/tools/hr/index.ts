/** Lambda entry of the `hr` gateway target (one function serving all its tools; see ../../shared/entry.ts). */
import { toolLambdaHandler } from '../../shared/entry';
import { hrGroup } from './handlers';

export const handler = toolLambdaHandler(hrGroup);
