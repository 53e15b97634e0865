import { Agent, tool } from '@strands-agents/sdk';
import { z } from 'zod';
import { supervisorSpec } from '../../../catalog/agents';
import { InProcessMemory } from '../../../agents/memory';
import type { InvocationContext } from '../../../agents/shared/context';
import { ScriptedModel } from '../../../agents/shared/scripted-model';
import { runSupervisor } from '../../../agents/supervisor/supervisor-agent';
import { InMemoryMetricsSink, recordUsage, UsageRecorder, type InvocationUsage, type MetricsSink, type UsageLog } from '../../../agents/usage';

const lookup = tool({ name: 'lookup', description: 'Look a value up', inputSchema: z.object({ key: z.string() }), callback: ({ key }) => `value of ${key}` });

/** A recorder over `sink` whose log lines are kept. */
function recorderOver(sink: MetricsSink, options: { maxInFlight?: number; timeoutMs?: number } = {}) {
  const logs: Parameters<UsageLog>[0][] = [];
  return { recorder: new UsageRecorder(sink, { ...options, log: (e) => logs.push(e) }), logs };
}

function agentWith(model: ScriptedModel, id: string, recorder: UsageRecorder): Agent {
  const agent = new Agent({ model, tools: [lookup], printer: false });
  recordUsage(agent, id, recorder);
  return agent;
}

const sum = (usage: readonly { inputTokens: number; outputTokens: number }[]) => ({
  inputTokens: usage.reduce((n, u) => n + u.inputTokens, 0),
  outputTokens: usage.reduce((n, u) => n + u.outputTokens, 0),
});

const ctx: InvocationContext = {
  identity: { userId: 'u1', claims: { sub: 'u1' }, token: 'not-used' },
  sessionId: 'session-usage-0001-aaaa-bbbb-cccccccccccc',
  region: 'eu-west-1',
  now: new Date('2026-11-26T09:00:00Z'),
};

/** A sink that never answers. */
const hanging: MetricsSink = { publish: () => new Promise<void>(() => undefined) };

