/**
 * Persona tokens meet the real Cedar policies: for every reference identity, the claims the token
 * trigger puts into an evaluation-client token get exactly the decisions that identity's dev token
 * gets, so an evaluation case run with a persona token sees a real user's allows and refusals.
 */
import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { toolCatalog } from '../../../catalog';
import { handle } from '../../../lambda/identity';
import { REFERENCE_USER_NAMES, type ReferenceUserName } from '../../../lambda/identity/reference-users';
import { CedarAuthorizer } from '../../../lib/policy/cedar-authorizer';
import { DEV_USERS } from '../../../local/dev-tokens';

const EVAL_CLIENT = '4q7evalclient0000000000000';
const authorizer = new CedarAuthorizer({ tools: toolCatalog });
const deps = { logger: { warn: () => undefined, info: () => undefined }, evaluationAccess: async () => ({ clientIds: [EVAL_CLIENT], personas: REFERENCE_USER_NAMES }) };

/** The access token Cognito issues the evaluation client for `persona` (none: no metadata): its own claims plus the trigger's. */
async function personaToken(persona: string | null): Promise<Record<string, unknown>> {
  const event: PreTokenGenerationV3TriggerEvent = {
    version: '3',
    triggerSource: 'TokenGeneration_ClientCredentials',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbCdEf123',
    userName: EVAL_CLIENT,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: EVAL_CLIENT },
    request: { userAttributes: {}, groupConfiguration: {}, scopes: ['agentcore-tools/invoke'], ...(persona === null ? {} : { clientMetadata: { persona } }) },
    response: { claimsAndScopeOverrideDetails: {} },
  };
  const out = await handle(event, deps);
  // A client-credentials access token's subject is the client id; the trigger cannot change it.
  return { sub: EVAL_CLIENT, client_id: EVAL_CLIENT, token_use: 'access', scope: 'agentcore-tools/invoke', ...out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride };
}

/** Representative calls: regional revenue, a summary, own and someone else's HR and IT records, a refusal-bait search. */
const CALLS: readonly { tool: string; input: (self: (typeof DEV_USERS)[ReferenceUserName]) => Record<string, unknown> }[] = [
  { tool: 'financial___getQuarterlyRevenue', input: () => ({ region: 'EMEA', quarter: '2024-Q3' }) },
  { tool: 'financial___getQuarterlyRevenue', input: () => ({ region: 'APAC', quarter: '2024-Q3' }) },
  { tool: 'financial___generateExecutiveSummary', input: () => ({ quarter: '2024-Q3', regions: ['AMER'] }) },
  { tool: 'hr___checkVacationBalance', input: (self) => ({ employeeId: self.employeeId }) },
  { tool: 'hr___checkVacationBalance', input: (self) => ({ employeeId: self.employeeId === 'E10005' ? 'E10001' : 'E10005' }) },
  { tool: 'it___resetPassword', input: (self) => ({ userId: self.userId, system: 'jira' }) },
  { tool: 'it___resetPassword', input: (self) => ({ userId: self.userId === 'u20005' ? 'u20001' : 'u20005', system: 'vpn' }) },
  { tool: 'it___searchKnowledgeBase', input: () => ({ query: 'executive compensation 2024' }) },
];

const decisions = (claims: Record<string, unknown>, self: (typeof DEV_USERS)[ReferenceUserName]) =>
  CALLS.map((c) => `${c.tool}(${JSON.stringify(c.input(self))}) → ${authorizer.authorize({ claims, toolName: c.tool, input: c.input(self) }).decision}`);

describe('persona tokens and the Cedar policies', () => {
  test.each(REFERENCE_USER_NAMES)('%s: the persona token gets the same decisions as the dev token', async (name) => {
    const self = DEV_USERS[name];
    expect(decisions(await personaToken(name), self)).toEqual(decisions(DEV_USERS[name], self));
  });

  test('the decisions differ by persona: both allowed calls and refusals are exercised', async () => {
    const table = Object.fromEntries(await Promise.all(REFERENCE_USER_NAMES.map(async (n) => [n, decisions(await personaToken(n), DEV_USERS[n]).map((d) => d.endsWith('allow'))])));
    expect(table).toEqual({
      //     revenue EMEA, APAC, summary AMER, own balance, other's balance, own reset, other's reset, compensation search
      alex: [true, false, false, true, false, true, false, false],
      sam: [true, true, true, true, false, true, false, false],
      fran: [true, true, true, true, false, true, false, false],
      priya: [false, false, false, true, false, true, false, false],
      hana: [false, false, false, true, true, true, false, false],
      ivan: [false, false, false, true, false, true, true, false],
    });
  });

  test('an evaluation-client token without a persona carries no role: every call is denied', async () => {
    const claims = await personaToken(null);
    expect(claims).not.toHaveProperty('role');
    expect(CALLS.map((c) => authorizer.authorize({ claims, toolName: c.tool, input: c.input(DEV_USERS.alex) }).decision)).toEqual(CALLS.map(() => 'deny'));
  });
});
