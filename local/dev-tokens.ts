/**
 * Development tokens: a local ES256 key pair that signs JWTs carrying the same caller claims the
 * Cognito trigger adds in the cloud (role, department, region, employeeId, userId), and the
 * verifier the local tool server uses. Never use these keys outside a developer machine.
 *
 * ```ts
 * const issuer = await DevTokenIssuer.create();
 * const token = await issuer.issue('alex');                                    // a named dev user
 * const token2 = await issuer.issue({ sub: 'u-1', role: 'it-staff', userId: 'u20009' }); // any claims
 * const claims = await issuer.verify(token);                                   // throws on a bad token
 * ```
 */
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { ROLES, type Role } from '../lambda/identity/claims';
import { REFERENCE_USERS, REFERENCE_USER_NAMES, type ReferenceUserName } from '../lambda/identity/reference-users';

/** Issuer of a {@link DevTokenIssuer} created without one (the local tool server issues as its own URL). */
export const DEV_ISSUER = 'https://agentcore-kit.local/dev-idp';
export const DEV_AUDIENCE = 'agentcore-tools';
const ALG = 'ES256';

/** Claims of a dev token beyond the registered ones. */
export interface DevUserClaims {
  readonly sub: string;
  readonly role?: Role | string;
  readonly department?: string;
  /** Space-separated region codes, e.g. `EMEA` or `EMEA APAC`. */
  readonly region?: string;
  readonly employeeId?: string;
  readonly userId?: string;
  readonly [claim: string]: unknown;
}

/** Dev users: the reference identities (one per role, matching the seed data), with a `dev-` subject. */
export const DEV_USERS = Object.fromEntries(
  REFERENCE_USER_NAMES.map((name) => [name, { sub: `dev-${name}`, ...REFERENCE_USERS[name] }]),
) as { readonly [N in ReferenceUserName]: DevUserClaims & (typeof REFERENCE_USERS)[N] & { readonly sub: `dev-${N}` } };
export type DevUserName = ReferenceUserName;

export interface IssueOptions {
  /** Lifetime, e.g. `'1h'`, or seconds. @default '12h' */
  readonly expiresIn?: string | number;
  /** @default DEV_AUDIENCE */
  readonly audience?: string;
  /** @default - the issuer's own (`DevTokenIssuer.create({ issuer })`) */
  readonly issuer?: string;
}

export class DevTokenIssuer {
  /**
   * A fresh key pair (per process unless you keep the issuer), signing as `issuer` — a URL where the
   * issuer's metadata is served, when OAuth clients are to discover it. @default DEV_ISSUER
   */
  static async create(options: { readonly issuer?: string } = {}): Promise<DevTokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: ALG, use: 'sig', kid: 'dev-1' };
    return new DevTokenIssuer(privateKey, publicKey, jwk, options.issuer ?? DEV_ISSUER);
  }

  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    /** Public key as a JWK (for a JWKS endpoint). */
    readonly publicJwk: JWK,
    /** The `iss` of the tokens this issuer signs and accepts. */
    readonly issuer: string,
  ) {}

  /** A signed access token for a named dev user or any claims (`sub` required). */
  async issue(user: DevUserName | DevUserClaims, options: IssueOptions = {}): Promise<string> {
    const claims: DevUserClaims = typeof user === 'string' ? DEV_USERS[user] : user;
    if (typeof user === 'string' && !claims) throw new Error(`user: unknown dev user ${JSON.stringify(user)}; expected one of ${Object.keys(DEV_USERS).join(', ')}`);
    if (typeof claims.sub !== 'string' || !claims.sub) throw new Error('user.sub: expected a non-empty subject');
    if (claims.role !== undefined && !(ROLES as readonly string[]).includes(String(claims.role))) {
      // Allowed on purpose (tests of unknown roles), but said out loud.
      process.emitWarning(`dev token for ${claims.sub} carries role ${JSON.stringify(claims.role)}, which no policy knows; every tool will be denied`);
    }
    const { sub, ...rest } = claims;
    return new SignJWT({ ...rest, token_use: 'access', scope: `${DEV_AUDIENCE}/invoke` })
      .setProtectedHeader({ alg: ALG, kid: this.publicJwk.kid })
      .setSubject(sub)
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? DEV_AUDIENCE)
      .setIssuedAt()
      // A number is a lifetime in seconds (jose would read it as an absolute timestamp).
      .setExpirationTime(typeof options.expiresIn === 'number' ? Math.floor(Date.now() / 1000) + options.expiresIn : (options.expiresIn ?? '12h'))
      .sign(this.privateKey);
  }

  /** Verify signature, issuer, audience and expiry; returns the claims or throws with the reason. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, audience: DEV_AUDIENCE, algorithms: [ALG] });
    return payload;
  }
}
