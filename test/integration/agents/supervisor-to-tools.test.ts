/**
 * End to end on loopback: HTTP POST /invocations (AgentCore contract, session header, JWT) →
 * supervisor → A2A hand-off → specialist → MCP (caller's token) → local tool server (JWT + Cedar)
 * → real tool handler → dynalite, and back. Only the LLM is scripted.
 */
import { startLocalAgents, type LocalAgents } from '../../../agents/local';
import { InProcessMemory, MemoryAccessDenied } from '../../../agents/memory';
import { jwtVerifier } from '../../../agents/shared/identity';
import { ScriptedModel } from '../../../agents/shared/scripted-model';
import { tool } from '@strands-agents/sdk';
import { z } from 'zod';
import { financialSpec, hrSpec, supervisorSpec, type AgentId } from '../../../catalog/agents';
import { startSpecialistServer } from '../../../agents/specialist/a2a-server';
import { handOff } from '../../../agents/supervisor/delegation';
import { startSupervisor } from '../../../agents/supervisor/app';
import { parseEvalResponse } from '../../../eval/runner/contract';
import { startToolServer, type RunningToolServer, type ToolCallAudit } from '../../../local';
import { InMemoryMetricsSink, UsageRecorder } from '../../../agents/usage';
import { financialScript, hrScript, itScript, sessionMemory, supervisorScript } from './support/scripts';

const NOW = new Date('2026-11-26T09:00:00Z');
const SESSION = 'session-0001-aaaa-bbbb-cccc-dddddddddddd';

function scriptedModels(): Record<AgentId, ScriptedModel> {
  return {
    supervisor: new ScriptedModel(supervisorScript),
    hr: new ScriptedModel(hrScript),
    financial: new ScriptedModel(financialScript),
    it: new ScriptedModel(itScript),
  };
}

