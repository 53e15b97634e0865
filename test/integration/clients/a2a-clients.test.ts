/**
 * The specialists driven by the official A2A JS clients: @a2a-js/sdk 0.3 (the protocol version the
 * specialists serve) and 1.x (installed as `a2a-sdk-1`), which talks to a 0.3 agent card only with
 * its `legacyCompat` option. Calls carry the dev user's bearer token and no runtime session header,
 * as a client talking to the agent directly sends them; refusals arrive as JSON-RPC errors.
 */
import { randomUUID } from 'node:crypto';
import { A2AClient } from '@a2a-js/sdk/client';
import type { Message as Message03, Task as Task03 } from '@a2a-js/sdk';
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory } from 'a2a-sdk-1/client';
import { Role, TaskState, type Part, type SendMessageRequest, type Task } from 'a2a-sdk-1';
import { startLocalAgents, type LocalAgents } from '../../../agents/local';
import { keywordModel } from '../../../agents/shared/keyword-script';
import { jwtVerifier } from '../../../agents/shared/identity';
import { startToolServer, type RunningToolServer } from '../../../local';

const NOW = new Date('2026-11-26T09:00:00Z');
let tools: RunningToolServer;
let agents: LocalAgents;

beforeAll(async () => {
  tools = await startToolServer({ now: () => NOW });
  agents = await startLocalAgents({ toolsUrl: tools.url, verify: jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] }), model: (id) => keywordModel(id), clock: () => NOW });
});
afterAll(async () => {
  await agents?.close();
  await tools?.close();
});

/** fetch with the dev user's bearer token, as a client's `fetchImpl`. */
function bearerFetch(token: string | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

const QUESTION = 'How many vacation days do I have left?';

describe('@a2a-js/sdk 0.3 client', () => {
  const message = (text: string): Message03 => ({ kind: 'message', messageId: randomUUID(), role: 'user', parts: [{ kind: 'text', text }] });
  const texts = (task: Task03) => (task.artifacts ?? []).flatMap((a) => a.parts).flatMap((p) => (p.kind === 'text' ? [p.text] : []));

  test('reads the agent card and gets the answer to a message', async () => {
    const client = await A2AClient.fromCardUrl(`${agents.specialists.hr}/.well-known/agent-card.json`, { fetchImpl: bearerFetch(await tools.issueToken('alex')) });
    const card = await client.getAgentCard();
    expect(card).toMatchObject({ protocolVersion: '0.3.0', url: agents.specialists.hr, security: [{ bearer: [] }] });
    const response = await client.sendMessage({ message: message(QUESTION) });
    if (!('result' in response)) throw new Error(`JSON-RPC error: ${JSON.stringify(response.error)}`);
    const task = response.result as Task03;
    expect(task).toMatchObject({ kind: 'task', status: { state: 'completed' } });
    expect(texts(task).join('')).toContain('remainingDays: 10');
  });

  test('streams the task events', async () => {
    const client = await A2AClient.fromCardUrl(`${agents.specialists.it}/.well-known/agent-card.json`, { fetchImpl: bearerFetch(await tools.issueToken('priya')) });
    const kinds: string[] = [];
    let text = '';
    for await (const event of client.sendMessageStream({ message: message('Why can not I connect to the VPN?') })) {
      kinds.push(event.kind);
      if (event.kind === 'artifact-update') text += event.artifact.parts.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join('');
    }
    expect(kinds[0]).toBe('task');
    expect(kinds.at(-1)).toBe('status-update');
    expect(text).toContain('accountStatus: LOCKED');
  });

  test('without a token: the client returns the JSON-RPC error of the 401, answering its request id', async () => {
    const client = await A2AClient.fromCardUrl(`${agents.specialists.hr}/.well-known/agent-card.json`, { fetchImpl: bearerFetch(undefined) });
    expect(await client.sendMessage({ message: message(QUESTION) })).toEqual({
      jsonrpc: '2.0',
      id: expect.any(Number),
      error: { code: -32000, message: 'Unauthorized: missing Authorization header: expected "Authorization: Bearer <JWT>"' },
    });
  });
});

describe('@a2a-js/sdk 1.x client (legacyCompat)', () => {
  const request = (text: string) => ({ message: { messageId: randomUUID(), role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: text } } as Part] } }) as unknown as SendMessageRequest;
  const textOf = (task: Task) =>
    task.artifacts
      .flatMap((a) => a.parts)
      .flatMap((p) => (p.content?.$case === 'text' ? [p.content.value] : []))
      .join('');

  async function client(token: string | undefined, legacy = true) {
    const fetchImpl = bearerFetch(token);
    const legacyCompat = { enabled: legacy };
    const factory = new ClientFactory({ transports: [new JsonRpcTransportFactory({ fetchImpl, legacyCompat })], cardResolver: new DefaultAgentCardResolver({ fetchImpl, legacyCompat }) });
    return factory.createFromUrl(agents.specialists.hr);
  }

  test('with legacyCompat it reads the 0.3 card and gets the answer', async () => {
    const hr = await client(await tools.issueToken('alex'));
    const result = (await hr.sendMessage(request(QUESTION))) as Task;
    expect(result.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(result)).toContain('remainingDays: 10');
  });

  test('without legacyCompat it cannot use the 0.3 card (why the option is needed)', async () => {
    await expect(client(await tools.issueToken('alex'), false).then((c) => c.sendMessage(request(QUESTION)))).rejects.toThrow(/^No compatible transport found/);
  });

  test('without a token: the JSON-RPC error of the 401 reaches the caller', async () => {
    const hr = await client(undefined);
    await expect(hr.sendMessage(request(QUESTION))).rejects.toThrow(/Unauthorized: missing Authorization header/);
  });
});

describe('A2A refusals are JSON-RPC errors', () => {
  test('a body that is not JSON gets a parse error (-32700, id null); a bad as-of header an invalid request for its id', async () => {
    const token = await tools.issueToken('alex');
    const notJson = await fetch(`${agents.specialists.hr}/`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"jsonrpc":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error/) } });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 'r-7', method: 'message/send', params: { message: { kind: 'message', messageId: 'm1', role: 'user', parts: [{ kind: 'text', text: 'hi' }] } } });
    const badDate = await fetch(`${agents.specialists.hr}/`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-amzn-bedrock-agentcore-runtime-custom-as-of': '26/11/2026' }, body });
    expect(badDate.status).toBe(400);
    expect(await badDate.json()).toEqual({ jsonrpc: '2.0', id: 'r-7', error: { code: -32600, message: 'Invalid request: x-amzn-bedrock-agentcore-runtime-custom-as-of: expected a date YYYY-MM-DD, got "26/11/2026"' } });
  });
});
