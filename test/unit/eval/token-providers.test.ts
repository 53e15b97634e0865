/**
 * Persona token sources. The Cognito provider runs against a real HTTP server on 127.0.0.1 standing
 * in for the user pool's token endpoint; only DescribeUserPoolClient (control plane) is a fake,
 * behind the provider's narrow client interface.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoTokenProvider, tokenUrlFromDomain } from '../../../eval/runner/auth/cognito';
import { DevTokenProvider, EnvTokenProvider, TokenError } from '../../../eval/runner/auth/token-provider';
import { DevTokenIssuer } from '../../../local/dev-tokens';

const SECRET = 's3cr3t-never-printed';
const CLIENT_ID = '4example7client9id';
const POOL = 'eu-west-1_AbCdEf123';

interface TokenRequest {
  readonly method?: string;
  readonly path?: string;
  readonly contentType?: string;
  readonly authorization?: string;
  readonly form: Record<string, string>;
}

async function startTokenEndpoint(reply: (form: Record<string, string>, n: number) => { status: number; body: unknown }) {
  const requests: TokenRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push({ method: req.method, path: req.url, contentType: req.headers['content-type'], authorization: req.headers.authorization, form });
      const r = reply(form, requests.length);
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth2/token`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function describeClient(secret: string | undefined = SECRET) {
  const inputs: unknown[] = [];
  return {
    inputs,
    send: async (command: DescribeUserPoolClientCommand) => {
      inputs.push(command.input);
      return { UserPoolClient: { ClientId: CLIENT_ID, ClientSecret: secret } };
    },
  };
}

describe('CognitoTokenProvider (client credentials per persona)', () => {
  let endpoint: Awaited<ReturnType<typeof startTokenEndpoint>>;
  afterEach(async () => endpoint?.close());

  test('posts the client-credentials form with basic client auth and the persona as client metadata', async () => {
    endpoint = await startTokenEndpoint((form, n) => ({ status: 200, body: { access_token: `token-${JSON.parse(form.aws_client_metadata).persona}-${n}`, expires_in: 3600, token_type: 'Bearer' } }));
    const client = describeClient();
    const tokens = new CognitoTokenProvider({ tokenUrl: endpoint.url, clientId: CLIENT_ID, userPoolId: POOL, scope: 'agentcore-kit/invoke', client });

    await expect(tokens.token('alex')).resolves.toBe('token-alex-1');
    expect(endpoint.requests).toEqual([
      {
        method: 'POST',
        path: '/oauth2/token',
        contentType: 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`,
        form: { grant_type: 'client_credentials', client_id: CLIENT_ID, scope: 'agentcore-kit/invoke', aws_client_metadata: '{"persona":"alex"}' },
      },
    ]);
    expect(client.inputs).toEqual([{ UserPoolId: POOL, ClientId: CLIENT_ID }]);
    expect(tokens.description).not.toContain(SECRET);
  });

  test('caches a token per persona until shortly before expiry; the secret is read once', async () => {
    let now = 1_000_000;
    endpoint = await startTokenEndpoint((form, n) => ({ status: 200, body: { access_token: `token-${JSON.parse(form.aws_client_metadata).persona}-${n}`, expires_in: 300 } }));
    const client = describeClient();
    const tokens = new CognitoTokenProvider({ tokenUrl: endpoint.url, clientId: CLIENT_ID, userPoolId: POOL, client, now: () => now, refreshBeforeMs: 60_000 });

    // Concurrent requests for one persona share one fetch.
    expect(await Promise.all([tokens.token('alex'), tokens.token('alex'), tokens.token('sam')])).toEqual(['token-alex-1', 'token-alex-1', 'token-sam-2']);
    now += 239_000; // 61 s before expiry: still cached
    expect(await tokens.token('alex')).toBe('token-alex-1');
    now += 2_000; // 59 s before expiry: refreshed
    expect(await tokens.token('alex')).toBe('token-alex-3');
    expect(endpoint.requests.map((r) => JSON.parse(r.form.aws_client_metadata).persona)).toEqual(['alex', 'sam', 'alex']);
    expect(endpoint.requests.every((r) => r.form.scope === undefined)).toBe(true);
    expect(client.inputs).toHaveLength(1);
  });

  test('400 invalid_client is a clear error naming the client id, without the secret; nothing is cached', async () => {
    endpoint = await startTokenEndpoint(() => ({ status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }));
    const tokens = new CognitoTokenProvider({ tokenUrl: endpoint.url, clientId: CLIENT_ID, userPoolId: POOL, client: describeClient() });
    const error = await tokens.token('priya').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe(
      `token endpoint ${endpoint.url} rejected client ${CLIENT_ID}: invalid_client (Client authentication failed); check the client id (--client-id / EVAL_CLIENT_ID) belongs to this user pool's domain and has a secret and the client_credentials grant`,
    );
    expect((error as Error).message).not.toContain(SECRET);
    await expect(tokens.token('priya')).rejects.toThrow(/invalid_client/);
    expect(endpoint.requests).toHaveLength(2);
  });

  test('other refusals name the persona and the OAuth error', async () => {
    endpoint = await startTokenEndpoint(() => ({ status: 400, body: { error: 'invalid_scope' } }));
    const tokens = new CognitoTokenProvider({ tokenUrl: endpoint.url, clientId: CLIENT_ID, clientSecret: SECRET, scope: 'nope/invoke' });
    await expect(tokens.token('hana')).rejects.toThrow(`token endpoint ${endpoint.url} refused a token for persona hana (client ${CLIENT_ID}): invalid_scope`);
  });

  test('a client without a secret, and a failing DescribeUserPoolClient, are explained', async () => {
    endpoint = await startTokenEndpoint(() => ({ status: 200, body: { access_token: 'x', expires_in: 3600 } }));
    const noSecret = new CognitoTokenProvider({ tokenUrl: endpoint.url, clientId: CLIENT_ID, userPoolId: POOL, client: describeClient('') });
    await expect(noSecret.token('alex')).rejects.toThrow(`client ${CLIENT_ID} of user pool ${POOL} has no client secret; the client-credentials grant needs a confidential app client`);
    const denied = new CognitoTokenProvider({
      tokenUrl: endpoint.url,
      clientId: CLIENT_ID,
      userPoolId: POOL,
      client: {
        send: async () => {
          throw Object.assign(new Error('User is not authorized to perform: cognito-idp:DescribeUserPoolClient'), { name: 'AccessDeniedException' });
        },
      },
    });
    await expect(denied.token('alex')).rejects.toThrow(/DescribeUserPoolClient for client 4example7client9id in user pool eu-west-1_AbCdEf123 failed: AccessDeniedException: .*needs cognito-idp:DescribeUserPoolClient on the pool/);
    expect(endpoint.requests).toHaveLength(0);
  });

  test('bad construction input names the field', () => {
    expect(() => new CognitoTokenProvider({ tokenUrl: 'http://auth.example.com/oauth2/token', clientId: CLIENT_ID, clientSecret: SECRET })).toThrow(/tokenUrl: expected https:\/\/<domain>\/oauth2\/token \(http only on loopback\)/);
    expect(() => new CognitoTokenProvider({ tokenUrl: 'https://auth.example.com/oauth2/token', clientId: 'bad id', clientSecret: SECRET })).toThrow(/clientId: expected a Cognito app client id/);
    expect(() => new CognitoTokenProvider({ tokenUrl: 'https://auth.example.com/oauth2/token', clientId: CLIENT_ID, userPoolId: 'pool-1' })).toThrow(/userPoolId: expected a user pool id such as us-east-1_AbCdEf123, got "pool-1"/);
  });

  test('the token URL of a Cognito domain', () => {
    expect(tokenUrlFromDomain('kit-staging.auth.eu-west-1.amazoncognito.com')).toBe('https://kit-staging.auth.eu-west-1.amazoncognito.com/oauth2/token');
    expect(tokenUrlFromDomain('https://auth.example.com/')).toBe('https://auth.example.com/oauth2/token');
    expect(() => tokenUrlFromDomain('not a domain')).toThrow(/--cognito-domain: expected a domain such as my-prefix\.auth\.us-east-1\.amazoncognito\.com/);
  });
});

describe('dev and environment token sources', () => {
  test('dev tokens carry the persona claims and are issued once per persona while valid', async () => {
    const issuer = await DevTokenIssuer.create();
    const issued: string[] = [];
    const tokens = new DevTokenProvider(async (persona) => {
      issued.push(persona);
      return issuer.issue(persona, { expiresIn: '1h' });
    });
    const [a1, a2, s] = [await tokens.token('alex'), await tokens.token('alex'), await tokens.token('sam')];
    expect(a1).toBe(a2);
    expect(issued).toEqual(['alex', 'sam']);
    expect(await issuer.verify(a1)).toMatchObject({ sub: 'dev-alex', role: 'analyst', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' });
    expect(await issuer.verify(s)).toMatchObject({ sub: 'dev-sam', role: 'senior-analyst' });
  });

  test('an expired dev token is issued again', async () => {
    const issuer = await DevTokenIssuer.create();
    let n = 0;
    const tokens = new DevTokenProvider(async (persona) => (++n, issuer.issue(persona, { expiresIn: 30 })));
    await tokens.token('ivan');
    await tokens.token('ivan');
    expect(n).toBe(2); // 30 s is inside the 60 s refresh margin
  });

  test('environment tokens are read per persona; a missing one names its variable', async () => {
    const tokens = new EnvTokenProvider({ EVAL_TOKEN_ALEX: 'jwt-alex' });
    await expect(tokens.token('alex')).resolves.toBe('jwt-alex');
    await expect(tokens.token('priya')).rejects.toThrow("--auth env: no token for persona priya: set EVAL_TOKEN_PRIYA to a bearer token (JWT) with priya's claims");
  });
});
