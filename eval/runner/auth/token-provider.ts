/**
 * Bearer tokens per persona: every case runs as a reference identity (personas.ts), so the runner
 * needs that identity's token. Sources: local dev tokens (`DevTokenProvider`), tokens handed in
 * through environment variables (`EnvTokenProvider`), and the Cognito evaluation client
 * (`CognitoTokenProvider`, cognito.ts). Tokens are cached per persona until shortly before expiry.
 */
import { decodeJwt } from 'jose';
import type { PersonaName } from '../personas';

export interface TokenProvider {
  /** A bearer token (JWT) whose claims are this persona's. */
  token(persona: PersonaName): Promise<string>;
  /** What the tokens come from, for the run's labels (never a secret). */
  readonly description: string;
}

/** A token could not be obtained; the message names the source and what to fix. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface IssuedToken {
  readonly token: string;
  /** Epoch milliseconds; undefined when the token does not say. */
  readonly expiresAt?: number;
}

/** Expiry of a JWT from its `exp` claim, when it can be read. */
export function jwtExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tokens by persona, fetched once and reused until `refreshBeforeMs` before they expire; concurrent
 * requests for the same persona share one fetch, and a failed fetch is not cached.
 */
export class TokenCache {
  private readonly entries = new Map<string, Promise<IssuedToken>>();
  constructor(
    private readonly refreshBeforeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(persona: PersonaName, fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.entries.get(persona);
    if (cached) {
      const issued = await cached.catch(() => undefined);
      if (issued && (issued.expiresAt === undefined || issued.expiresAt - this.refreshBeforeMs > this.now())) return issued.token;
      if (this.entries.get(persona) === cached) this.entries.delete(persona);
      else return this.get(persona, fetchToken);
    }
    const pending = fetchToken();
    this.entries.set(persona, pending);
    pending.catch(() => {
      if (this.entries.get(persona) === pending) this.entries.delete(persona);
    });
    return (await pending).token;
  }
}

/**
 * Local dev tokens signed by the local tool server's key (`RunningToolServer.issueToken`) or a
 * `DevTokenIssuer` (local/dev-tokens.ts): for the local agents.
 *
 * ```ts
 * const tokens = new DevTokenProvider((persona) => tools.issueToken(persona));
 * ```
 */
export class DevTokenProvider implements TokenProvider {
  readonly description = 'local dev tokens';
  private readonly cache = new TokenCache();
  constructor(private readonly issue: (persona: PersonaName) => Promise<string>) {}

  token(persona: PersonaName): Promise<string> {
    return this.cache.get(persona, async () => {
      const token = await this.issue(persona);
      return { token, expiresAt: jwtExpiry(token) };
    });
  }
}

/** Name of the variable holding a persona's token: `EVAL_TOKEN_ALEX`. */
export function tokenVariable(persona: PersonaName, prefix = 'EVAL_TOKEN_'): string {
  return `${prefix}${persona.toUpperCase()}`;
}

/**
 * Tokens handed in through environment variables, one per persona (`EVAL_TOKEN_ALEX`,
 * `EVAL_TOKEN_SAM`...), e.g. the dev tokens `npm run tools:serve` prints.
 */
export class EnvTokenProvider implements TokenProvider {
  readonly description: string;
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly prefix = 'EVAL_TOKEN_',
  ) {
    this.description = `tokens from ${prefix}<PERSONA> variables`;
  }

  async token(persona: PersonaName): Promise<string> {
    const name = tokenVariable(persona, this.prefix);
    const token = this.env[name];
    if (!token) throw new TokenError(`--auth env: no token for persona ${persona}: set ${name} to a bearer token (JWT) with ${persona}'s claims`);
    return token;
  }
}
