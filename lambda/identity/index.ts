/**
 * Cognito pre-token-generation trigger (event version V2_0): adds the platform's caller claims —
 * role, department, region, employeeId, userId — to access and id tokens, so AgentCore Gateway
 * hands them to the Cedar policies as principal tags.
 *
 * - role: the most privileged of the user's groups among {@link ROLES}; no known group → no role
 *   claim, and the policies deny every tool.
 * - department, region, employeeId, userId: from the user's custom attributes; a malformed value is
 *   left out (and logged) rather than passed on.
 *
 * Claims the token already has (sub, cognito:groups...) are untouched; the added ones override any
 * client-supplied value of the same name.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { CLAIMS, USER_ATTRIBUTES, normaliseRegions, roleFromGroups } from './claims';

const EMPLOYEE_ID = /^E\d{5}$/;
const USER_ID = /^u\d{5}$/;
const DEPARTMENT = /^[a-z][a-z0-9-]{1,39}$/;

export interface Deps {
  readonly logger: Pick<Logger, 'warn' | 'info'>;
}

const defaultDeps: Deps = { logger: new Logger({ serviceName: 'pre-token-generation' }) };

export function claimsFor(event: PreTokenGenerationV2TriggerEvent, deps: Deps): Record<string, string> {
  const attrs = event.request.userAttributes ?? {};
  const attr = (name: string) => attrs[`custom:${name}`];
  const claims: Record<string, string> = {};
  const problems: string[] = [];

  const role = roleFromGroups(event.request.groupConfiguration?.groupsToOverride);
  if (role) claims[CLAIMS.role] = role;
  else problems.push('no known role group: the token carries no role claim');

  const department = attr(USER_ATTRIBUTES.department)?.trim().toLowerCase();
  if (department && DEPARTMENT.test(department)) claims[CLAIMS.department] = department;
  else if (department) problems.push(`custom:${USER_ATTRIBUTES.department} "${department}" is not a department name`);

  const regions = normaliseRegions(attr(USER_ATTRIBUTES.region));
  if (regions.value) claims[CLAIMS.region] = regions.value;
  if (regions.rejected.length) problems.push(`custom:${USER_ATTRIBUTES.region}: unknown region code(s) ${regions.rejected.join(', ')} left out`);

  const employeeId = attr(USER_ATTRIBUTES.employeeId);
  if (employeeId && EMPLOYEE_ID.test(employeeId)) claims[CLAIMS.employeeId] = employeeId;
  else if (employeeId) problems.push(`custom:${USER_ATTRIBUTES.employeeId} "${employeeId}" is not E + 5 digits`);

  const userId = attr(USER_ATTRIBUTES.userId);
  if (userId && USER_ID.test(userId)) claims[CLAIMS.userId] = userId;
  else if (userId) problems.push(`custom:${USER_ATTRIBUTES.userId} "${userId}" is not u + 5 digits`);

  if (problems.length) deps.logger.warn('caller claims incomplete', { userName: event.userName, problems });
  return claims;
}

export async function handle(event: PreTokenGenerationV2TriggerEvent, deps: Deps = defaultDeps): Promise<PreTokenGenerationV2TriggerEvent> {
  const claims = claimsFor(event, deps);
  event.response = {
    claimsAndScopeOverrideDetails: {
      ...event.response?.claimsAndScopeOverrideDetails,
      accessTokenGeneration: { ...event.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration, claimsToAddOrOverride: claims },
      idTokenGeneration: { ...event.response?.claimsAndScopeOverrideDetails?.idTokenGeneration, claimsToAddOrOverride: claims },
    },
  };
  return event;
}

export const handler = (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => handle(event);
