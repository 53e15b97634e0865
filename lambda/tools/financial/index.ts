/** Lambda entry of the `financial` gateway target (one function serving all its tools; see ../../shared/entry.ts). */
import { toolLambdaHandler } from '../../shared/entry';
import { financialGroup } from './handlers';

export const handler = toolLambdaHandler(financialGroup);
