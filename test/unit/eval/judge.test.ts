import type { EvaluateCommand } from '@aws-sdk/client-bedrock-agentcore';
import { AgentCoreEvaluateJudge, referenceInputsFor, spanSessionId, type EvaluateClient } from '../../../eval/runner/judge';
import { checkThresholds, SEED_THRESHOLDS } from '../../../eval/runner/thresholds';
import { scoreCase, summarise } from '../../../eval/runner/scoring';
import { PRICES, refusalCase, reply, revenueCase } from './fixtures';

/** The Evaluate data-plane API cannot run here: a fake behind the judge's narrow client interface. */
function fakeClient(values: Record<string, number | Error>): EvaluateClient & { inputs: unknown[] } {
  const inputs: unknown[] = [];
  return {
    inputs,
    send: async (command: EvaluateCommand) => {
      inputs.push(command.input);
      const v = values[command.input.evaluatorId as string];
      if (v instanceof Error) throw v;
      return { evaluationResults: [{ evaluatorName: command.input.evaluatorId, value: v, label: v >= 0.5 ? 'Good' : 'Bad', explanation: 'because' }] };
    },
  };
}

describe('LLM-as-judge through the AgentCore Evaluate API', () => {
  const spans = [{ traceId: 't1', spanId: 's1', name: 'invoke_agent financial' }];

  test('each evaluator scores the session spans the agent returned', async () => {
    const client = fakeClient({ 'Builtin.Helpfulness': 0.8, 'Builtin.Correctness': 1 });
    const judge = new AgentCoreEvaluateJudge(client, ['Builtin.Helpfulness', 'Builtin.Correctness']);
    const scores = await judge.score(revenueCase, reply({ spans }), 'eval-session-000000000000000000001');
    expect(scores).toEqual([
      { evaluator: 'Builtin.Helpfulness', value: 0.8, label: 'Good', explanation: 'because' },
      { evaluator: 'Builtin.Correctness', value: 1, label: 'Good', explanation: 'because' },
    ]);
    const reference = [
      {
        context: { spanContext: { sessionId: 'eval-session-000000000000000000001' } },
        assertions: [
          { text: 'The agent answers the request itself (no refusal, no hand-off, no clarifying question).' },
          { text: 'The agent calls getQuarterlyRevenue with region = EMEA, quarter = 2024-Q3.' },
          { text: 'The agent calls no tool other than getQuarterlyRevenue.' },
          { text: 'The answer states 1284.6.' },
        ],
        expectedTrajectory: { toolNames: ['getQuarterlyRevenue'] },
      },
    ];
    expect(client.inputs).toEqual([
      { evaluatorId: 'Builtin.Helpfulness', evaluationInput: { sessionSpans: spans }, evaluationReferenceInputs: reference },
      { evaluatorId: 'Builtin.Correctness', evaluationInput: { sessionSpans: spans }, evaluationReferenceInputs: reference },
    ]);
  });

  test('a reply without spans, or a failing call, is a judge error, not a crash', async () => {
    const judge = new AgentCoreEvaluateJudge(fakeClient({ 'Builtin.Helpfulness': new Error('AccessDenied') }), ['Builtin.Helpfulness']);
    expect(await judge.score(revenueCase, reply())).toEqual([{ evaluator: 'Builtin.Helpfulness', error: 'reply carries no spans; the Evaluate API scores session spans' }]);
    expect(await judge.score(revenueCase, reply({ spans }))).toEqual([{ evaluator: 'Builtin.Helpfulness', error: 'AccessDenied' }]);
  });

  test('judge means are summarised per evaluator', () => {
    const results = [0.6, 0.9].map((value) => scoreCase({ case: revenueCase, latencyMs: 1, response: reply(), judge: [{ evaluator: 'Builtin.Helpfulness', value }] }, PRICES));
    results.push(scoreCase({ case: revenueCase, latencyMs: 1, response: reply(), judge: [{ evaluator: 'Builtin.Helpfulness', error: 'x' }] }, PRICES));
    expect(summarise(results).judge['Builtin.Helpfulness']).toEqual({ mean: 0.75, scored: 2, failed: 1 });
  });

  test('at least one evaluator id is required', () => {
    expect(() => new AgentCoreEvaluateJudge(fakeClient({}), [])).toThrow(/judge: expected at least one evaluator id/);
  });
});

describe('ground truth for the judge (evaluationReferenceInputs)', () => {
  test('the session id comes from the spans, the trajectory uses the names the spans use, the expected response is sent when the case has one', () => {
    const spans = [
      { traceId: 't', spanId: 'a', attributes: { 'session.id': 'sess-from-spans-0000000000000000000', 'gen_ai.tool.name': 'financial___getQuarterlyRevenue' } },
    ];
    const c = { ...revenueCase, expectedResponse: 'EMEA revenue in 2024-Q3 was 1,284.6 million USD.' };
    const [ref] = referenceInputsFor(c, spans, spanSessionId(spans, 'runner-session')!);
    expect(ref.context).toEqual({ spanContext: { sessionId: 'sess-from-spans-0000000000000000000' } });
    expect(ref.expectedResponse).toEqual({ text: 'EMEA revenue in 2024-Q3 was 1,284.6 million USD.' });
    expect(ref.expectedTrajectory).toEqual({ toolNames: ['financial___getQuarterlyRevenue'] });
  });

  test('a refusal asserts that no tool is called and carries no trajectory', () => {
    const [ref] = referenceInputsFor(refusalCase, [], 's');
    expect(ref.assertions).toEqual([{ text: 'The agent declines the request without calling any tool: compensation.' }]);
    expect(ref.expectedTrajectory).toBeUndefined();
  });

  test('judge scores can be gated: a mean under the threshold, or no score at all, fails', () => {
    const results = [0.4, 0.6].map((value) => scoreCase({ case: revenueCase, latencyMs: 1, response: reply(), judge: [{ evaluator: 'Builtin.Correctness', value }] }, PRICES));
    const gates = checkThresholds(summarise(results), { ...SEED_THRESHOLDS, judge: { 'Builtin.Correctness': 0.7, 'Builtin.GoalSuccessRate': 0.5 } });
    expect(gates.find((g) => g.metric === 'judge.Builtin.Correctness')).toMatchObject({ status: 'fail', actual: 0.5 });
    expect(gates.find((g) => g.metric === 'judge.Builtin.GoalSuccessRate')).toMatchObject({ status: 'fail', message: expect.stringContaining('evaluator not run; pass --judge') });
    const good = checkThresholds(summarise(results), { ...SEED_THRESHOLDS, judge: { 'Builtin.Correctness': 0.5 } });
    expect(good.find((g) => g.metric === 'judge.Builtin.Correctness')).toMatchObject({ status: 'pass', passed: true });
  });
});