async function invoke(agents: LocalAgents, token: string | undefined, prompt: string, sessionId = SESSION) {
  const res = await fetch(`${agents.url}/invocations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-amzn-bedrock-agentcore-runtime-session-id': sessionId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ prompt }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('supervisor → specialist → MCP → tools, scripted model', () => {
  let tools: RunningToolServer;
  let agents: LocalAgents;
  let sequential: LocalAgents;
  const memory = new InProcessMemory();
  const models = scriptedModels();
  const sequentialModels = scriptedModels();
  const calls: ToolCallAudit[] = [];
  const usageSink = new InMemoryMetricsSink();
  const usage = new UsageRecorder(usageSink);

  beforeAll(async () => {
    tools = await startToolServer({ now: () => NOW, onToolCall: (a) => calls.push(a) });
    const verify = jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] });
    const common = { toolsUrl: tools.url, verify, region: 'eu-west-1', clock: () => NOW };
    agents = await startLocalAgents({ ...common, model: (id) => models[id], memory, usage });
    sequential = await startLocalAgents({ ...common, model: (id) => sequentialModels[id], orchestration: 'sequential' });
  });

  afterAll(async () => {
    await sequential?.close();
    await agents?.close();
    await tools?.close();
  });

  test('the runtime contract answers /ping', async () => {
    const res = await fetch(`${agents.url}/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'Healthy' });
  });

  test('an employee id told to the supervisor reaches the HR tool call after the hand-off, without asking again', async () => {
    const alex = await tools.issueToken('alex');

    const first = await invoke(agents, alex, 'Hi, my employee id is E10001.');
    expect(first).toMatchObject({ status: 200, body: { response: 'Thanks, noted.', handoffs: [] } });

    const second = await invoke(agents, alex, 'How many vacation days do I have left?');
    expect(second.status).toBe(200);
    expect(second.body.response).toBe('You have 10 vacation days left this year.');
    // The hand-off went to HR; the delegated request itself did not carry the id...
    expect(second.body.handoffs).toEqual([
      { specialist: 'hr', request: 'The user asks how many vacation days they have left this year.', answer: 'You have 10 vacation days left this year.' },
    ]);
    // ...the HR model found it in the session's shared memory...
    expect(sessionMemory(models.hr.calls[0].systemPrompt)).toContain('User: Hi, my employee id is E10001.');
    // ...and the tool got it, through the gateway stand-in, as the verified caller, allowed by Cedar.
    expect(calls).toEqual([{ sub: 'dev-alex', role: 'analyst', tool: 'hr___checkVacationBalance', arguments: { employeeId: 'E10001' }, decision: 'allowed', toolError: undefined }]);
  });

  test('the date, user, claims and region attributes reach the system prompts of supervisor and specialist', () => {
    for (const model of [models.supervisor, models.hr]) {
      const prompt = model.calls[model.calls.length - 1].systemPrompt;
      expect(prompt).toContain('current_date: 2026-11-26');
      expect(prompt).toContain('user_id: dev-alex');
      expect(prompt).toContain('region: eu-west-1');
      expect(prompt).toContain('- department: finance');
    }
  });

  test('each specialist sees only its own tools, the supervisor none', () => {
    expect([...models.hr.calls[0].toolNames].sort()).toEqual(['declineOutOfScope', 'hr___checkVacationBalance', 'hr___createHRTicket', 'hr___getPolicy', 'hr___getUpcomingHolidays']);
    expect([...models.supervisor.calls[0].toolNames].sort()).toEqual(['declineOutOfScope', 'delegate_financial', 'delegate_hr', 'delegate_it']);
  });

  test('another user in the same session id sees none of the first user’s memory', async () => {
    const priya = await tools.issueToken('priya');
    const hrCallsBefore = models.hr.calls.length;
    const toolCallsBefore = calls.length;

    const answer = await invoke(agents, priya, 'How many vacation days do I have left?');

    expect(answer.body.response).toBe('What is your employee id?');
    const priyasHrCall = models.hr.calls[hrCallsBefore];
    expect(priyasHrCall.systemPrompt).toContain('user_id: dev-priya');
    expect(JSON.stringify(priyasHrCall)).not.toContain('E10001');
    expect(calls).toHaveLength(toolCallsBefore);
    // The shared store keeps the two actors apart, and refuses a cross-actor read outright.
    const priyasTurns = await memory.listTurns('dev-priya', { actorId: 'dev-priya', sessionId: SESSION });
    expect(priyasTurns.map((t) => t.text)).toEqual(['How many vacation days do I have left?', 'What is your employee id?']);
    await expect(memory.listTurns('dev-priya', { actorId: 'dev-alex', sessionId: SESSION })).rejects.toThrow(MemoryAccessDenied);
  });

  test('an out-of-scope request gets the catalog refusal, no hand-off and no tool call', async () => {
    const alex = await tools.issueToken('alex');
    const toolCallsBefore = calls.length;
    const hrCallsBefore = models.hr.calls.length;

    const answer = await invoke(agents, alex, 'Should I invest my bonus in Tesla stock?', 'session-0002-aaaa-bbbb-cccc-dddddddddddd');

    expect(answer.body).toMatchObject({ response: supervisorSpec.outOfScopeAnswer, declined: true, handoffs: [] });
    expect(calls).toHaveLength(toolCallsBefore);
    expect(models.hr.calls).toHaveLength(hrCallsBefore);
    expect(models.supervisor.calls[models.supervisor.calls.length - 1].systemPrompt).toContain('give investment, legal, medical or tax advice');
  });

  test('sequential orchestration runs the planned steps in order, each seeing the previous answers', async () => {
    const alex = await tools.issueToken('alex');
    const session = 'session-0003-aaaa-bbbb-cccc-dddddddddddd';
    await invoke(sequential, alex, 'Hi, my employee id is E10001.', session);
    const toolCallsBefore = calls.length;

    const answer = await invoke(sequential, alex, 'How many vacation days do I have left, and is my VPN ok?', session);

    expect(answer.body.response).toBe('You have 10 vacation days left this year.\n\nYour VPN account is ACTIVE.');
    expect((answer.body.handoffs as { specialist: string }[]).map((h) => h.specialist)).toEqual(['hr', 'it']);
    expect(calls.slice(toolCallsBefore).map((c) => [c.tool, c.arguments, c.decision])).toEqual([
      ['hr___checkVacationBalance', { employeeId: 'E10001' }, 'allowed'],
      ['it___checkVPNStatus', { userId: 'u20001' }, 'allowed'],
    ]);
    expect(sequentialModels.it.calls[0].lastUserText).toContain('Results of the previous steps:\n1. You have 10 vacation days left this year.');
  });

  test('an evaluation request gets the evaluation contract reply, with the pinned date reaching the specialist', async () => {
    const alex = await tools.issueToken('alex');
    const session = 'session-0004-aaaa-bbbb-cccc-dddddddddddd';
    await invoke(agents, alex, 'Hi, my employee id is E10001.', session);
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amzn-bedrock-agentcore-runtime-session-id': session, authorization: `Bearer ${alex}` },
      body: JSON.stringify({ prompt: 'How many vacation days do I have left?', context: { asOf: '2026-03-02', employeeId: 'E99999' }, evaluation: { caseId: 'hr-001' } }),
    });
    const reply = parseEvalResponse(await res.text(), res.headers.get('content-type') ?? '');

    expect(reply).toMatchObject({
      answer: 'You have 10 vacation days left this year.',
      outcome: 'answer',
      toolCalls: [{ name: 'checkVacationBalance', input: { employeeId: 'E10001' }, status: 'success' }],
      model: 'scripted',
    });
    expect(reply.usage.inputTokens).toBeGreaterThan(0);
    expect(reply.usage.outputTokens).toBeGreaterThan(0);
    const hrPrompt = models.hr.calls[models.hr.calls.length - 2].systemPrompt;
    expect(hrPrompt).toContain('current_date: 2026-03-02');
    // Identity never comes from the payload: the employeeId in `context` changed nothing.
    expect(JSON.stringify(models.hr.calls.slice(-2))).not.toContain('E99999');
  });

  test('each agent of a request records the tokens its own model reported, under its spec id', async () => {
    const alex = await tools.issueToken('alex');
    const session = 'session-0010-aaaa-bbbb-cccc-dddddddddddd';
    await invoke(agents, alex, 'Hi, my employee id is E10001.', session);
    await usage.flush();
    const before = { published: usageSink.published.length, supervisor: models.supervisor.reportedUsage.length, hr: models.hr.reportedUsage.length };

    const reply = await invoke(agents, alex, 'How many vacation days do I have left?', session);
    expect(reply.body.response).toBe('You have 10 vacation days left this year.');
    await usage.flush();

    const recorded = usageSink.published.slice(before.published);
    expect(recorded.map((u) => u.agent).sort()).toEqual(['hr', 'supervisor']);
    for (const id of ['supervisor', 'hr'] as const) {
      const reported = models[id].reportedUsage.slice(before[id]);
      expect(reported.length).toBeGreaterThan(0);
      expect(recorded.find((u) => u.agent === id)).toMatchObject({
        inputTokens: reported.reduce((n, u) => n + u.inputTokens, 0),
        outputTokens: reported.reduce((n, u) => n + u.outputTokens, 0),
      });
    }
    expect(usage.stats.failed + usage.stats.dropped).toBe(0);
  });

  test('a streamed reply sends the hand-off and the specialist text as they happen, then the reply body', async () => {
    const alex = await tools.issueToken('alex');
    const session = 'session-0009-aaaa-bbbb-cccc-dddddddddddd';
    await invoke(agents, alex, 'Hi, my employee id is E10001.', session);
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-amzn-bedrock-agentcore-runtime-session-id': session, authorization: `Bearer ${alex}` },
      body: JSON.stringify({ prompt: 'How many vacation days do I have left?', stream: true, evaluation: { caseId: 'hr-001' } }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const body = await res.text();
    const events = body
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => JSON.parse(l.slice(5)) as Record<string, unknown>);
    expect(events[0]).toEqual({ type: 'handoff', specialist: 'hr' });
    expect(events.filter((e) => e.type === 'text').map((e) => e.text).join('')).toBe('You have 10 vacation days left this year.');
    expect(events[events.length - 1]).toMatchObject({ response: 'You have 10 vacation days left this year.', handoffs: [expect.objectContaining({ specialist: 'hr' })] });
    expect(parseEvalResponse(body, 'text/event-stream')).toMatchObject({ outcome: 'answer', toolCalls: [{ name: 'checkVacationBalance', input: { employeeId: 'E10001' } }] });
  });

  test('an evaluation request that is out of scope reports the refusal outcome', async () => {
    const alex = await tools.issueToken('alex');
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amzn-bedrock-agentcore-runtime-session-id': 'session-0005-aaaa-bbbb-cccc-dddddddddddd', authorization: `Bearer ${alex}` },
      body: JSON.stringify({ prompt: 'Which stock should I buy?', context: { asOf: '2026-11-26' }, evaluation: { caseId: 'fin-040' } }),
    });
    expect(parseEvalResponse(await res.text())).toMatchObject({ outcome: 'refusal', toolCalls: [], answer: supervisorSpec.outOfScopeAnswer });
  });

  test('a request without a valid bearer token is refused before any model call', async () => {
    const before = models.supervisor.calls.length;
    const missing = await invoke(agents, undefined, 'How many vacation days do I have left?');
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/missing Authorization header: expected "Authorization: Bearer <JWT>"/);
    const forged = await invoke(agents, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MjAwMDEifQ.', 'How many vacation days do I have left?');
    expect(forged).toMatchObject({ status: 401, body: { error: expect.stringMatching(/bearer token rejected/) } });
    expect(models.supervisor.calls).toHaveLength(before);
  });

  test('a specialist refuses an A2A call without a token (401, challenge, JSON-RPC error) and gives a call without a session id its own', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', messageId: 'm1', role: 'user', parts: [{ kind: 'text', text: 'hi' }] } } });
    const noToken = await fetch(`${agents.specialists.hr}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-amzn-bedrock-agentcore-runtime-session-id': SESSION }, body });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    expect(await noToken.json()).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: expect.stringMatching(/^Unauthorized: missing Authorization header/) } });
    const badToken = await fetch(`${agents.specialists.hr}/`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-jwt' }, body });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="bearer token rejected: /);
    const alex = await tools.issueToken('alex');
    const noSession = await fetch(`${agents.specialists.hr}/`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alex}` }, body });
    expect(noSession.status).toBe(200);
    expect(noSession.headers.get('x-amzn-bedrock-agentcore-runtime-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await noSession.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { kind: 'task', status: { state: 'completed' } } });
  });

  test('a specialist is reached at its configured URL even when its agent card advertises another', async () => {
    const verify = jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] });
    const hr = new ScriptedModel(hrScript);
    const server = await startSpecialistServer({ spec: hrSpec, model: () => hr, memory, toolsUrl: tools.url, verify, region: 'eu-west-1', port: 0, publicUrl: 'http://0.0.0.0:9' });
    try {
      const alex = await tools.issueToken('alex');
      const identity = await verify(alex);
      const { answer, trace } = await handOff({ spec: hrSpec, url: server.url }, { identity, sessionId: 'session-0006-aaaa-bbbb-cccc-dddddddddddd', region: 'eu-west-1', now: NOW }, 'How many vacation days do I have left?');
      expect(answer).toBe('What is your employee id?');
      expect(trace).toEqual({ toolCalls: [], usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) }, declined: false });
    } finally {
      await server.close();
    }
  });

  test('extra tools of a specialist (its Code Interpreter) are offered per request and released after it', async () => {
    const verify = jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] });
    const financial = ScriptedModel.ofTurns([{ toolCalls: [{ name: 'executeCode', input: { code: '1+1' } }] }, { text: 'It is 2.' }]);
    let released = 0;
    const executeCode = tool({ name: 'executeCode', description: 'Run code in the sandbox', inputSchema: z.object({ code: z.string() }), callback: () => '2' });
    const server = await startSpecialistServer({
      spec: financialSpec,
      model: () => financial,
      memory,
      toolsUrl: tools.url,
      verify,
      region: 'eu-west-1',
      port: 0,
      extraTools: () => ({ tools: [executeCode], close: async () => void (released += 1) }),
    });
    try {
      const identity = await verify(await tools.issueToken('sam'));
      const { answer } = await handOff({ spec: financialSpec, url: server.url }, { identity, sessionId: 'session-0007-aaaa-bbbb-cccc-dddddddddddd', region: 'eu-west-1', now: NOW }, 'What is 1+1?');
      expect(answer).toBe('It is 2.');
      expect(financial.calls[0].toolNames).toContain('executeCode');
      expect(financial.calls[1].lastToolResults).toEqual(['2']);
      expect(released).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('an unreachable specialist becomes a tool error the supervisor can relay, not a failed request', async () => {
    const verify = jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] });
    const supervisor = new ScriptedModel(supervisorScript);
    const server = await startSupervisor({ model: () => supervisor, memory, specialists: [{ spec: hrSpec, url: 'http://127.0.0.1:9' }], verify, region: 'eu-west-1', logging: false, port: 0 });
    try {
      const fake = { url: server.url } as LocalAgents;
      const answer = await invoke(fake, await tools.issueToken('alex'), 'How many vacation days do I have left?', 'session-0008-aaaa-bbbb-cccc-dddddddddddd');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ handoffs: [], declined: false });
      expect(supervisor.calls[1].lastToolResults[0]).toMatch(/fetch failed|ECONNREFUSED|Failed to fetch/i);
    } finally {
      await server.close();
    }
  });

  test('a request body without a prompt is rejected naming the field', async () => {
    const alex = await tools.issueToken('alex');
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amzn-bedrock-agentcore-runtime-session-id': SESSION, authorization: `Bearer ${alex}` },
      body: JSON.stringify({ message: 'hi' }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/prompt/);
  });
});
