/**
 * The agents' Bedrock provider sends the guardrail with every model call. The real Strands agent
 * and the real Bedrock Runtime client run; only the network is replaced, at the client's build
 * step: the fake reads the request as serialized for the wire and answers with ConverseStream
 * events, as Bedrock would.
 */
import { Agent, type BedrockModel } from '@strands-agents/sdk';
import { bedrockModel, modelSettingsFromEnv } from '../../../agents/shared/model';

interface WireCall {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

type StreamEvent = Record<string, unknown>;

/** Installs the fake on the provider's client; `replies` are the ConverseStream events of each call. */
function fakeBedrock(model: BedrockModel, replies: StreamEvent[][]): WireCall[] {
  const calls: WireCall[] = [];
  const client = (model as unknown as { _client: { middlewareStack: { add: (mw: unknown, opts: unknown) => void } } })._client;
  client.middlewareStack.add(
    () => async (args: { request: { path: string; body: string | Uint8Array } }) => {
      calls.push({ path: decodeURIComponent(args.request.path), body: JSON.parse(typeof args.request.body === 'string' ? args.request.body : new TextDecoder().decode(args.request.body)) });
      const events = replies[calls.length - 1] ?? [];
      return {
        output: {
          $metadata: {},
          stream: (async function* () {
            for (const e of events) yield e;
          })(),
        },
        response: { statusCode: 200, headers: {} },
      };
    },
    { step: 'build', name: 'fakeBedrockNetwork' },
  );
  return calls;
}

const answer = (text: string, stopReason = 'end_turn', trace?: unknown): StreamEvent[] => [
  { messageStart: { role: 'assistant' } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason } },
  { metadata: { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 1 }, ...(trace ? { trace } : {}) } },
];

const ENV = { MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', GUARDRAIL_ID: 'gr0abc123', GUARDRAIL_VERSION: '3', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('guardrail on every model call', () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { AWS_ACCESS_KEY_ID: ENV.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: ENV.AWS_SECRET_ACCESS_KEY }));
  afterAll(() => (process.env = saved));

  test('the serialized ConverseStream request of every turn carries the guardrail id, version and trace', async () => {
    const model = bedrockModel(modelSettingsFromEnv(ENV), 'us-east-1') as BedrockModel;
    const calls = fakeBedrock(model, [answer('Your balance is 12 days.'), answer('Public holidays: 25 Dec.')]);
    const agent = new Agent({ model, printer: false });
    await agent.invoke('How many vacation days do I have?');
    await agent.invoke('And the next holidays?');

    expect(calls).toHaveLength(2);
    for (const c of calls) {
      expect(c.path).toBe(`/model/${ENV.MODEL_ID}/converse-stream`);
      expect(c.body.guardrailConfig).toEqual({ guardrailIdentifier: 'gr0abc123', guardrailVersion: '3', trace: 'enabled' });
    }
    // Only the newest user message is marked for the guardrail's input check (earlier turns were judged already).
    const guarded = (c: WireCall) => JSON.stringify(c.body.messages).match(/guardContent/g)?.length ?? 0;
    expect(guarded(calls[1])).toBe(1);
    expect(JSON.stringify(calls[1].body.messages)).toMatch(/"guardContent":\{"text":\{"text":"And the next holidays\?"/);
  });

  test('a prompt the guardrail blocks is replaced in the history, so the next call does not send it again', async () => {
    const model = bedrockModel(modelSettingsFromEnv(ENV), 'us-east-1') as BedrockModel;
    const blocked = { guardrail: { inputAssessment: { gr0abc123: { topicPolicy: { topics: [{ name: 'Compensation', type: 'DENY', action: 'BLOCKED', detected: true }] } } } } };
    const calls = fakeBedrock(model, [answer('Sorry, I cannot help with that request.', 'guardrail_intervened', blocked), answer('You have 12 days.')]);
    const agent = new Agent({ model, printer: false });
    const first = await agent.invoke('What is the salary of my manager?');
    expect(first.stopReason).toBe('guardrailIntervened');
    await agent.invoke('How many vacation days do I have?');
    expect(JSON.stringify(calls[1].body.messages)).not.toContain('salary of my manager');
    expect(JSON.stringify(calls[1].body.messages)).toContain('[User input redacted.]');
  });

  test('without GUARDRAIL_ID the request has no guardrail (the runtime role then refuses the call)', async () => {
    const model = bedrockModel(modelSettingsFromEnv({ MODEL_ID: ENV.MODEL_ID }), 'us-east-1') as BedrockModel;
    const calls = fakeBedrock(model, [answer('hi')]);
    await new Agent({ model, printer: false }).invoke('hello');
    expect(calls[0].body.guardrailConfig).toBeUndefined();
  });

  test('an id without a version, or a bad version, is refused naming the variable', () => {
    expect(() => modelSettingsFromEnv({ MODEL_ID: ENV.MODEL_ID, GUARDRAIL_ID: 'gr0abc123' })).toThrow('GUARDRAIL_ID and GUARDRAIL_VERSION: set both or neither (got only GUARDRAIL_ID)');
    expect(() => modelSettingsFromEnv({ MODEL_ID: ENV.MODEL_ID, GUARDRAIL_ID: 'gr0abc123', GUARDRAIL_VERSION: 'latest' })).toThrow('GUARDRAIL_VERSION: a version number such as "1" or DRAFT, got "latest"');
  });
});