describe('token usage per invocation', () => {
  test('one record per invocation with the tokens the model reported, summed over its model calls', async () => {
    const sink = new InMemoryMetricsSink();
    const { recorder } = recorderOver(sink);
    const model = ScriptedModel.ofTurns([
      { toolCalls: [{ name: 'lookup', input: { key: 'a' } }], usage: { inputTokens: 1200, outputTokens: 35 } },
      { text: 'The value is a.', usage: { inputTokens: 1290, outputTokens: 12 } },
    ]);
    const result = await agentWith(model, 'hr', recorder).invoke('What is a?');
    await recorder.flush();

    expect(result.toString()).toBe('The value is a.');
    expect(sink.published).toEqual([{ agent: 'hr', inputTokens: 2490, outputTokens: 47, latencyMs: expect.any(Number), at: expect.any(Date) }]);
    expect(sink.published[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(recorder.stats).toEqual({ published: 1, failed: 0, dropped: 0 });
  });

  test('the default scripted usage (from the prompt and reply sizes) is what gets recorded', async () => {
    const sink = new InMemoryMetricsSink();
    const { recorder } = recorderOver(sink);
    const model = ScriptedModel.ofTurns([{ toolCalls: [{ name: 'lookup', input: { key: 'b' } }] }, { text: 'The value is b.' }]);
    await agentWith(model, 'financial', recorder).invoke('What is b?');
    await recorder.flush();

    expect(model.reportedUsage).toHaveLength(2);
    expect(model.reportedUsage.every((u) => u.inputTokens > 0 && u.outputTokens > 0)).toBe(true);
    expect(sink.published).toEqual([expect.objectContaining({ agent: 'financial', ...sum(model.reportedUsage) })]);
  });

  test('a reused agent is recorded per invocation, not cumulatively', async () => {
    const sink = new InMemoryMetricsSink();
    const { recorder } = recorderOver(sink);
    const model = new ScriptedModel((_call, i) => ({ text: `answer ${i}`, usage: { inputTokens: 100 * (i + 1), outputTokens: i + 1 } }));
    const agent = agentWith(model, 'it', recorder);
    await agent.invoke('first');
    await agent.invoke('second');
    await recorder.flush();

    expect(sink.published.map(({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens }))).toEqual([
      { inputTokens: 100, outputTokens: 1 },
      { inputTokens: 200, outputTokens: 2 },
    ]);
  });

  test('the supervisor records its own model usage under the agent id "supervisor"', async () => {
    const sink = new InMemoryMetricsSink();
    const { recorder } = recorderOver(sink);
    const model = ScriptedModel.ofTurns([{ toolCalls: [{ name: 'declineOutOfScope', input: { reason: 'investment advice' } }], usage: { inputTokens: 812, outputTokens: 21 } }]);
    const answer = await runSupervisor({ model: () => model, memory: new InProcessMemory(), specialists: [], usage: recorder }, ctx, 'Which stock should I buy?');
    await recorder.flush();

    expect(answer.response).toBe(supervisorSpec.outOfScopeAnswer);
    expect(sink.of('supervisor')).toEqual([expect.objectContaining({ agent: supervisorSpec.id, inputTokens: 812, outputTokens: 21 })]);
    expect(answer.trace.usage).toEqual({ inputTokens: 812, outputTokens: 21 });
  });
});

describe('a failing or slow metrics sink never fails or holds the request', () => {
  test('a sink that rejects: the answer is unchanged, the failure is logged and counted', async () => {
    const { recorder, logs } = recorderOver({ publish: async () => Promise.reject(new Error('AccessDenied: not authorized to perform cloudwatch:PutMetricData')) });
    const model = ScriptedModel.ofTurns([{ toolCalls: [{ name: 'declineOutOfScope', input: { reason: 'trading' } }] }]);
    const answer = await runSupervisor({ model: () => model, memory: new InProcessMemory(), specialists: [], usage: recorder }, ctx, 'Sell my shares.');
    await recorder.flush();

    expect(answer.response).toBe(supervisorSpec.outOfScopeAnswer);
    expect(recorder.stats).toEqual({ published: 0, failed: 1, dropped: 0 });
    expect(logs).toEqual([{ level: 'error', message: 'usage metrics not published', agent: 'supervisor', error: 'AccessDenied: not authorized to perform cloudwatch:PutMetricData', failed: 1 }]);
  });

  test('a sink that throws synchronously is contained the same way', async () => {
    const { recorder, logs } = recorderOver({
      publish: () => {
        throw new Error('sink broken');
      },
    });
    const result = await agentWith(ScriptedModel.ofTurns([{ text: 'fine' }]), 'hr', recorder).invoke('hello');
    await recorder.flush();

    expect(result.toString()).toBe('fine');
    expect(logs.map((l) => l.error)).toEqual(['sink broken']);
  });

  test('a slow sink: the request completes while its usage is still being published', async () => {
    let release!: () => void;
    const pending: InvocationUsage[] = [];
    const slow: MetricsSink = {
      publish: (usage) => {
        pending.push(usage);
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const { recorder } = recorderOver(slow);
    const result = await agentWith(ScriptedModel.ofTurns([{ text: 'quick', usage: { inputTokens: 7, outputTokens: 3 } }]), 'financial', recorder).invoke('hello');

    expect(result.toString()).toBe('quick');
    await new Promise((resolve) => setImmediate(resolve));
    expect(pending).toEqual([expect.objectContaining({ agent: 'financial', inputTokens: 7, outputTokens: 3 })]);
    expect(recorder.stats.published).toBe(0);
    release();
    await recorder.flush();
    expect(recorder.stats).toEqual({ published: 1, failed: 0, dropped: 0 });
  });

  test('a sink that never answers: the request completes, the publish is given up after the timeout', async () => {
    const { recorder, logs } = recorderOver(hanging, { timeoutMs: 20 });
    const result = await agentWith(ScriptedModel.ofTurns([{ text: 'done' }]), 'it', recorder).invoke('hello');
    expect(result.toString()).toBe('done');

    await recorder.flush();
    expect(recorder.stats).toEqual({ published: 0, failed: 1, dropped: 0 });
    expect(logs[0]).toMatchObject({ level: 'error', agent: 'it', error: 'no answer within 20 ms' });
  });

  test('publishes in flight are bounded: beyond the limit a record is dropped and logged', async () => {
    const { recorder, logs } = recorderOver(hanging, { maxInFlight: 2, timeoutMs: 20 });
    const usage: InvocationUsage = { agent: 'hr', inputTokens: 1, outputTokens: 1, latencyMs: 1, at: new Date() };
    for (let i = 0; i < 3; i++) recorder.record(usage);

    expect(recorder.stats.dropped).toBe(1);
    expect(logs).toEqual([{ level: 'warn', message: 'usage metrics dropped: too many publishes in flight', agent: 'hr', inFlight: 2, dropped: 1 }]);
    await recorder.flush();
    expect(recorder.stats).toEqual({ published: 0, failed: 2, dropped: 1 });
  });

  test('bad recorder options are refused naming the option', () => {
    expect(() => new UsageRecorder(new InMemoryMetricsSink(), { maxInFlight: 0 })).toThrow('UsageRecorder maxInFlight: expected a whole number ≥ 1, got 0');
    expect(() => new UsageRecorder(new InMemoryMetricsSink(), { timeoutMs: -5 })).toThrow('UsageRecorder timeoutMs: expected a number of milliseconds > 0, got -5');
  });
});
