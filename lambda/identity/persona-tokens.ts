/**
 * Persona tokens: access tokens of the evaluation app client (client-credentials grant) that carry
 * the caller claims of one reference identity, so an offline evaluation case runs with exactly the
 * permissions of a real user of that role (allowed calls and policy refusals alike).
 *
 * The caller names the persona in the token request (`aws_client_metadata={"persona":"alex"}`); the
 * pre-token-generation trigger (event version V3_0) adds that persona's claims, and refuses the token
 * for an unknown persona or for any client but the evaluation client.
 *
 * The token request (the evaluation runner's `CognitoTokenProvider` sends it):
 * ```
 * POST https://<domain>.auth.<region>.amazoncognito.com/oauth2/token
 * Content-Type: application/x-www-form-urlencoded
 * Authorization: Basic base64(<client id>:<client secret>)
 *
 * grant_type=client_credentials&scope=agentcore-tools%2Finvoke&aws_client_metadata=%7B%22persona%22%3A%22alex%22%7D
 * ```
 *
 * Plain code (no aws-cdk-lib): the token trigger, the construct and the evaluation gate share it.
 */
import { CLAIMS } from './claims';
import { referenceUser } from './reference-users';

/** Key of the client metadata entry that names the persona. */
export const PERSONA_METADATA_KEY = 'persona';
/** Claim that marks a persona token and names its persona. */
export const PERSONA_CLAIM = 'persona';
/** Name of the evaluation app client. */
export const EVALUATION_CLIENT_NAME = 'm2m-evaluation';

/** Environment of the token trigger: where it finds the evaluation client ids and which personas it may issue. */
export const PERSONA_ENV = {
  /** SSM parameter (String) holding the evaluation client id(s), comma-separated. */
  clientsParameter: 'EVALUATION_CLIENTS_PARAMETER',
  /** Comma-separated persona names the trigger may issue. */
  personas: 'EVALUATION_PERSONAS',
} as const;

/**
 * The claims a persona token carries: the persona's caller claims (role, department, region,
 * employeeId, userId) plus the `persona` marker. Undefined for a name that is no reference identity.
 */
export function personaClaims(name: string): Record<string, string> | undefined {
  const user = referenceUser(name);
  if (!user) return undefined;
  const claims: Record<string, string> = {
    [PERSONA_CLAIM]: name,
    [CLAIMS.role]: user.role,
    [CLAIMS.department]: user.department,
    [CLAIMS.employeeId]: user.employeeId,
    [CLAIMS.userId]: user.userId,
  };
  if (user.region) claims[CLAIMS.region] = user.region;
  return claims;
}

/** Comma-separated list → trimmed, non-empty entries. */
export function parseList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The subject a caller is known by for rate limits and memory: every persona token carries the
 * evaluation client's id as `sub`, so a persona token is `persona-<name>` (its own limit, its own
 * memory namespace); any other token is its `sub`. Undefined without a usable subject.
 */
export function callerSubject(claims: Readonly<Record<string, unknown>>): string | undefined {
  const persona = claims[PERSONA_CLAIM];
  if (typeof persona === 'string' && referenceUser(persona)) return `persona-${persona}`;
  return typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
}
