/**
 * The AgentCore Memory data plane (AWS, cannot run here) as a narrow loopback fake of the three
 * REST operations the agents call — CreateEvent, ListEvents, RetrieveMemoryRecords — reached by a
 * bundled agent through `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE`. Events are kept per memory, actor and
 * session; every call is recorded.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MemoryCall {
  readonly operation: 'CreateEvent' | 'ListEvents' | 'RetrieveMemoryRecords';
  readonly memoryId: string;
  readonly body: Record<string, unknown>;
  /** Access key id the request was signed with (SigV4 `Credential=`). */
  readonly accessKeyId?: string;
}

export interface FakeAgentCoreMemory {
  readonly endpoint: string;
  readonly calls: MemoryCall[];
  close(): Promise<void>;
}

export async function startFakeAgentCoreMemory(): Promise<FakeAgentCoreMemory> {
  const calls: MemoryCall[] = [];
  const events = new Map<string, Record<string, unknown>[]>();
  let next = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const reply = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      let m: RegExpExecArray | null;
      if (req.method === 'POST' && (m = /^\/memories\/([^/]+)\/events$/.exec(url.pathname))) {
        const memoryId = decodeURIComponent(m[1]);
        calls.push({ operation: 'CreateEvent', memoryId, body, accessKeyId });
        const event = { memoryId, actorId: body.actorId, sessionId: body.sessionId, eventId: `0000000000000-event${++next}`, eventTimestamp: body.eventTimestamp, payload: body.payload, metadata: body.metadata };
        const key = `${memoryId}/${String(body.actorId)}/${String(body.sessionId)}`;
        events.set(key, [...(events.get(key) ?? []), event]);
        return reply(201, { event });
      }
      if (req.method === 'POST' && (m = /^\/memories\/([^/]+)\/actor\/([^/]+)\/sessions\/([^/]+)$/.exec(url.pathname))) {
        const [memoryId, actorId, sessionId] = [m[1], m[2], m[3]].map(decodeURIComponent);
        calls.push({ operation: 'ListEvents', memoryId, body: { ...body, actorId, sessionId }, accessKeyId });
        return reply(200, { events: events.get(`${memoryId}/${actorId}/${sessionId}`) ?? [] });
      }
      if (req.method === 'POST' && (m = /^\/memories\/([^/]+)\/retrieve$/.exec(url.pathname))) {
        calls.push({ operation: 'RetrieveMemoryRecords', memoryId: decodeURIComponent(m[1]), body, accessKeyId });
        return reply(200, { memoryRecordSummaries: [] });
      }
      return reply(404, { message: `not faked: ${req.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
