/**
 * The A2A transport on the wire (a JSON-RPC server on 127.0.0.1 standing in for a runtime at its
 * URL-encoded invocation path) and the runtime invocation URL built from an ARN.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEvalResponse } from '../../../eval/runner/contract';
import { A2ATransport } from '../../../eval/runner/transports/a2a';
import { runtimeInvocationUrl } from '../../../eval/runner/transports/agentcore';

const ARN = 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/hr_policy_assistant_staging-AbCdEf1234';
const ENCODED = 'arn%3Aaws%3Abedrock-agentcore%3Aeu-west-1%3A123456789012%3Aruntime%2Fhr_policy_assistant_staging-AbCdEf1234';

describe('runtimeInvocationUrl', () => {
  test('region from the ARN, the ARN URL-encoded as one path segment, the qualifier as a query parameter', () => {
    expect(runtimeInvocationUrl(ARN, { qualifier: 'canary', trailingSlash: true }).href).toBe(`https://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/${ENCODED}/invocations/?qualifier=canary`);
    expect(runtimeInvocationUrl(ARN).href).toBe(`https://bedrock-agentcore.eu-west-1.amazonaws.com/runtimes/${ENCODED}/invocations`);
    expect(runtimeInvocationUrl(ARN.replace(':aws:', ':aws-cn:').replace('eu-west-1', 'cn-north-1')).host).toBe('bedrock-agentcore.cn-north-1.amazonaws.com.cn');
  });

  test('anything but a runtime ARN is refused with the expected form', () => {
    expect(() => runtimeInvocationUrl('arn:aws:bedrock-agentcore:eu-west-1:123456789012:gateway/x')).toThrow(/endpoint: expected an AgentCore runtime ARN such as arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime\/financial_agent-AbCdEf1234, got/);
  });
});

type Reply = (rpc: { id: number; method: string; params: { message: { parts: { kind: string; text?: string }[] } } }) => { status?: number; body: unknown };

describe('A2ATransport', () => {
  let server: http.Server;
  let base: string;
  let reply: Reply;
  const seen: { url?: string; headers: http.IncomingHttpHeaders; rpc: { method: string; params: { message: { role: string; parts: unknown[] }; configuration?: unknown } } }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const rpc = JSON.parse(body);
        seen.push({ url: req.url, headers: req.headers, rpc });
        const r = reply(rpc);
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => seen.splice(0));

  const request = { prompt: 'How many vacation days has E10002 got left?', context: { asOf: '2026-11-26', employeeId: 'E10001', persona: 'alex' }, evaluation: { caseId: 'hr-006' } };
  const session = 'eval-run1-hr-006-00000000000000000';
  const task = (artifacts: unknown[], state = 'completed') => ({ kind: 'task', id: 't-1', contextId: 'c-1', status: { state }, artifacts });
  const trace = (over: Record<string, unknown> = {}) => ({
    kind: 'data',
    data: { agentTrace: { toolCalls: [{ name: 'hr___checkVacationBalance', input: { employeeId: 'E10002' }, status: 'error' }], usage: { inputTokens: 812, outputTokens: 64 }, declined: true, ...over } },
  });

  test('one message/send per case: the persona token, session and date headers, the query as the text part, at the encoded runtime path', async () => {
    reply = (rpc) => ({ body: { jsonrpc: '2.0', id: rpc.id, result: task([{ artifactId: 'a', parts: [{ kind: 'text', text: 'I can only help with ' }, { kind: 'text', text: 'HR policies.' }] }, { artifactId: 't', name: 'trace', parts: [trace()] }]) } });
    const tokens = { description: 'test', token: jest.fn(async (persona: string) => `jwt-for-${persona}`) };
    const transport = new A2ATransport({ url: `${base}/runtimes/${ENCODED}/invocations/?qualifier=canary`, tokens });
    const out = await transport.invoke(request, session);

    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe(`/runtimes/${ENCODED}/invocations/?qualifier=canary`);
    expect(seen[0].headers).toMatchObject({
      authorization: 'Bearer jwt-for-alex',
      'x-amzn-bedrock-agentcore-runtime-session-id': session,
      'x-amzn-bedrock-agentcore-runtime-custom-as-of': '2026-11-26',
      'content-type': 'application/json',
    });
    expect(seen[0].rpc).toMatchObject({ jsonrpc: '2.0', method: 'message/send', params: { message: { kind: 'message', role: 'user', parts: [{ kind: 'text', text: request.prompt }] }, configuration: { blocking: true } } });
    expect(JSON.stringify(seen[0].rpc)).not.toContain('E10001'); // identity travels in the token only
    expect(tokens.token).toHaveBeenCalledWith('alex');
    // The supervisor's replyBody decides the outcome from the trace: declined → refusal.
    expect(parseEvalResponse(out.body, out.contentType)).toMatchObject({
      answer: 'I can only help with HR policies.',
      outcome: 'refusal',
      toolCalls: [{ name: 'checkVacationBalance', input: { employeeId: 'E10002' }, status: 'error' }],
      usage: { inputTokens: 812, outputTokens: 64 },
    });
    expect(transport.description).toBe(`A2A ${base}/runtimes/${ARN}/invocations/ (qualifier canary)`);
  });

  test('outcomes as the supervisor decides them: a successful ticket is an escalation, a question without tool calls a clarification', async () => {
    const transport = new A2ATransport({ url: base });
    reply = (rpc) => ({ body: { jsonrpc: '2.0', id: rpc.id, result: task([{ artifactId: 'a', parts: [{ kind: 'text', text: 'Ticket HR-1 opened.' }] }, { artifactId: 't', parts: [trace({ declined: false, toolCalls: [{ name: 'hr___createHRTicket', input: { employeeId: 'E10001' }, status: 'success' }] })] }]) } });
    expect(JSON.parse((await transport.invoke(request, session)).body).outcome).toBe('escalation');
    reply = (rpc) => ({ body: { jsonrpc: '2.0', id: rpc.id, result: task([{ artifactId: 'a', parts: [{ kind: 'text', text: 'Which office do you mean?' }] }, { artifactId: 't', parts: [trace({ declined: false, toolCalls: [] })] }]) } });
    expect(JSON.parse((await transport.invoke(request, session)).body).outcome).toBe('clarification');
    expect(seen.every((s) => s.headers.authorization === undefined)).toBe(true);
  });

  test('a reply without the trace part, a malformed trace, a failed task and a JSON-RPC error each fail with what went wrong', async () => {
    const transport = new A2ATransport({ url: base });
    reply = (rpc) => ({ body: { jsonrpc: '2.0', id: rpc.id, result: task([{ artifactId: 'a', parts: [{ kind: 'text', text: 'Hi' }] }]) } });
    await expect(transport.invoke(request, session)).rejects.toThrow('A2A reply has no "agentTrace" data part: the agent must return its trace (tool calls, usage, declined) for evaluation');
    reply = (rpc) => ({ body: { jsonrpc: '2.0', id: rpc.id, result: task([{ artifactId: 't', parts: [{ kind: 'data', data: { agentTrace: { toolCalls: [], declined: false } } }] }]) } });
    await expect(transport.invoke(request, session)).rejects.toThrow(/A2A "agentTrace" data part does not follow the trace format: agentTrace\.usage: /);
    reply = (rpc) => ({ body: { jsonrpc: '2.0', id: rpc.id, result: { ...task([], 'failed'), status: { state: 'failed', message: { kind: 'message', messageId: 'm', role: 'agent', parts: [{ kind: 'text', text: 'model throttled' }] } } } } });
    await expect(transport.invoke(request, session)).rejects.toThrow('A2A task t-1 ended failed: model throttled');
    reply = (rpc) => ({ body: { jsonrpc: '2.0', id: rpc.id, error: { code: -32600, message: 'unauthenticated request' } } });
    await expect(transport.invoke(request, session)).rejects.toThrow(/unauthenticated request/);
  });

  test('a request without a persona cannot get a token', async () => {
    const transport = new A2ATransport({ url: base, tokens: { description: 't', token: async () => 'jwt' } });
    await expect(transport.invoke({ ...request, context: { asOf: '2026-11-26' } }, session)).rejects.toThrow(/context\.persona: expected one of alex, sam, fran, priya, hana, ivan for the bearer token, got undefined/);
    expect(seen).toHaveLength(0);
  });
});
