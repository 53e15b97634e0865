/**
 * The caller's identity, taken from the bearer token and nothing else. AgentCore Runtime has
 * already validated the token at its front door (JWT inbound auth); the agent verifies it again
 * against the identity provider's keys before it trusts a single claim (defence in depth, and the
 * only check when the agents run locally).
 *
 * The memory actor id, the tool calls and the prompt attributes all derive from
 * {@link VerifiedIdentity}; nothing the user types can change them.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { callerSubject } from '../../lambda/identity/persona-tokens';

export interface VerifiedIdentity {
  /**
   * Stable user identifier (the configured claim, `sub` by default; `persona-<name>` for the
   * evaluation's persona tokens, which all share one client as `sub`). Used as the memory actor id.
   */
  readonly userId: string;
  /** Every claim of the verified token. */
  readonly claims: Readonly<JWTPayload>;
  /** The raw bearer token, forwarded to the gateway and to specialists on behalf of the user. */
  readonly token: string;
}

/** Raised when the caller cannot be identified; the message says what was wrong, never the token. */
export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

export type IdentityVerifier = (token: string) => Promise<VerifiedIdentity>;

export interface JwtVerifierOptions {
  /** Key source: a JWKS URL of the identity provider, or a key set already loaded. */
  readonly jwks: string | JWTVerifyGetKey;
  /** Expected `iss`. @default - not checked */
  readonly issuer?: string;
  /** Accepted audiences (`aud`) or app clients (`client_id`, as Cognito access tokens carry). @default - not checked */
  readonly audiences?: readonly string[];
  /** Claim that holds the user id. @default 'sub' */
  readonly userIdClaim?: string;
}

/** Letters, digits, `_`, `-`, `.`, `@`, at most 128 characters: safe as a memory actor id and in a namespace. */
const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;

/** A verifier that checks signature, expiry, issuer and audience/client of a JWT. */
export function jwtVerifier(options: JwtVerifierOptions): IdentityVerifier {
  const keys = typeof options.jwks === 'string' ? createRemoteJWKSet(new URL(options.jwks)) : options.jwks;
  const userIdClaim = options.userIdClaim ?? 'sub';
  const audiences = options.audiences ?? [];
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, options.issuer ? { issuer: options.issuer } : {}));
    } catch (e) {
      throw new IdentityError(`bearer token rejected: ${(e as Error).message}`);
    }
    if (audiences.length) {
      const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
      const client = typeof payload.client_id === 'string' ? [payload.client_id] : [];
      if (![...aud, ...client].some((a) => audiences.includes(a))) {
        throw new IdentityError(`bearer token rejected: audience/client_id is not one of ${audiences.join(', ')}`);
      }
    }
    // Persona tokens would otherwise share one actor (and one memory) across personas.
    const userId = userIdClaim === 'sub' ? callerSubject(payload) : payload[userIdClaim];
    if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) {
      throw new IdentityError(`bearer token rejected: claim "${userIdClaim}" must be a user id of letters, digits, _ . @ - (got ${JSON.stringify(userId)})`);
    }
    return { userId, claims: payload, token };
  };
}

/**
 * The verifier of an OIDC identity provider named by its discovery document (`jwks_uri` and
 * `issuer` are read from it once). Used by the agents and by the memory credential vendor, so both
 * accept exactly the same tokens.
 */
export async function discoveredVerifier(
  discoveryUrl: string,
  options: Omit<JwtVerifierOptions, 'jwks' | 'issuer'> = {},
  fetchImpl: typeof fetch = fetch,
): Promise<IdentityVerifier> {
  const res = await fetchImpl(discoveryUrl);
  if (!res.ok) throw new Error(`JWT_DISCOVERY_URL: ${discoveryUrl} answered HTTP ${res.status}`);
  const doc = (await res.json()) as { jwks_uri?: string; issuer?: string };
  if (!doc.jwks_uri || !doc.issuer) throw new Error(`JWT_DISCOVERY_URL: ${discoveryUrl} has no jwks_uri/issuer`);
  return jwtVerifier({ ...options, jwks: doc.jwks_uri, issuer: doc.issuer });
}

/** The token of an `Authorization: Bearer <token>` header (any header-name case). */
export function bearerToken(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization');
  const value = Array.isArray(entry?.[1]) ? entry?.[1][0] : entry?.[1];
  const match = typeof value === 'string' ? /^Bearer\s+(\S+)$/i.exec(value.trim()) : null;
  if (!match) throw new IdentityError('missing Authorization header: expected "Authorization: Bearer <JWT>"');
  return match[1];
}

/** Verify the bearer token of a request's headers. */
export async function identify(headers: Readonly<Record<string, string | string[] | undefined>>, verify: IdentityVerifier): Promise<VerifiedIdentity> {
  return verify(bearerToken(headers));
}
