/**
 * Input specs (and the group built on them) of the IT tools for the Lambda entry, in zod/mini: the same schemas and messages as
 * catalog/tools/it.ts (proven by test/integration/tools/inputs.test.ts).
 */
import { IT_SYSTEMS, SOFTWARE_CATALOG, USER_ID_PATTERN } from '../../../catalog/formats';
import * as z from 'zod/mini';
import { bind, toolGroup } from '../../shared/dispatch';
import { formatted, integer, oneOf, spec, text } from '../../shared/inputs';
import { IT_SERVICE, passwordReset, vpnStatus, softwareAccess, knowledgeSearch } from './tools';

const TARGET = 'it';
const userId = () => formatted(USER_ID_PATTERN, 'expected a user id: u followed by 5 digits, e.g. u20001');

export const itSpecs = {
  resetPassword: spec('resetPassword', TARGET, z.strictObject({ userId: userId(), system: oneOf(IT_SYSTEMS) }), true),
  checkVPNStatus: spec('checkVPNStatus', TARGET, z.strictObject({ userId: userId() })),
  requestSoftwareAccess: spec('requestSoftwareAccess', TARGET, z.strictObject({ userId: userId(), software: oneOf(SOFTWARE_CATALOG), justification: text(20, 500) }), true),
  searchKnowledgeBase: spec('searchKnowledgeBase', TARGET, z.strictObject({ query: text(3, 200), maxResults: z.optional(integer(1, 10)) })),
};

/** The it tools as the Lambda entry serves them: the functions of ./tools.ts bound to the specs above. */
export const itLambdaGroup = toolGroup(TARGET, IT_SERVICE, [
  bind(itSpecs.resetPassword, passwordReset),
  bind(itSpecs.checkVPNStatus, vpnStatus),
  bind(itSpecs.requestSoftwareAccess, softwareAccess),
  bind(itSpecs.searchKnowledgeBase, knowledgeSearch),
]);
