/**
 * `POST /invocations` as the clients people use send it, read with a real SSE client library
 * (eventsource-parser). The AgentCore CLI's `dev` command sends exactly the request of
 * {@link agentcoreCliDev}: `Accept: text/event-stream`, no body flag, its fixed session id
 * `local-dev-session`, to `http://localhost:<port>/invocations`, with `--stream` or without (read
 * from the bundled source of @aws/agentcore 0.30.0, `agentcore dev "<prompt>"`). The CLI itself does
 * not install from the registry reachable here (its dependency @aws-sdk/client-s3files@^3.1067.0 has
 * no matching version), so its request is reproduced, and so is its rule for what it prints: a
 * `data:` event that is a JSON string or has a `text` field (`error` as an error), nothing of the others.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { startLocalAgents, type LocalAgents } from '../../../agents/local';
import { keywordModel } from '../../../agents/shared/keyword-script';
import { jwtVerifier } from '../../../agents/shared/identity';
import { acceptQuality, wantsEventStream } from '../../../agents/supervisor/app';
import { supervisorSpec } from '../../../catalog/agents';
import { startToolServer, type RunningToolServer } from '../../../local';

const NOW = new Date('2026-11-26T09:00:00Z');
let tools: RunningToolServer;
let agents: LocalAgents;
let token: string;

beforeAll(async () => {
  tools = await startToolServer({ now: () => NOW });
  agents = await startLocalAgents({ toolsUrl: tools.url, verify: jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] }), model: (id) => keywordModel(id), clock: () => NOW });
  token = await tools.issueToken('alex');
});
afterAll(async () => {
  await agents?.close();
  await tools?.close();
});

/** The AgentCore CLI `dev` command's HTTP invocation (protocol HTTP), with the dev token it is given as a header. */
function agentcoreCliDev(prompt: string, extra: { accept?: string; body?: Record<string, unknown> } = {}): Promise<Response> {
  const port = new URL(agents.url).port;
  return fetch(`http://localhost:${port}/invocations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: extra.accept ?? 'text/event-stream', 'x-amzn-bedrock-agentcore-runtime-session-id': 'local-dev-session', authorization: `Bearer ${token}` },
    body: JSON.stringify({ prompt, ...extra.body }),
  });
}

/** Every event of an SSE response, parsed by eventsource-parser. */
async function events(res: Response): Promise<EventSourceMessage[]> {
  const out: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => out.push(e) });
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(decoder.decode(r.value, { stream: true }));
  return out;
}

/** What the AgentCore CLI prints of a stream: string data, or the `text` field; `error` as an error. */
function cliShows(stream: EventSourceMessage[]): string {
  return stream
    .map((e) => JSON.parse(e.data) as unknown)
    .map((d) => (typeof d === 'string' ? d : d && typeof d === 'object' && 'error' in d ? `Error: ${String(d.error)}` : d && typeof d === 'object' && 'text' in d ? String(d.text) : ''))
    .join('');
}

describe('POST /invocations: JSON or server-sent events', () => {
  test('the AgentCore CLI dev request (Accept: text/event-stream, no body flag) gets events: the hand-off, the text, then the reply body', async () => {
    const res = await agentcoreCliDev('How many vacation days do I have left?');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = await events(res);
    const data = stream.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(stream.every((e) => e.event === undefined)).toBe(true); // plain `data:` events: what EventSource's onmessage and the CLI read
    expect(data[0]).toEqual({ type: 'handoff', specialist: 'hr' });
    const final = data[data.length - 1];
    expect(final).toMatchObject({ sessionId: 'local-dev-session', declined: false, handoffs: [{ specialist: 'hr' }] });
    expect(final.response).toContain('remainingDays: 10');
    expect(data.slice(1, -1).every((d) => d.type === 'text')).toBe(true);
    expect(cliShows(stream)).toBe(final.response);
  });

  test('a refusal streams its text too, so the CLI shows the out-of-scope answer', async () => {
    const stream = await events(await agentcoreCliDev('Which stock should I buy?'));
    const data = stream.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(data).toEqual([{ type: 'text', text: supervisorSpec.outOfScopeAnswer }, expect.objectContaining({ response: supervisorSpec.outOfScopeAnswer, declined: true })]);
    expect(cliShows(stream)).toBe(supervisorSpec.outOfScopeAnswer);
  });

  test('the body flag is an alias: "stream": true streams with Accept: application/json, "stream": false answers JSON to an event-stream Accept', async () => {
    const streamed = await agentcoreCliDev('Hello', { accept: 'application/json', body: { stream: true } });
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = (await events(streamed)).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(data[data.length - 1]).toMatchObject({ response: expect.stringMatching(/\w/) });

    const json = await agentcoreCliDev('Hello', { body: { stream: false } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toMatchObject({ response: expect.stringMatching(/\w/), sessionId: 'local-dev-session' });
  });

  test.each([
    ['application/json', 'application/json'],
    ['*/*', 'application/json'],
    ['application/json;q=1, text/event-stream;q=0.5', 'application/json'],
    ['application/json, text/event-stream', 'text/event-stream'],
    ['text/event-stream, */*', 'text/event-stream'],
  ])('Accept %s → %s', async (accept, expected) => {
    const port = new URL(agents.url).port;
    const res = await fetch(`http://127.0.0.1:${port}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}), 'x-amzn-bedrock-agentcore-runtime-session-id': 'accept-session-00000000000000000000000', authorization: `Bearer ${token}` },
      body: JSON.stringify({ prompt: 'Hello' }),
    });
    expect(res.headers.get('content-type')).toMatch(new RegExp(`^${expected}`));
    await res.arrayBuffer();
  });
});

describe('Accept negotiation', () => {
  test('quality values: exact type over type/* over */*, q=0 is refusal', () => {
    expect(acceptQuality('text/event-stream', 'text/event-stream')).toBe(1);
    expect(acceptQuality('text/*;q=0.4, */*;q=0.1', 'text/event-stream')).toBe(0.4);
    expect(acceptQuality('text/event-stream;q=0, */*', 'text/event-stream')).toBe(0);
    expect(acceptQuality(undefined, 'application/json')).toBe(0);
  });
  test('the body flag wins over the header', () => {
    expect(wantsEventStream('application/json', true)).toBe(true);
    expect(wantsEventStream('text/event-stream', false)).toBe(false);
    expect(wantsEventStream('text/event-stream', undefined)).toBe(true);
    expect(wantsEventStream('*/*', undefined)).toBe(false);
  });
});
