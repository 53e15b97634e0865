/**
 * Persona tokens from the Cognito evaluation client: the OAuth 2.0 client-credentials grant on the
 * user pool's token endpoint (`POST https://<domain>/oauth2/token`), with the persona named in
 * `aws_client_metadata` (`{"persona":"<name>"}`); the pool's pre token generation trigger turns it
 * into that persona's claims. The client secret is read at run time with `DescribeUserPoolClient`
 * and never printed.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { PersonaName } from '../personas';
import { TokenCache, TokenError, type TokenProvider } from './token-provider';

/** The slice of the Cognito client the provider needs; the real client satisfies it. */
export interface DescribeUserPoolClientSender {
  send(command: DescribeUserPoolClientCommand): Promise<{ UserPoolClient?: { ClientSecret?: string } }>;
}

export const USER_POOL_ID_PATTERN = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9a-zA-Z]+$/;
export const CLIENT_ID_PATTERN = /^[\w+]{1,128}$/;

export type CognitoTokenProviderOptions = {
  /** Token endpoint, `https://<domain>/oauth2/token`. */
  readonly tokenUrl: string;
  readonly clientId: string;
  /**
   * Scope to request, e.g. `agentcore-tools/invoke` (resource server identifier / scope name).
   * @default - every scope the app client is allowed
   */
  readonly scope?: string;
  /** Refresh a cached token this long before it expires. @default 60000 */
  readonly refreshBeforeMs?: number;
  /** Per-request timeout of the token endpoint. @default 10000 */
  readonly timeoutMs?: number;
  readonly now?: () => number;
} & (
  | {
      /** The pool of the app client (its region is the client's region). */
      readonly userPoolId: string;
      /** @default - a CognitoIdentityProviderClient in the pool's region */
      readonly client?: DescribeUserPoolClientSender;
      readonly clientSecret?: never;
    }
  | { readonly clientSecret: string; readonly userPoolId?: never; readonly client?: never }
);

export class CognitoTokenProvider implements TokenProvider {
  readonly description: string;
  private readonly cache: TokenCache;
  private readonly tokenUrl: URL;
  private secret?: Promise<string>;

  constructor(private readonly options: CognitoTokenProviderOptions) {
    let url: URL;
    try {
      url = new URL(options.tokenUrl);
    } catch {
      throw new TokenError(`tokenUrl: expected the token endpoint https://<domain>/oauth2/token, got ${JSON.stringify(options.tokenUrl)}`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))) {
      throw new TokenError(`tokenUrl: expected https://<domain>/oauth2/token (http only on loopback), got ${JSON.stringify(options.tokenUrl)}`);
    }
    if (!CLIENT_ID_PATTERN.test(options.clientId)) throw new TokenError(`clientId: expected a Cognito app client id (letters, digits, +, _), got ${JSON.stringify(options.clientId)}`);
    if (options.userPoolId !== undefined && !USER_POOL_ID_PATTERN.test(options.userPoolId)) {
      throw new TokenError(`userPoolId: expected a user pool id such as us-east-1_AbCdEf123, got ${JSON.stringify(options.userPoolId)}`);
    }
    this.tokenUrl = url;
    this.cache = new TokenCache(options.refreshBeforeMs ?? 60_000, options.now);
    this.description = `Cognito client ${options.clientId} at ${url.origin}${url.pathname}`;
  }

  token(persona: PersonaName): Promise<string> {
    return this.cache.get(persona, () => this.request(persona));
  }

  /** The app client's secret, read once (a failed read is retried on the next token). */
  private clientSecret(): Promise<string> {
    if (!this.secret) {
      const pending = this.readSecret();
      pending.catch(() => {
        if (this.secret === pending) this.secret = undefined;
      });
      this.secret = pending;
    }
    return this.secret;
  }

  private async readSecret(): Promise<string> {
    if (this.options.clientSecret !== undefined) return this.options.clientSecret;
    const userPoolId = this.options.userPoolId!;
    const client = this.options.client ?? new CognitoIdentityProviderClient({ region: USER_POOL_ID_PATTERN.exec(userPoolId)![1] });
    let secret: string | undefined;
    try {
      const out = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: this.options.clientId }));
      secret = out.UserPoolClient?.ClientSecret;
    } catch (e) {
      throw new TokenError(
        `DescribeUserPoolClient for client ${this.options.clientId} in user pool ${userPoolId} failed: ${(e as Error).name}: ${(e as Error).message} (the caller needs cognito-idp:DescribeUserPoolClient on the pool)`,
      );
    }
    if (!secret) throw new TokenError(`client ${this.options.clientId} of user pool ${userPoolId} has no client secret; the client-credentials grant needs a confidential app client`);
    return secret;
  }

  private async request(persona: PersonaName): Promise<{ token: string; expiresAt: number }> {
    const secret = await this.clientSecret();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.options.clientId });
    if (this.options.scope) form.set('scope', this.options.scope);
    form.set('aws_client_metadata', JSON.stringify({ persona }));
    const started = (this.options.now ?? Date.now)();
    let res: Response;
    try {
      res = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${this.options.clientId}:${secret}`).toString('base64')}`,
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new TokenError(`token endpoint ${this.tokenUrl.href} unreachable for persona ${persona}: ${(e as Error).message}`);
    }
    const text = await res.text();
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Reported below with the status.
    }
    if (!res.ok) {
      const error = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
      const detail = typeof body.error_description === 'string' ? ` (${body.error_description})` : '';
      if (error === 'invalid_client') {
        throw new TokenError(
          `token endpoint ${this.tokenUrl.href} rejected client ${this.options.clientId}: invalid_client${detail}; check the client id (--client-id / EVAL_CLIENT_ID) belongs to this user pool's domain and has a secret and the client_credentials grant`,
        );
      }
      throw new TokenError(`token endpoint ${this.tokenUrl.href} refused a token for persona ${persona} (client ${this.options.clientId}): ${error}${detail}`);
    }
    if (typeof body.access_token !== 'string' || !body.access_token) {
      throw new TokenError(`token endpoint ${this.tokenUrl.href} answered without an access_token for persona ${persona}`);
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    return { token: body.access_token, expiresAt: started + expiresIn * 1000 };
  }
}

/** `https://<domain>/oauth2/token` from a Cognito domain (`<prefix>.auth.<region>.amazoncognito.com`, a custom domain, or an https URL). */
export function tokenUrlFromDomain(domain: string): string {
  const host = domain.replace(/^https:\/\//, '').replace(/\/+$/, '');
  if (!/^[a-z0-9.-]+$/i.test(host) || !host.includes('.')) {
    throw new TokenError(`--cognito-domain: expected a domain such as my-prefix.auth.us-east-1.amazoncognito.com, got ${JSON.stringify(domain)}`);
  }
  return `https://${host}/oauth2/token`;
}
