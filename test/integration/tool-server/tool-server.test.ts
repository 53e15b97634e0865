/**
 * The local tool server driven by the real MCP SDK client over loopback: the gateway's tool list,
 * JWT handling, Cedar decisions and the real handlers against dynalite with the seed data.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SignJWT, createRemoteJWKSet, generateKeyPair, jwtVerify } from 'jose';
import { gatewayToolName, toGatewayToolSchema, toolCatalog } from '../../../catalog';
import { SEARCH_TOOL_NAME, startToolServer, type RunningToolServer, type ToolCallAudit } from '../../../local';
import { DEV_AUDIENCE } from '../../../local/dev-tokens';
import { createToolDeps } from '../../../lambda/shared/deps';
import { startDynalite } from '../../../local/dynalite';

let tools: RunningToolServer;
const audits: ToolCallAudit[] = [];
let dbRequests = 0;
const clients: Client[] = [];

beforeAll(async () => {
  tools = await startToolServer({ onToolCall: (a) => audits.push(a), now: () => new Date('2026-11-26T09:00:00Z') });
  tools.dynamo!.client.middlewareStack.add((next) => async (args) => {
    dbRequests++;
    return next(args);
  }, { step: 'initialize', name: 'countRequests' });
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await tools.close();
});

async function connect(token?: string): Promise<Client> {
  const client = new Client({ name: 'tool-server-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(tools.url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {});
  await client.connect(transport);
  clients.push(client);
  return client;
}

type Content = { type: string; text: string }[];
const body = (r: unknown) => JSON.parse(((r as { content: Content }).content)[0].text);

describe('local tool server', () => {
  test('lists the catalog exactly as the gateway exposes it, plus the semantic search tool', async () => {
    const client = await connect(await tools.issueToken('priya'));
    const { tools: listed } = await client.listTools();
    expect(listed.map((t) => t.name)).toEqual([...toolCatalog.map(gatewayToolName), SEARCH_TOOL_NAME]);
    for (const def of toolCatalog) {
      const gateway = toGatewayToolSchema(def);
      const local = listed.find((t) => t.name === gatewayToolName(def))!;
      expect({ name: local.name, description: local.description, inputSchema: local.inputSchema }).toEqual({
        name: gatewayToolName(def),
        description: gateway.description,
        inputSchema: gateway.inputSchema,
      });
    }
  });

  test('an allowed call runs the real handler against the seed data', async () => {
    const client = await connect(await tools.issueToken('alex'));
    const result = await client.callTool({ name: 'financial___getQuarterlyRevenue', arguments: { region: 'EMEA', quarter: '2024-Q3' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ revenue: 1284.6, currency: 'USD', period: '2024-Q3', region: 'EMEA' });
    expect(audits.at(-1)).toMatchObject({ sub: 'dev-alex', role: 'analyst', tool: 'financial___getQuarterlyRevenue', decision: 'allowed' });
  });

  test('junior analyst asks for executive compensation: denied with the reason, before any database request', async () => {
    const client = await connect(await tools.issueToken('alex'));
    const before = dbRequests;
    const result = await client.callTool({ name: 'it___searchKnowledgeBase', arguments: { query: 'executive compensation 2026' } });
    expect(result.isError).toBe(true);
    expect(body(result)).toEqual({
      error: { code: 'FORBIDDEN', message: 'Denied by policy: compensation, salary and payroll data are not available through the tools, for any role.', retryable: false },
    });
    expect(dbRequests).toBe(before);
    expect(audits.at(-1)).toMatchObject({ decision: 'denied', tool: 'it___searchKnowledgeBase' });
  });

  test('an analyst asking for another region is denied, naming the rule', async () => {
    const client = await connect(await tools.issueToken('alex'));
    const result = await client.callTool({ name: 'financial___getQuarterlyRevenue', arguments: { region: 'APAC', quarter: '2024-Q3' } });
    expect(result.isError).toBe(true);
    expect(body(result).error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/no policy permits role analyst to call financial___getQuarterlyRevenue/) });
  });

  test('IT self-service acts only on the caller’s own userId; IT staff act for anyone (a mutating handler, through idempotency)', async () => {
    const employee = await connect(await tools.issueToken('priya'));
    const denied = await employee.callTool({ name: 'it___resetPassword', arguments: { userId: 'u20001', system: 'jira' } });
    expect(body(denied).error.code).toBe('FORBIDDEN');
    const itStaff = await connect(await tools.issueToken('ivan'));
    const done = await itStaff.callTool({ name: 'it___resetPassword', arguments: { userId: 'u20001', system: 'jira' } });
    expect(done.isError).toBeFalsy();
    expect(done.structuredContent).toMatchObject({ userId: 'u20001', system: 'jira' });
  });

  test('malformed arguments get a validation error naming each field, and never reach policy or handler', async () => {
    const client = await connect(await tools.issueToken('sam'));
    const before = dbRequests;
    const result = await client.callTool({ name: 'financial___getQuarterlyRevenue', arguments: { region: 'MARS', quarter: 'Q3', currency: 'EUR' } });
    expect(result.isError).toBe(true);
    const { error } = body(result);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { field: 'region', expected: 'expected one of EMEA, APAC, AMER' },
        { field: 'quarter', expected: 'expected a quarter in YYYY-QN format, e.g. 2024-Q3' },
        { field: 'currency', expected: 'no such argument: remove it' },
      ]),
    );
    expect(dbRequests).toBe(before);
    expect(audits.at(-1)).toMatchObject({ decision: 'invalid' });
  });

  test('an unknown tool is a JSON-RPC error naming the expected form', async () => {
    const client = await connect(await tools.issueToken('fran'));
    await expect(client.callTool({ name: 'getQuarterlyRevenue', arguments: {} })).rejects.toThrow(/Unknown tool: getQuarterlyRevenue\. Tools are named <target>___<tool>/);
  });

  test('semantic search finds the tool for a task', async () => {
    const client = await connect(await tools.issueToken('priya'));
    const result = await client.callTool({ name: SEARCH_TOOL_NAME, arguments: { query: 'how many vacation days are left' } });
    expect((result.structuredContent as { tools: { name: string }[] }).tools[0].name).toBe('hr___checkVacationBalance');
  });

  test('a missing token is rejected with 401', async () => {
    await expect(connect()).rejects.toThrow(/Unauthorized: missing bearer token/);
  });

  test('a token signed by another key, an expired token and a wrong audience are rejected', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ role: 'finance-admin' }).setProtectedHeader({ alg: 'ES256' }).setSubject('mallory').setIssuer(tools.issuer).setAudience(DEV_AUDIENCE).setExpirationTime('1h').sign(privateKey);
    // The client surfaces the 401 body; quotes in it arrive escaped.
    await expect(connect(forged)).rejects.toThrow(/Unauthorized: token rejected: signature verification failed/);
    await expect(connect(await tools.issueToken('fran', { expiresIn: -10 }))).rejects.toThrow(/Unauthorized: token rejected: .{0,2}exp.{0,2} claim timestamp check failed/);
    await expect(connect(await tools.issueToken('fran', { audience: 'someone-else' }))).rejects.toThrow(/Unauthorized: token rejected: unexpected .{0,3}aud.{0,3} claim value/);
  });

  test('tokens verify against the published JWKS (for agents running locally)', async () => {
    const token = await tools.issueToken({ sub: 'dev-test', role: 'employee', userId: 'u20003' });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(tools.jwksUrl)), { issuer: tools.issuer, audience: tools.audience });
    expect(payload).toMatchObject({ sub: 'dev-test', role: 'employee', userId: 'u20003' });
  });
});

describe('local tool server with the caller’s own tool dependencies', () => {
  test('uses the given deps and leaves their DynamoDB running on close', async () => {
    const db = await startDynalite({ seed: true, prefix: 'own-' });
    const own = await startToolServer({ deps: createToolDeps({ client: db.client, tables: db.tables }) });
    try {
      expect(own.dynamo).toBeUndefined();
      const client = new Client({ name: 'own-deps', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(own.url), { requestInit: { headers: { Authorization: `Bearer ${await own.issueToken('priya')}` } } }));
      const result = await client.callTool({ name: 'hr___getPolicy', arguments: { policyName: 'vacation' } });
      expect(result.structuredContent).toMatchObject({ policyName: 'vacation', title: 'Vacation Policy' });
      await client.close();
    } finally {
      await own.close();
    }
    const { TableNames } = await db.client.send(new ListTablesCommand({}));
    expect(TableNames).toContain(db.tables.policies);
    await db.stop();
  });
});
