import type { EvaluateCommand } from '@aws-sdk/client-bedrock-agentcore';
import { AgentCoreEvaluateJudge, type EvaluateClient } from '../../../eval/runner/judge';
import { scoreCase, summarise } from '../../../eval/runner/scoring';
import { PRICES, reply, revenueCase } from './fixtures';

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
    const scores = await judge.score(revenueCase, reply({ spans }));
    expect(scores).toEqual([
      { evaluator: 'Builtin.Helpfulness', value: 0.8, label: 'Good', explanation: 'because' },
      { evaluator: 'Builtin.Correctness', value: 1, label: 'Good', explanation: 'because' },
    ]);
    expect(client.inputs).toEqual([
      { evaluatorId: 'Builtin.Helpfulness', evaluationInput: { sessionSpans: spans } },
      { evaluatorId: 'Builtin.Correctness', evaluationInput: { sessionSpans: spans } },
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
