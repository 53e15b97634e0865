/**
 * Cognito pre-token-generation trigger (event version V2_0, or V3_0 when the pool has an evaluation
 * client): adds the platform's caller claims — role, department, region, employeeId, userId — to
 * access and id tokens, so AgentCore Gateway hands them to the Cedar policies as principal tags.
 *
 * User sign-in (every trigger source but client credentials):
 * - role: the most privileged of the user's groups among {@link ROLES}; no known group → no role
 *   claim, and the policies deny every tool.
 * - department, region, employeeId, userId: from the user's custom attributes; a malformed value is
 *   left out (and logged) rather than passed on.
 *
 * Client credentials (V3_0 only; `TokenGeneration_ClientCredentials`):
 * - no `persona` in the client metadata → no claims added (a machine token carries no role).
 * - `persona` naming a reference identity, from the evaluation client → that persona's claims plus
 *   the `persona` marker (see persona-tokens.ts).
 * - `persona` from any other client, or naming no reference identity the pool may issue → the
 *   trigger throws, so Cognito refuses the token; the refusal is logged.
 *
 * Claims the token already has (sub, cognito:groups...) are untouched; the added ones override any
 * client-supplied value of the same name.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { PreTokenGenerationV2TriggerEvent, PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { CLAIMS, USER_ATTRIBUTES, normaliseRegions, roleFromGroups } from './claims';
import { EVALUATION_CLIENT_NAME, PERSONA_ENV, PERSONA_METADATA_KEY, parseList, personaClaims } from './persona-tokens';

const EMPLOYEE_ID = /^E\d{5}$/;
const USER_ID = /^u\d{5}$/;
const DEPARTMENT = /^[a-z][a-z0-9-]{1,39}$/;

/** A user sign-in event: V2_0, or V3_0 (same shape, `version: "3"`). */
export type UserTokenEvent = PreTokenGenerationV2TriggerEvent;
/** A client-credentials (machine) event: V3_0 only. */
export type ClientCredentialsTokenEvent = PreTokenGenerationV3TriggerEvent;
export type TokenEvent = UserTokenEvent | ClientCredentialsTokenEvent;

/** Who may ask for persona tokens, and which personas the pool issues. */
export interface EvaluationAccess {
  /** App client ids allowed to name a persona (the evaluation client). */
  readonly clientIds: readonly string[];
  /** Persona names the trigger may issue. */
  readonly personas: readonly string[];
}

export interface Deps {
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  /**
   * Reads the evaluation access settings (cached by the default implementation).
   * @default - nobody may ask for persona tokens
   */
  readonly evaluationAccess?: () => Promise<EvaluationAccess>;
}

/** Reads a String parameter; undefined when it has no value. */
export type GetParameter = (name: string) => Promise<string | undefined>;

/**
 * Evaluation access from the trigger's environment: personas from `EVALUATION_PERSONAS`, client ids
 * from the SSM parameter named by `EVALUATION_CLIENTS_PARAMETER` (the client id cannot be an
 * environment variable: the pool needs the trigger before the client exists). The parameter is read
 * at most once per `ttlMs`; a failed read throws, so persona tokens fail closed.
 */
export function evaluationAccessFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  getParameter: GetParameter,
  options: { readonly ttlMs?: number; readonly now?: () => number } = {},
): () => Promise<EvaluationAccess> {
  const parameterName = env[PERSONA_ENV.clientsParameter];
  const personas = parseList(env[PERSONA_ENV.personas]);
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  let cached: { clientIds: string[]; at: number } | undefined;
  return async () => {
    if (!parameterName || personas.length === 0) return { clientIds: [], personas: [] };
    if (!cached || now() - cached.at >= ttlMs) {
      let value: string | undefined;
      try {
        value = await getParameter(parameterName);
      } catch (e) {
        throw new Error(`${PERSONA_ENV.clientsParameter}: could not read SSM parameter ${parameterName} (${(e as Error).message}); persona tokens are refused until it is readable`);
      }
      cached = { clientIds: parseList(value), at: now() };
    }
    return { clientIds: cached.clientIds, personas };
  };
}

const ssm = new SSMClient({});
const defaultDeps: Deps = {
  logger: new Logger({ serviceName: 'pre-token-generation' }),
  evaluationAccess: evaluationAccessFromEnvironment(process.env, async (Name) => (await ssm.send(new GetParameterCommand({ Name }))).Parameter?.Value),
};

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

/** Thrown to make Cognito refuse a token; the message names the field and what is allowed. */
export class PersonaTokenRefused extends Error {
  override readonly name = 'PersonaTokenRefused';
}

/**
 * Claims of a client-credentials token: none, or a persona's when the evaluation client names one.
 * Throws {@link PersonaTokenRefused} (after logging) for any other request naming a persona.
 */
export async function machineClaimsFor(event: ClientCredentialsTokenEvent, deps: Deps): Promise<Record<string, string> | undefined> {
  const metadata = event.request?.clientMetadata ?? {};
  if (!Object.hasOwn(metadata, PERSONA_METADATA_KEY)) return undefined;
  const persona = metadata[PERSONA_METADATA_KEY];
  const clientId = event.callerContext?.clientId;
  const refuse = (reason: string): never => {
    deps.logger.warn('persona token refused', { clientId, persona, reason });
    throw new PersonaTokenRefused(reason);
  };
  let access: EvaluationAccess = { clientIds: [], personas: [] };
  try {
    if (deps.evaluationAccess) access = await deps.evaluationAccess();
  } catch (e) {
    refuse((e as Error).message);
  }
  if (!clientId || !access.clientIds.includes(clientId)) {
    refuse(`clientMetadata.${PERSONA_METADATA_KEY}: persona tokens are issued to the evaluation client (${EVALUATION_CLIENT_NAME}) only; client ${JSON.stringify(clientId ?? '')} may not name a persona`);
  }
  const claims = access.personas.includes(persona) ? personaClaims(persona) : undefined;
  if (!claims) refuse(`clientMetadata.${PERSONA_METADATA_KEY}: unknown persona ${JSON.stringify(persona)}; expected one of ${access.personas.join(', ')}`);
  deps.logger.info('persona token issued', { clientId, persona });
  return claims;
}

export async function handle<E extends TokenEvent>(event: E, deps: Deps = defaultDeps): Promise<E> {
  if (event.triggerSource === 'TokenGeneration_ClientCredentials') {
    const claims = await machineClaimsFor(event as ClientCredentialsTokenEvent, deps);
    if (!claims) return event;
    const details = event.response?.claimsAndScopeOverrideDetails;
    event.response = { claimsAndScopeOverrideDetails: { ...details, accessTokenGeneration: { ...details?.accessTokenGeneration, claimsToAddOrOverride: claims } } };
    return event;
  }
  const claims = claimsFor(event as UserTokenEvent, deps);
  event.response = {
    claimsAndScopeOverrideDetails: {
      ...event.response?.claimsAndScopeOverrideDetails,
      accessTokenGeneration: { ...event.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration, claimsToAddOrOverride: claims },
      idTokenGeneration: { ...event.response?.claimsAndScopeOverrideDetails?.idTokenGeneration, claimsToAddOrOverride: claims },
    },
  };
  return event;
}

export const handler = (event: TokenEvent): Promise<TokenEvent> => handle(event);
