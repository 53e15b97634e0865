/** The Cognito pre-token-generation trigger (V2 event) that adds the caller claims the policies read. */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { handle } from '../../../lambda/identity';
import { roleFromGroups } from '../../../lambda/identity/claims';

function event(groups: string[], attrs: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: 'us-east-1_abc',
    userName: 'alex',
    callerContext: { awsSdkVersion: '1', clientId: 'client' },
    request: { userAttributes: { sub: 'abc-123', ...attrs }, groupConfiguration: { groupsToOverride: groups } },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

const warnings: unknown[][] = [];
const deps = { logger: { warn: (...a: unknown[]) => void warnings.push(a), info: () => undefined } };
beforeEach(() => (warnings.length = 0));

describe('pre-token generation (V2)', () => {
  test('adds role, department, region, employeeId and userId to the access and id tokens', async () => {
    const out = await handle(
      event(['employee', 'analyst'], { 'custom:department': 'Finance', 'custom:region': 'emea, apac', 'custom:employeeId': 'E10001', 'custom:userId': 'u20001' }),
      deps,
    );
    const expected = { role: 'analyst', department: 'finance', region: 'EMEA APAC', employeeId: 'E10001', userId: 'u20001' };
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  test('the most privileged known group wins', () => {
    expect(roleFromGroups(['employee', 'senior-analyst', 'analyst'])).toBe('senior-analyst');
    expect(roleFromGroups(['employee', 'hr-staff'])).toBe('hr-staff');
    expect(roleFromGroups(['contractors'])).toBeUndefined();
  });

  test('a user in no known group gets no role claim (the policies then deny every tool)', async () => {
    const out = await handle(event(['contractors'], { 'custom:employeeId': 'E10002' }), deps);
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ employeeId: 'E10002' });
    expect(JSON.stringify(warnings)).toMatch(/no known role group/);
  });

  test('malformed attributes are left out and logged, never passed on', async () => {
    const out = await handle(
      event(['employee'], { 'custom:region': 'EMEA MARS', 'custom:employeeId': '10001', 'custom:userId': 'root', 'custom:department': 'x"; drop' }),
      deps,
    );
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'employee', region: 'EMEA' });
    expect(JSON.stringify(warnings)).toMatch(/unknown region code\(s\) MARS[\s\S]*employeeId[\s\S]*userId/);
  });

  test('keeps other override details already on the event', async () => {
    const e = event(['it-staff'], {});
    e.response.claimsAndScopeOverrideDetails.accessTokenGeneration = { scopesToAdd: ['tools/invoke'] };
    const out = await handle(e, deps);
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({ scopesToAdd: ['tools/invoke'], claimsToAddOrOverride: { role: 'it-staff' } });
  });
});
