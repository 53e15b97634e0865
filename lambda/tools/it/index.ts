/** Lambda entry of the `it` gateway target (one function serving all its tools; see ../../shared/entry.ts). */
import { toolLambdaHandler } from '../../shared/entry';
import { itGroup } from './handlers';

export const handler = toolLambdaHandler(itGroup);
