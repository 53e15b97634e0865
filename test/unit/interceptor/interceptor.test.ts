/**
 * The gateway interceptor against a real DynamoDB-compatible server (dynalite): audit, per-user
 * rate limit, claim propagation, fail-closed behaviour.
 */
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { UnsecuredJWT } from 'jose';
import { handle, handler, type AuditRecord, type Deps } from '../../../lambda/interceptor';
import { CALLER_HEADERS, CALLER_META_KEY } from '../../../lambda/interceptor/contract';
import { DynamoRateLimiter, RATE_LIMIT_KEY } from '../../../lambda/interceptor/rate-limiter';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';
import { toolCatalog } from '../../../catalog';
import { foldForPolicy } from '../../../catalog/policy-text';
import { CedarAuthorizer } from '../../../lib/policy/cedar-authorizer';

/** The reference policies evaluated on exactly what the interceptor forwards (no folding of their own). */
const exactCedar = new CedarAuthorizer({ tools: toolCatalog, foldArguments: false });

const TABLE = 'test-rate-limit';
let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
  await db.client.send(
    new CreateTableCommand({ TableName: TABLE, KeySchema: [{ AttributeName: RATE_LIMIT_KEY, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: RATE_LIMIT_KEY, AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
});
afterAll(() => db.stop());

const analyst = { sub: 'sub-alex', role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001', 'cognito:groups': ['analyst'] };
const token = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();
let clock = new Date('2026-11-26T09:00:10Z');

function deps(limitPerMinute = 3, subjectTable = TABLE): { deps: Deps; audit: AuditRecord[] } {
  const audit: AuditRecord[] = [];
  return { audit, deps: { rateLimiter: new DynamoRateLimiter({ client: db.client, tableName: subjectTable, limitPerMinute }), audit: (r) => audit.push(r), now: () => clock } };
}

/** `headers: null` sends no headers (an interceptor configured without passRequestHeaders). */
function request(body: Record<string, unknown>, headers: Record<string, string> | null = { Authorization: `Bearer ${token(analyst)}`, 'Mcp-Session-Id': 's-1' }) {
  return { interceptorInputVersion: '1.0', mcp: { rawGatewayRequest: { body: JSON.stringify(body) }, gatewayRequest: { path: '/mcp', httpMethod: 'POST', ...(headers ? { headers } : {}), body } } };
}
const call = (name: unknown, args: unknown, id = 7) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

describe('gateway interceptor: REQUEST', () => {
  test('forwards a tools/call with the caller claims as headers and _meta, and audits who/tool/parameters/decision', async () => {
    clock = new Date('2026-11-26T09:00:10Z');
    const { deps: d, audit } = deps(3);
    const out = await handle(request(call('financial___getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' })), d);
    expect(out.mcp.transformedGatewayResponse).toBeUndefined();
    expect(out.mcp.transformedGatewayRequest).toEqual({
      headers: {
        [CALLER_HEADERS.sub]: 'sub-alex',
        [CALLER_HEADERS.role]: 'analyst',
        [CALLER_HEADERS.department]: 'finance',
        [CALLER_HEADERS.region]: 'EMEA',
        [CALLER_HEADERS.employeeId]: 'E10001',
        [CALLER_HEADERS.userId]: 'u20001',
      },
      body: {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: {
          name: 'financial___getQuarterlyRevenue',
          arguments: { region: 'EMEA', quarter: '2024-Q3', _caller: { sub: 'sub-alex', role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' } },
          _meta: { [CALLER_META_KEY]: { sub: 'sub-alex', role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' } },
        },
      },
    });
    expect(audit).toEqual([
      expect.objectContaining({
        stage: 'request',
        decision: 'forwarded',
        tool: 'financial___getQuarterlyRevenue',
        parameters: { region: 'EMEA', quarter: '2024-Q3' },
        caller: expect.objectContaining({ sub: 'sub-alex', role: 'analyst' }),
        requestId: 7,
        sessionId: 's-1',
      }),
    ]);
  });

  test('rate limit: the (limit+1)th call of a user in one minute is refused with the wait; other users and the next minute are not affected', async () => {
    clock = new Date('2026-11-26T10:00:15Z');
    const { deps: d, audit } = deps(2);
    const args = { query: 'vpn' };
    const first = await handle(request(call('it___searchKnowledgeBase', args)), d);
    const second = await handle(request(call('it___searchKnowledgeBase', args)), d);
    const third = await handle(request(call('it___searchKnowledgeBase', args)), d);
    expect(first.mcp.transformedGatewayRequest).toBeDefined();
    expect(second.mcp.transformedGatewayRequest).toBeDefined();
    expect(third.mcp.transformedGatewayRequest).toBeUndefined();
    const refused = third.mcp.transformedGatewayResponse?.body as { result: { isError: boolean; content: { text: string }[] } };
    expect(refused.result.isError).toBe(true);
    expect(JSON.parse(refused.result.content[0].text)).toEqual({
      error: { code: 'SERVICE_UNAVAILABLE', message: 'Rate limit reached: at most 2 gateway requests per minute per user. Try again in 45 seconds.', retryable: true },
    });
    expect(audit.map((a) => a.decision)).toEqual(['forwarded', 'forwarded', 'rate_limited']);

    const other = await handle(request(call('it___searchKnowledgeBase', args), { Authorization: `Bearer ${token({ ...analyst, sub: 'sub-priya' })}` }), d);
    expect(other.mcp.transformedGatewayRequest).toBeDefined();
    clock = new Date('2026-11-26T10:01:01Z');
    const nextMinute = await handle(request(call('it___searchKnowledgeBase', args)), d);
    expect(nextMinute.mcp.transformedGatewayRequest).toBeDefined();
  });

  test('persona tokens, which share the evaluation client as sub, are limited per persona', async () => {
    clock = new Date('2026-11-26T11:00:05Z');
    const { deps: d } = deps(1);
    const persona = (name: string) => ({ Authorization: `Bearer ${token({ ...analyst, sub: 'evaluation-client-id', persona: name })}` });
    const args = { query: 'vpn' };
    const alex = await handle(request(call('it___searchKnowledgeBase', args), persona('alex')), d);
    const sam = await handle(request(call('it___searchKnowledgeBase', args), persona('sam')), d);
    const alexAgain = await handle(request(call('it___searchKnowledgeBase', args), persona('alex')), d);
    expect(alex.mcp.transformedGatewayRequest).toBeDefined();
    expect(sam.mcp.transformedGatewayRequest).toBeDefined();
    expect(alexAgain.mcp.transformedGatewayRequest).toBeUndefined();
    // An unknown persona name is no persona: the caller falls back to its sub (already used by nobody here).
    const unknown = await handle(request(call('it___searchKnowledgeBase', args), persona('mallory')), d);
    expect(unknown.mcp.transformedGatewayRequest).toBeDefined();
    const again = await handle(request(call('it___searchKnowledgeBase', args), persona('mallory')), d);
    expect(again.mcp.transformedGatewayRequest).toBeUndefined();
  });

  test('counter items carry a TTL two minutes after their window', async () => {
    clock = new Date('2026-11-26T11:00:30Z');
    const { deps: d } = deps(5);
    await handle(request(call('it___searchKnowledgeBase', { query: 'vpn' })), d);
    const window = Math.floor(clock.getTime() / 60000);
    const item = await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { [RATE_LIMIT_KEY]: { S: `sub-alex#${window}` } } }));
    expect(item.Item).toEqual({ [RATE_LIMIT_KEY]: { S: `sub-alex#${window}` }, count: { N: '1' }, expiresAt: { N: String((window + 2) * 60) } });
  });

  test('fails closed when the limiter is unreachable', async () => {
    const { deps: d, audit } = deps(5, 'no-such-table');
    const out = await handle(request(call('it___searchKnowledgeBase', { query: 'vpn' })), d);
    expect(out.mcp.transformedGatewayRequest).toBeUndefined();
    const body = out.mcp.transformedGatewayResponse?.body as { result: { isError: boolean; content: { text: string }[] } };
    expect(JSON.parse(body.result.content[0].text).error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(audit[0].decision).toBe('limiter_unavailable');
  });

  test.each([
    ['no Authorization header', null, /no Authorization header/],
    ['a non-bearer header', { Authorization: 'Basic Zm9vOmJhcg==' }, /not a bearer token/],
    ['a token that is not a JWT', { Authorization: 'Bearer not-a-jwt' }, /not a JWT/],
    ['a token without sub', { Authorization: `Bearer ${token({ role: 'analyst' })}` }, /no sub claim/],
  ])('rejects %s with 401 before any target', async (_case, headers, message) => {
    const { deps: d, audit } = deps();
    const out = await handle(request(call('it___searchKnowledgeBase', { query: 'vpn' }), headers), d);
    expect(out.mcp.transformedGatewayRequest).toBeUndefined();
    expect(out.mcp.transformedGatewayResponse).toMatchObject({ statusCode: 401, body: { jsonrpc: '2.0', id: 7, error: { code: -32001, message: expect.stringMatching(message) } } });
    expect(audit[0].decision).toBe('rejected_unauthenticated');
  });

  test.each([
    ['a tool name that is not a string', call(42, {}), /params\.name/],
    ['arguments that are not an object', call('it___searchKnowledgeBase', ['vpn']), /params\.arguments: an object/],
  ])('rejects %s with 400 Invalid params', async (_case, body, message) => {
    const { deps: d, audit } = deps();
    const out = await handle(request(body), d);
    expect(out.mcp.transformedGatewayResponse).toMatchObject({ statusCode: 400, body: { error: { code: -32602, message: expect.stringMatching(message) } } });
    expect(audit[0]).toMatchObject({ decision: 'rejected_malformed', caller: expect.objectContaining({ sub: 'sub-alex' }) });
  });

  test.each([
    ['an unknown payload version', { ...request(call('x', {})), interceptorInputVersion: '2.0' }, /interceptorInputVersion/],
    ['a body that is not JSON-RPC 2.0', request({ id: 1, method: 'tools/call' }), /jsonrpc/],
    ['no gateway request at all', { interceptorInputVersion: '1.0', mcp: {} }, /gatewayRequest/],
    ['not an object', 'hello', /\(event\)/],
  ])('rejects %s with 400 Invalid request (fail closed)', async (_case, event, message) => {
    const { deps: d, audit } = deps();
    const out = await handle(event, d);
    expect(out.mcp.transformedGatewayRequest).toBeUndefined();
    expect(out.mcp.transformedGatewayResponse).toMatchObject({ statusCode: 400, body: { error: { code: -32600, message: expect.stringMatching(message) } } });
    expect(audit[0].decision).toBe('rejected_malformed');
  });

  test('passes tools/list on unchanged (authenticated) and counts it against the same limit as calls', async () => {
    clock = new Date('2026-11-26T12:00:00Z');
    const { deps: d, audit } = deps(2);
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect((await handle(request(body), d)).mcp.transformedGatewayRequest).toEqual({ body });
    expect((await handle(request(call('it___searchKnowledgeBase', { query: 'vpn' })), d)).mcp.transformedGatewayRequest).toBeDefined();
    const third = await handle(request(body), d);
    expect(third.mcp.transformedGatewayRequest).toBeUndefined();
    expect(third.mcp.transformedGatewayResponse).toMatchObject({ statusCode: 429, body: { id: 1, error: { code: -32000, message: expect.stringMatching(/^Rate limit reached: at most 2 gateway requests per minute per user/) } } });
    expect(audit.map((a) => a.decision)).toEqual(['forwarded', 'forwarded', 'rate_limited']);
  });

  test.each(['Tools/Call', 'tools/call ', 'TOOLS/LIST', 'tools/execute', 'resources/read', 'admin/reload'])('refuses the unknown method %j with "Method not found", never forwarding it', async (method) => {
    clock = new Date('2026-11-26T12:05:00Z');
    const { deps: d, audit } = deps(50);
    const out = await handle(request({ jsonrpc: '2.0', id: 3, method, params: { name: 'hr___checkVacationBalance', arguments: { employeeId: 'E10002' } } }), d);
    expect(out.mcp.transformedGatewayRequest).toBeUndefined();
    expect(out.mcp.transformedGatewayResponse).toMatchObject({ statusCode: 400, body: { id: 3, error: { code: -32601, message: expect.stringContaining(`unknown method "${method}"`) } } });
    expect(audit).toEqual([expect.objectContaining({ decision: 'rejected_malformed', method, caller: expect.objectContaining({ sub: 'sub-alex' }) })]);
  });

  test('unknown methods are rate-limited too: probing costs like calling', async () => {
    clock = new Date('2026-11-26T12:06:00Z');
    const { deps: d, audit } = deps(2);
    const probe = { jsonrpc: '2.0', id: 4, method: 'Tools/Call', params: { name: 'x' } };
    for (let i = 0; i < 3; i++) await handle(request(probe), d);
    expect(audit.map((a) => a.decision)).toEqual(['rejected_malformed', 'rejected_malformed', 'rate_limited']);
    const call3 = await handle(request(call('it___searchKnowledgeBase', { query: 'vpn' })), d);
    expect(call3.mcp.transformedGatewayRequest).toBeUndefined();
  });

  test('every known method is forwarded once authenticated and within the limit', async () => {
    clock = new Date('2026-11-26T12:07:00Z');
    const { deps: d } = deps(10);
    for (const method of ['initialize', 'ping', 'tools/list', 'notifications/initialized', 'notifications/cancelled']) {
      const body = { jsonrpc: '2.0', method, ...(method.startsWith('notifications/') ? {} : { id: 9 }) };
      expect({ method, out: (await handle(request(body), d)).mcp.transformedGatewayRequest }).toEqual({ method, out: { body } });
    }
  });

  test.each(['SALARY BANDS', 'PAYROLL calendar', 'Remuneration', 'Pay-Grade', 'ｓａｌａｒｙ', 'ѕаlаrу', 'sal\u200Bary', 's.a.l.a.r.y'])(
    'forwards the search %j folded, so the lower-case Cedar forbid refuses it (real Cedar, no folding of its own)',
    async (query) => {
      clock = new Date('2026-11-26T12:10:00Z');
      const { deps: d, audit } = deps(100);
      const out = await handle(request(call('it___searchKnowledgeBase', { query, maxResults: 3 })), d);
      const forwarded = (out.mcp.transformedGatewayRequest!.body as { params: { arguments: Record<string, unknown> } }).params.arguments;
      expect(forwarded.maxResults).toBe(3);
      expect(forwarded.query).toBe(foldForPolicy(query));
      expect(forwarded.query).not.toBe(query);
      expect(exactCedar.authorize({ claims: analyst, toolName: 'it___searchKnowledgeBase', input: forwarded })).toMatchObject({ decision: 'deny', policies: ['forbid_compensation_1'] });
      // The audit keeps what the caller sent.
      expect(audit[0].parameters).toEqual({ query, maxResults: 3 });
    },
  );

  test('an ordinary search is forwarded folded and still allowed; other tools keep their arguments as sent', async () => {
    clock = new Date('2026-11-26T12:11:00Z');
    const { deps: d } = deps(100);
    const search = await handle(request(call('it___searchKnowledgeBase', { query: 'VPN  MFA Token' })), d);
    const forwarded = (search.mcp.transformedGatewayRequest!.body as { params: { arguments: Record<string, unknown> } }).params.arguments;
    expect(forwarded).toEqual({ query: 'vpn mfa token', _caller: expect.objectContaining({ sub: 'sub-alex' }) });
    expect(exactCedar.authorize({ claims: analyst, toolName: 'it___searchKnowledgeBase', input: forwarded }).decision).toBe('allow');
    const balance = await handle(request(call('hr___createHRTicket', { employeeId: 'E10001', category: 'other', description: 'Salary SLIP Question' })), d);
    expect((balance.mcp.transformedGatewayRequest!.body as { params: { arguments: Record<string, unknown> } }).params.arguments).toEqual({
      employeeId: 'E10001',
      category: 'other',
      description: 'Salary SLIP Question',
      _caller: expect.objectContaining({ sub: 'sub-alex' }),
    });
  });

  test('the built-in search tool of the gateway keeps its arguments: no _caller outside <target>___<tool> names', async () => {
    clock = new Date('2026-11-26T12:13:00Z');
    const { deps: d } = deps(100);
    const out = await handle(request(call('x_amz_bedrock_agentcore_search', { query: 'vacation balance' })), d);
    expect((out.mcp.transformedGatewayRequest!.body as { params: { arguments: Record<string, unknown> } }).params.arguments).toEqual({ query: 'vacation balance' });
  });

  test('the verified caller replaces any _caller the client sent, and the policies accept the argument it adds', async () => {
    clock = new Date('2026-11-26T12:12:00Z');
    const { deps: d } = deps(100);
    const forged = { employeeId: 'E10002', _caller: { sub: 'sub-hr', role: 'hr-staff', employeeId: 'E10002' } };
    const out = await handle(request(call('hr___checkVacationBalance', forged)), d);
    const forwarded = (out.mcp.transformedGatewayRequest!.body as { params: { arguments: Record<string, unknown> } }).params.arguments;
    expect(forwarded).toEqual({ employeeId: 'E10002', _caller: { sub: 'sub-alex', role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' } });
    // Cedar (strict request validation against the schema from the catalog) evaluates the forwarded arguments.
    expect(exactCedar.authorize({ claims: analyst, toolName: 'hr___checkVacationBalance', input: forwarded })).toMatchObject({ decision: 'deny', errors: [] });
    expect(exactCedar.authorize({ claims: analyst, toolName: 'hr___checkVacationBalance', input: { ...forwarded, employeeId: 'E10001' } })).toMatchObject({ decision: 'allow', errors: [] });
  });

  test('truncates long string parameters in the audit log', async () => {
    clock = new Date('2026-11-26T13:00:00Z');
    const { deps: d, audit } = deps();
    await handle(request(call('hr___createHRTicket', { employeeId: 'E10001', category: 'other', description: 'x'.repeat(500) })), d);
    expect(audit[0].parameters).toEqual({ employeeId: 'E10001', category: 'other', description: `${'x'.repeat(200)}…(500 chars)` });
  });
});

describe('gateway interceptor: RESPONSE', () => {
  const response = (gatewayResponse: unknown) => ({ ...request(call('financial___getQuarterlyRevenue', { region: 'APAC', quarter: '2024-Q3' })), mcp: { ...request(call('financial___getQuarterlyRevenue', { region: 'APAC', quarter: '2024-Q3' })).mcp, gatewayResponse } });

  test('audits a policy denial and passes the response on unchanged', async () => {
    const { deps: d, audit } = deps();
    const denied = { statusCode: 200, body: { jsonrpc: '2.0', id: 7, error: { code: -32002, message: 'Tool call not allowed by policy' } } };
    const out = await handle(response(denied), d);
    expect(out.mcp.transformedGatewayResponse).toEqual(denied);
    expect(audit).toEqual([
      expect.objectContaining({ stage: 'response', decision: 'denied', tool: 'financial___getQuarterlyRevenue', reason: 'Tool call not allowed by policy', caller: expect.objectContaining({ sub: 'sub-alex' }) }),
    ]);
  });

  test('passes a response on even without headers, and does not audit non-tool methods', async () => {
    const { deps: d, audit } = deps();
    const listed = { statusCode: 200, body: { jsonrpc: '2.0', id: 1, result: { tools: [] } } };
    const event = request({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, null);
    const out = await handle({ ...event, mcp: { ...event.mcp, gatewayResponse: listed } }, d);
    expect(out.mcp.transformedGatewayResponse).toEqual(listed);
    expect(audit).toEqual([]);
  });

  test('audits completed calls and tool errors', async () => {
    const { deps: d, audit } = deps();
    await handle(response({ statusCode: 200, body: { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: '{}' }] } } }), d);
    await handle(response({ statusCode: 200, body: { jsonrpc: '2.0', id: 7, result: { isError: true, content: [{ type: 'text', text: '{"error":{"code":"NOT_FOUND"}}' }] } } }), d);
    expect(audit.map((a) => a.decision)).toEqual(['completed', 'tool_error']);
  });
});

describe('gateway interceptor: Lambda entry', () => {
  test('a misconfigured function (no rate-limit table) denies instead of forwarding', async () => {
    const saved = process.env.RATE_LIMIT_TABLE;
    delete process.env.RATE_LIMIT_TABLE;
    try {
      const out = await handler(request(call('it___searchKnowledgeBase', { query: 'vpn' })));
      expect(out.mcp.transformedGatewayRequest).toBeUndefined();
      expect(out.mcp.transformedGatewayResponse).toMatchObject({ statusCode: 500, body: { error: { code: -32603, message: expect.stringMatching(/misconfigured; the request was not forwarded/) } } });
    } finally {
      if (saved !== undefined) process.env.RATE_LIMIT_TABLE = saved;
    }
  });
});
