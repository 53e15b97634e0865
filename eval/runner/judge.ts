/**
 * Optional LLM-as-judge scoring behind a narrow interface. The AgentCore implementation calls the
 * `Evaluate` API with built-in (e.g. `Builtin.Helpfulness`) or custom evaluator ids on the
 * session spans the agent returned with its reply.
 */
import { EvaluateCommand } from '@aws-sdk/client-bedrock-agentcore';
import type { EvalResponse } from './contract';
import type { EvalCase } from './dataset';
import type { JudgeScore } from './scoring';

export interface Judge {
  score(evalCase: EvalCase, response: EvalResponse): Promise<JudgeScore[]>;
}

/** The slice of the SDK client the judge needs. */
export interface EvaluateClient {
  send(command: EvaluateCommand): Promise<{ evaluationResults?: { evaluatorName?: string; value?: number; label?: string; explanation?: string; errorMessage?: string }[] }>;
}

export class AgentCoreEvaluateJudge implements Judge {
  constructor(
    private readonly client: EvaluateClient,
    /** Evaluator ids, e.g. `Builtin.Helpfulness`, `Builtin.Correctness` or a custom evaluator id. */
    private readonly evaluatorIds: readonly string[],
  ) {
    if (!evaluatorIds.length) throw new Error('judge: expected at least one evaluator id, e.g. Builtin.Helpfulness');
  }

  async score(_evalCase: EvalCase, response: EvalResponse): Promise<JudgeScore[]> {
    if (!response.spans?.length) {
      return this.evaluatorIds.map((evaluator) => ({ evaluator, error: 'reply carries no spans; the Evaluate API scores session spans' }));
    }
    const spans = response.spans;
    return Promise.all(
      this.evaluatorIds.map(async (evaluator): Promise<JudgeScore> => {
        try {
          const out = await this.client.send(
            new EvaluateCommand({
              evaluatorId: evaluator,
              evaluationInput: { sessionSpans: spans as never[] },
            }),
          );
          const first = out.evaluationResults?.[0];
          if (!first) return { evaluator, error: 'no result' };
          if (first.errorMessage) return { evaluator, error: first.errorMessage };
          return { evaluator, value: first.value, label: first.label, explanation: first.explanation };
        } catch (e) {
          return { evaluator, error: (e as Error).message };
        }
      }),
    );
  }
}
