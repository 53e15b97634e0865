/**
 * The token trigger with V3_0 events: persona tokens for the evaluation client, nothing for other
 * machine clients, refusals that make Cognito refuse the token, and user sign-in as before.
 */
import type { PreTokenGenerationV2TriggerEvent, PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { PersonaTokenRefused, evaluationAccessFromEnvironment, handle, type EvaluationAccess } from '../../../lambda/identity';
import { PERSONA_ENV, personaClaims } from '../../../lambda/identity/persona-tokens';
import { REFERENCE_USERS, REFERENCE_USER_NAMES } from '../../../lambda/identity/reference-users';
import { DEV_USERS } from '../../../local/dev-tokens';

const EVAL_CLIENT = '4q7evalclient0000000000000';
const SERVICE_CLIENT = '1a2serviceclient00000000000';

/** A client-credentials event as Cognito sends it for V3_0 (no user: empty attributes and groups). */
function m2mEvent(clientId: string, clientMetadata?: Record<string, string>): PreTokenGenerationV3TriggerEvent {
  return {
    version: '3',
    triggerSource: 'TokenGeneration_ClientCredentials',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbCdEf123',
    userName: clientId,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: {}, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] }, scopes: ['agentcore-tools/invoke'], ...(clientMetadata ? { clientMetadata } : {}) },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

/** A user sign-in event under V3_0: same shape as V2, version "3". */
function userEvent(groups: string[], attrs: Record<string, string>, clientMetadata?: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '3',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbCdEf123',
    userName: 'alex',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'userclient' },
    request: { userAttributes: { sub: 'abc-123', ...attrs }, groupConfiguration: { groupsToOverride: groups }, scopes: ['openid'], ...(clientMetadata ? { clientMetadata } : {}) },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

const logs: { level: string; message: unknown; data: unknown }[] = [];
const logger = {
  warn: (message: unknown, ...rest: unknown[]) => void logs.push({ level: 'warn', message, data: rest[0] }),
  info: (message: unknown, ...rest: unknown[]) => void logs.push({ level: 'info', message, data: rest[0] }),
};
const access: EvaluationAccess = { clientIds: [EVAL_CLIENT], personas: REFERENCE_USER_NAMES };
const deps = { logger, evaluationAccess: async () => access };
beforeEach(() => (logs.length = 0));

const accessClaims = (e: { response: { claimsAndScopeOverrideDetails: { accessTokenGeneration?: { claimsToAddOrOverride?: Record<string, string> } } } }) =>
  e.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride;

