import { ContractError, parseEvalResponse } from '../../../eval/runner/contract';
import { ProgressBar } from '../../../eval/runner/progress';
import { mapBounded } from '../../../eval/runner/run';
import { sessionIdFor } from '../../../eval/runner/transports/transport';
import { AgentCoreTransport } from '../../../eval/runner/transports/agentcore';
import { LocalHttpTransport } from '../../../eval/runner/transports/local-http';

const body = {
  answer: 'EMEA revenue in 2024-Q3 was 1,284.6 million USD.',
  outcome: 'answer',
  toolCalls: [{ name: 'financial___getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' }, status: 'success' }],
  usage: { inputTokens: 1000, outputTokens: 200 },
};

describe('evaluation contract', () => {
  test('a JSON reply parses and gateway prefixes are stripped from tool names', () => {
    const r = parseEvalResponse(JSON.stringify(body));
    expect(r.toolCalls).toEqual([{ name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' }, status: 'success' }]);
  });

  test('in an SSE stream the last contract event wins over text chunks', () => {
    const sse = ['data: "EMEA revenue"', '', 'data: {"delta":"was"}', '', `data: ${JSON.stringify(body)}`, ''].join('\n');
    expect(parseEvalResponse(sse, 'text/event-stream; charset=utf-8').outcome).toBe('answer');
  });

  test('a reply without the evaluation fields names what is missing', () => {
    expect(() => parseEvalResponse(JSON.stringify({ answer: 'hi' }))).toThrow(ContractError);
    expect(() => parseEvalResponse(JSON.stringify({ answer: 'hi' }))).toThrow(/outcome: .*usage: /);
    expect(() => parseEvalResponse('plain text')).toThrow(/reply is not JSON: plain text/);
    expect(() => parseEvalResponse(JSON.stringify({ ...body, outcome: 'maybe' }))).toThrow(/outcome: /);
  });
});

describe('transports', () => {
  test('session ids are unique per case and long enough for AgentCore (≥ 33 chars)', () => {
    const a = sessionIdFor('r1', 'fin-001');
    expect(a.length).toBeGreaterThanOrEqual(33);
    expect(a).not.toBe(sessionIdFor('r1', 'fin-002'));
  });

  test('bad endpoints are rejected with the expected form', () => {
    expect(() => new LocalHttpTransport({ url: 'localhost:8080' })).toThrow(/url: expected an http\(s\) URL/);
    expect(() => new AgentCoreTransport({ runtimeArn: 'arn:aws:lambda:us-east-1:123456789012:function:x' })).toThrow(/endpoint: expected an AgentCore runtime ARN/);
    expect(() => new AgentCoreTransport({ runtimeArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/fin_agent-AbCdEf1234', qualifier: 'live-1' })).toThrow(/qualifier: expected an endpoint name/);
  });

  test('the AgentCore transport sends InvokeAgentRuntime with the qualifier, session and JSON payload', async () => {
    const sent: unknown[] = [];
    const transport = new AgentCoreTransport({
      runtimeArn: 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/fin_agent-AbCdEf1234',
      qualifier: 'canary',
      client: {
        send: async (command) => {
          sent.push(command.input);
          return { response: { transformToString: async () => JSON.stringify(body) }, contentType: 'application/json', statusCode: 200 };
        },
      },
    });
    const reply = await transport.invoke({ prompt: 'EMEA Q3?', context: { asOf: '2024-10-15' }, evaluation: { caseId: 'fin-003' } }, 'eval-run-fin-003-000000000000000000');
    expect(reply).toEqual({ body: JSON.stringify(body), contentType: 'application/json', statusCode: 200 });
    expect(sent).toEqual([
      expect.objectContaining({
        agentRuntimeArn: 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/fin_agent-AbCdEf1234',
        qualifier: 'canary',
        runtimeSessionId: 'eval-run-fin-003-000000000000000000',
        contentType: 'application/json',
      }),
    ]);
    const payload = JSON.parse(new TextDecoder().decode((sent[0] as { payload: Uint8Array }).payload));
    expect(payload).toEqual({ prompt: 'EMEA Q3?', context: { asOf: '2024-10-15' }, evaluation: { caseId: 'fin-003' } });
    expect(transport.description).toBe('arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/fin_agent-AbCdEf1234 (qualifier canary)');
  });
});

describe('HTTPS runtime URL with JWT auth', () => {
  test('the qualifier goes in the query string and the bearer token in Authorization', async () => {
    const http = await import('node:http');
    const seen: { url?: string; auth?: string; session?: string } = {};
    const server = http.createServer((req, res) => {
      Object.assign(seen, { url: req.url, auth: req.headers.authorization, session: req.headers['x-amzn-bedrock-agentcore-runtime-session-id'] });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const arn = encodeURIComponent('arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/fin_agent-AbCdEf1234');
      const transport = new LocalHttpTransport({ url: `http://127.0.0.1:${port}/runtimes/${arn}`, qualifier: 'canary', bearerToken: (r) => `token-for-${r.evaluation.caseId}` });
      const reply = await transport.invoke({ prompt: 'q', context: { asOf: '2026-11-26' }, evaluation: { caseId: 'fin-001' } }, 'eval-x-fin-001-000000000000000000000');
      expect(reply.statusCode).toBe(200);
      expect(seen).toEqual({ url: `/runtimes/${arn}/invocations?qualifier=canary`, auth: 'Bearer token-for-fin-001', session: 'eval-x-fin-001-000000000000000000000' });
      expect(transport.description).toMatch(/\(qualifier canary\)$/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('bounded concurrency', () => {
  test('never more than the limit in flight, order kept', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2 + (i % 3)));
      inFlight--;
      return i * 2;
    });
    expect(peak).toBe(3);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

describe('progress bar', () => {
  test('on a terminal it redraws one line in place', () => {
    const writes: string[] = [];
    let t = 0;
    const bar = new ProgressBar({ isTTY: true, write: (s: string) => writes.push(s) }, () => (t += 500));
    bar.start(4);
    bar.tick(true);
    bar.tick(false);
    expect(writes.every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(writes.at(-1)).toMatch(/\[#{15}-{15}\] 2\/4 50% · 1 failed/);
  });

  test('in CI logs it prints a line per 10% instead', () => {
    const writes: string[] = [];
    const bar = new ProgressBar({ isTTY: false, write: (s: string) => writes.push(s) }, () => 0);
    bar.start(100);
    for (let i = 0; i < 100; i++) bar.tick(true);
    bar.done();
    expect(writes).toHaveLength(11);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes.at(-1)).toMatch(/100\/100 100%/);
  });
});
