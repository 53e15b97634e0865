/**
 * CLI flags for deployed runtimes: the protocol (A2A specialists vs the supervisor's HTTP contract),
 * the token source per persona, and the Cognito evaluation client from flags or EVAL_* variables.
 * The token endpoint is a real HTTP server on 127.0.0.1; the agent is an in-process transport.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultTransport, main, type CliIo, type TransportSpec } from '../../../eval/runner/cli';
import { personaOf } from '../../../eval/runner/personas';
import { A2ATransport } from '../../../eval/runner/transports/a2a';
import { AgentCoreTransport } from '../../../eval/runner/transports/agentcore';
import { LocalHttpTransport } from '../../../eval/runner/transports/local-http';
import type { Transport } from '../../../eval/runner/transports/transport';

const ROOT = path.join(__dirname, '..', '..', '..');
const ARN = 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/financial_analyst_staging-AbCdEf1234';
const POOL = 'eu-west-1_AbCdEf123';
const CLIENT = '4example7client9id';

async function cli(argv: string[], extra: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd: ROOT, env: {}, ...extra });
  return { code, out: out.join(''), err: err.join('') };
}

describe('eval CLI: protocol and auth flags', () => {
  test('bad --protocol and --auth values are named with what was expected', async () => {
    const r = await cli(['--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--protocol', 'grpc', '--auth', 'basic']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: --protocol: expected a2a (the specialists\' A2A runtimes) or http (POST /invocations, the supervisor), got "grpc"');
    expect(r.err).toContain('error: --auth: expected one of none, env, cognito, got "basic"');
  });

  test('--auth cognito without its settings names each flag and its variable, all at once', async () => {
    const r = await cli(['--agent', 'financial', '--endpoint', ARN, '--auth', 'cognito']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: --user-pool-id (or EVAL_USER_POOL_ID): required with --auth cognito; expected the user pool id, e.g. us-east-1_AbCdEf123');
    expect(r.err).toContain('error: --client-id (or EVAL_CLIENT_ID): required with --auth cognito; expected the evaluation app client id');
    expect(r.err).toContain('error: --token-url (or EVAL_TOKEN_URL): required with --auth cognito; expected https://<domain>/oauth2/token (or give --cognito-domain)');
  });

  test('malformed Cognito settings, from flags or EVAL_* variables, are rejected before any call', async () => {
    const flags = await cli(['--agent', 'financial', '--endpoint', ARN, '--auth', 'cognito', '--user-pool-id', 'pool1', '--client-id', 'a b', '--token-url', 'http://auth.example.com/oauth2/token', '--scope', 'two scopes']);
    expect(flags.code).toBe(2);
    expect(flags.err).toContain('error: --user-pool-id (or EVAL_USER_POOL_ID): expected a user pool id such as us-east-1_AbCdEf123, got "pool1"');
    expect(flags.err).toContain('error: --client-id (or EVAL_CLIENT_ID): expected an app client id (letters, digits, +, _), got "a b"');
    expect(flags.err).toContain('error: --token-url (or EVAL_TOKEN_URL): expected https://<domain>/oauth2/token, got "http://auth.example.com/oauth2/token"');
    expect(flags.err).toContain('error: --scope (or EVAL_SCOPE): expected one scope such as agentcore-tools/invoke, got "two scopes"');
    const env = await cli(['--agent', 'financial', '--endpoint', ARN, '--auth', 'cognito'], {
      env: { EVAL_USER_POOL_ID: POOL, EVAL_CLIENT_ID: CLIENT, EVAL_TOKEN_URL: 'https://auth.example.com/token', EVAL_COGNITO_DOMAIN: '' },
    });
    expect(env.code).toBe(2);
    expect(env.err).toContain('error: --token-url (or EVAL_TOKEN_URL): expected https://<domain>/oauth2/token, got "https://auth.example.com/token"');
    expect(env.err).not.toContain('error: --user-pool-id');
    const both = await cli(['--agent', 'financial', '--endpoint', ARN, '--auth', 'cognito', '--cognito-domain', 'kit.auth.eu-west-1.amazoncognito.com'], {
      env: { EVAL_USER_POOL_ID: POOL, EVAL_CLIENT_ID: CLIENT, EVAL_TOKEN_URL: 'https://kit.auth.eu-west-1.amazoncognito.com/oauth2/token' },
    });
    expect(both.err).toContain('error: --token-url and --cognito-domain (or EVAL_TOKEN_URL and EVAL_COGNITO_DOMAIN): give one of them');
  });

  test('Cognito flags without --auth cognito, and A2A to a runtime ARN without a token source, are usage errors', async () => {
    const stray = await cli(['--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--client-id', CLIENT]);
    expect(stray.err).toContain('error: --client-id: only applies with --auth cognito (got --auth none)');
    const sigv4 = await cli(['--agent', 'hr', '--endpoint', ARN]);
    expect(sigv4.code).toBe(2);
    expect(sigv4.err).toContain('error: --protocol a2a with a runtime ARN: expected --auth cognito or --auth env');
  });

  test('--auth env names the missing variable of a case persona before any call', async () => {
    let built = 0;
    const r = await cli(['--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--auth', 'env', '--tag', 'vacation'], {
      env: { EVAL_TOKEN_ALEX: 'jwt-alex' },
      transportFor: (spec) => (built++, defaultTransport(spec)),
    });
    expect(r.code).toBe(2);
    expect(r.err).toBe("--auth env: no token for persona fran: set EVAL_TOKEN_FRAN to a bearer token (JWT) with fran's claims\n");
    expect(built).toBe(0);
  });
});

describe('eval CLI with the Cognito evaluation client (token endpoint on 127.0.0.1)', () => {
  let server: http.Server;
  let tokenUrl: string;
  let status = 200;
  const forms: URLSearchParams[] = [];
  const cognitoClient = { send: async () => ({ UserPoolClient: { ClientSecret: 'shh-secret' } }) };
  let tmp: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        forms.push(form);
        const persona = JSON.parse(form.get('aws_client_metadata') ?? '{}').persona;
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(status === 200 ? { access_token: `jwt-${persona}`, expires_in: 3600, token_type: 'Bearer' } : { error: 'invalid_client' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    forms.splice(0);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-cli-remote-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('settings from EVAL_* variables: one token per persona, each case sent with its persona, an A2A transport for the ARN', async () => {
    status = 200;
    let spec: TransportSpec | undefined;
    const sent: string[] = [];
    const transport = (s: TransportSpec): Transport => {
      spec = s;
      return {
        description: 'in-process',
        invoke: async (request) => {
          sent.push(`${request.evaluation.caseId}:${await s.tokens!.token(personaOf(request))}`);
          const refusal = request.evaluation.caseId === 'fin-034';
          const body = refusal
            ? { answer: 'I cannot share compensation.', outcome: 'refusal', toolCalls: [], usage: { inputTokens: 100, outputTokens: 20 } }
            : { answer: 'EMEA revenue in 2024-Q3 was 1,284.6 million USD.', outcome: 'answer', toolCalls: [{ name: 'financial___getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' } }], usage: { inputTokens: 900, outputTokens: 80 } };
          return { statusCode: 200, contentType: 'application/json', body: JSON.stringify(body) };
        },
      };
    };
    const lines = fs.readFileSync(path.join(ROOT, 'eval', 'datasets', 'financial.jsonl'), 'utf8').split('\n').filter((l) => /"id": "fin-0(01|34)"/.test(l));
    fs.writeFileSync(path.join(tmp, 'financial.jsonl'), lines.join('\n'));
    const r = await cli(['--agent', 'financial', '--endpoint', ARN, '--qualifier', 'canary', '--auth', 'cognito', '--dataset', path.join(tmp, 'financial.jsonl'), '--out', path.join(tmp, 'out')], {
      env: { EVAL_USER_POOL_ID: POOL, EVAL_CLIENT_ID: CLIENT, EVAL_TOKEN_URL: tokenUrl, EVAL_SCOPE: 'agentcore-tools/invoke' },
      cognitoClient,
      transportFor: transport,
    });
    expect(r.err).not.toContain('error');
    expect(r.out).toMatch(/^financial: 2\/2 trials passed \(2 cases × 1 repeat\(s\); 0 errors/);
    expect(r.code).toBe(0);
    expect(spec).toMatchObject({ endpoint: ARN, qualifier: 'canary', protocol: 'a2a' });
    expect(defaultTransport(spec!)).toBeInstanceOf(A2ATransport);
    // fin-001 runs as the financial default (sam), fin-034 as the seed's junior analyst (alex).
    expect(sent.sort()).toEqual(['fin-001:jwt-sam', 'fin-034:jwt-alex']);
    expect(forms.map((f) => [f.get('grant_type'), f.get('client_id'), f.get('scope'), f.get('aws_client_metadata')]).sort()).toEqual([
      ['client_credentials', CLIENT, 'agentcore-tools/invoke', '{"persona":"alex"}'],
      ['client_credentials', CLIENT, 'agentcore-tools/invoke', '{"persona":"sam"}'],
    ]);
    expect(r.out + r.err).not.toContain('shh-secret');
    const results = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'results.json'), 'utf8'));
    expect(results.labels).toMatchObject({ protocol: 'a2a', auth: `Cognito client ${CLIENT} at ${tokenUrl}`, endpoint: 'canary' });
  });

  test('a rejected client stops the run before any case: exit 2 naming the client id', async () => {
    status = 400;
    let built = 0;
    const r = await cli(['--agent', 'financial', '--endpoint', ARN, '--auth', 'cognito', '--user-pool-id', POOL, '--client-id', CLIENT, '--token-url', tokenUrl, '--out', tmp], {
      cognitoClient,
      transportFor: (s) => (built++, defaultTransport(s)),
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`token endpoint ${tokenUrl} rejected client ${CLIENT}: invalid_client`);
    expect(r.err).not.toContain('shh-secret');
    expect(built).toBe(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('transport for the flags', () => {
  const tokens = { description: 't', token: async () => 'jwt' };

  test('a runtime ARN: A2A over HTTPS with the token; HTTP with a token over HTTPS; HTTP without one via SigV4 InvokeAgentRuntime', () => {
    expect(defaultTransport({ endpoint: ARN, qualifier: 'canary', protocol: 'a2a', tokens }).description).toBe(
      `A2A https://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/${ARN}/invocations/ (qualifier canary)`,
    );
    const http = defaultTransport({ endpoint: ARN, qualifier: 'live', protocol: 'http', tokens });
    expect(http).toBeInstanceOf(LocalHttpTransport);
    expect(http.description).toBe(`https://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/${encodeURIComponent(ARN)} (qualifier live)`);
    expect(defaultTransport({ endpoint: ARN, qualifier: 'live', protocol: 'http' })).toBeInstanceOf(AgentCoreTransport);
    expect(() => defaultTransport({ endpoint: ARN, protocol: 'a2a' })).toThrow(/--protocol a2a with a runtime ARN: expected --auth cognito or --auth env/);
  });

  test('a local URL: A2A to the specialist (qualifier as a query parameter), or the HTTP contract', () => {
    expect(defaultTransport({ endpoint: 'http://127.0.0.1:9001', protocol: 'a2a', qualifier: 'canary' }).description).toBe('A2A http://127.0.0.1:9001/ (qualifier canary)');
    expect(defaultTransport({ endpoint: 'http://127.0.0.1:8080', protocol: 'http' })).toBeInstanceOf(LocalHttpTransport);
  });
});