describe('persona tokens (client credentials, V3_0)', () => {
  test('the evaluation client naming a persona gets that persona’s claims in the access token', async () => {
    const out = await handle(m2mEvent(EVAL_CLIENT, { persona: 'alex' }), deps);
    expect(accessClaims(out)).toEqual({ persona: 'alex', role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' });
    // Machine tokens have no id token: nothing to add there.
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration).toBeUndefined();
    expect(logs).toEqual([{ level: 'info', message: 'persona token issued', data: { clientId: EVAL_CLIENT, persona: 'alex' } }]);
  });

  test.each(REFERENCE_USER_NAMES)('persona %s carries the same caller claims as its dev token, plus the persona marker', async (name) => {
    const out = await handle(m2mEvent(EVAL_CLIENT, { persona: name }), deps);
    const { sub: _sub, ...devClaims } = DEV_USERS[name];
    expect(accessClaims(out)).toEqual({ ...devClaims, persona: name });
  });

  test('a persona without a region (HR staff) gets no region claim', async () => {
    const out = await handle(m2mEvent(EVAL_CLIENT, { persona: 'hana' }), deps);
    expect(accessClaims(out)).toEqual({ persona: 'hana', role: 'hr-staff', department: 'hr', employeeId: 'E10003', userId: 'u20003' });
  });

  test('keeps scope overrides already on the event', async () => {
    const e = m2mEvent(EVAL_CLIENT, { persona: 'ivan' });
    e.response.claimsAndScopeOverrideDetails.accessTokenGeneration = { scopesToSuppress: ['agentcore-tools/admin'] };
    const out = await handle(e, deps);
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({ scopesToSuppress: ['agentcore-tools/admin'], claimsToAddOrOverride: personaClaims('ivan') });
  });

  test('an unknown persona is refused (the trigger throws, so Cognito issues no token), naming the field and the allowed personas', async () => {
    await expect(handle(m2mEvent(EVAL_CLIENT, { persona: 'mallory' }), deps)).rejects.toThrow(
      new PersonaTokenRefused('clientMetadata.persona: unknown persona "mallory"; expected one of alex, sam, fran, priya, hana, ivan'),
    );
    expect(logs).toEqual([{ level: 'warn', message: 'persona token refused', data: expect.objectContaining({ clientId: EVAL_CLIENT, persona: 'mallory', reason: expect.stringMatching(/unknown persona "mallory"/) }) }]);
  });

  test('a reference identity the pool was not configured to issue is refused like an unknown one', async () => {
    const narrow = { logger, evaluationAccess: async () => ({ clientIds: [EVAL_CLIENT], personas: ['alex', 'priya'] }) };
    await expect(handle(m2mEvent(EVAL_CLIENT, { persona: 'fran' }), narrow)).rejects.toThrow(/clientMetadata\.persona: unknown persona "fran"; expected one of alex, priya$/);
  });

  test('an empty persona is refused, not ignored', async () => {
    await expect(handle(m2mEvent(EVAL_CLIENT, { persona: '' }), deps)).rejects.toThrow(/unknown persona ""/);
  });

  test('a persona named by any other client is refused and logged', async () => {
    await expect(handle(m2mEvent(SERVICE_CLIENT, { persona: 'fran' }), deps)).rejects.toThrow(
      `clientMetadata.persona: persona tokens are issued to the evaluation client (m2m-evaluation) only; client "${SERVICE_CLIENT}" may not name a persona`,
    );
    expect(logs).toEqual([{ level: 'warn', message: 'persona token refused', data: expect.objectContaining({ clientId: SERVICE_CLIENT, persona: 'fran' }) }]);
  });

  test('without evaluation settings (no evaluation client configured) every persona request is refused', async () => {
    await expect(handle(m2mEvent(EVAL_CLIENT, { persona: 'alex' }), { logger })).rejects.toThrow(/issued to the evaluation client \(m2m-evaluation\) only/);
  });

  test('other machine tokens get no claims: the event comes back unchanged', async () => {
    for (const e of [m2mEvent(SERVICE_CLIENT), m2mEvent(SERVICE_CLIENT, { tenant: 'acme' }), m2mEvent(EVAL_CLIENT)]) {
      const before = structuredClone(e);
      const out = await handle(e, deps);
      expect(out).toEqual(before);
      expect(accessClaims(out)).toBeUndefined();
    }
    expect(logs).toEqual([]);
  });

  test('persona claims are the reference identities, not copies that could drift', () => {
    for (const name of REFERENCE_USER_NAMES) expect(personaClaims(name)).toMatchObject(REFERENCE_USERS[name]);
    expect(personaClaims('toString')).toBeUndefined();
  });
});

describe('user sign-in under V3_0 is unchanged', () => {
  test('claims come from groups and attributes, in access and id tokens', async () => {
    const out = await handle(userEvent(['employee', 'analyst'], { 'custom:department': 'Finance', 'custom:region': 'emea', 'custom:employeeId': 'E10001', 'custom:userId': 'u20001' }), deps);
    const expected = { role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' };
    expect(accessClaims(out)).toEqual(expected);
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
  });

  test('a user cannot borrow a persona through client metadata: their own claims win, no persona marker', async () => {
    const out = await handle(userEvent(['employee'], { 'custom:employeeId': 'E10002' }, { persona: 'fran' }), deps);
    expect(accessClaims(out)).toEqual({ role: 'employee', employeeId: 'E10002' });
  });
});

describe('evaluation access from the trigger environment', () => {
  const env = { [PERSONA_ENV.clientsParameter]: '/agentcore-kit/identity/x/evaluation-clients', [PERSONA_ENV.personas]: 'alex, sam' };

  test('reads the client ids from the parameter once per TTL', async () => {
    const reads: string[] = [];
    let t = 0;
    const read = evaluationAccessFromEnvironment(env, async (name) => (reads.push(name), `${EVAL_CLIENT}, other`), { ttlMs: 1000, now: () => t });
    expect(await read()).toEqual({ clientIds: [EVAL_CLIENT, 'other'], personas: ['alex', 'sam'] });
    t = 999;
    await read();
    expect(reads).toEqual(['/agentcore-kit/identity/x/evaluation-clients']);
    t = 1000;
    await read();
    expect(reads).toHaveLength(2);
  });

  test('no settings in the environment: nobody may ask for a persona, and SSM is not called', async () => {
    const calls: string[] = [];
    const read = evaluationAccessFromEnvironment({}, async (n) => (calls.push(n), EVAL_CLIENT));
    expect(await read()).toEqual({ clientIds: [], personas: [] });
    expect(calls).toEqual([]);
  });

  test('an unreadable parameter refuses the persona token (fail closed) and says why', async () => {
    const read = evaluationAccessFromEnvironment(env, async () => {
      throw new Error('AccessDeniedException');
    });
    await expect(handle(m2mEvent(EVAL_CLIENT, { persona: 'alex' }), { logger, evaluationAccess: read })).rejects.toThrow(
      /EVALUATION_CLIENTS_PARAMETER: could not read SSM parameter \/agentcore-kit\/identity\/x\/evaluation-clients \(AccessDeniedException\); persona tokens are refused/,
    );
  });
});
