/**
 * Custom LLM-as-judge evaluators run by the runner itself: the same definition online evaluation
 * deploys (lib/evaluation/judge-definitions.ts), its placeholders filled from the case and the
 * agent's reply, sent to a judge model through Strands (a Bedrock model, or a scripted one in
 * tests), and the rating it answers with parsed back onto the scale. Needs no spans and no deployed
 * evaluator, so it scores a local agent as well as a runtime endpoint.
 */
import { Agent, type Model } from '@strands-agents/sdk';
import { judgeSystemPrompt, parseJudgeAnswer, renderJudgeInstructions, type JudgeEvaluatorDefinition, type JudgeInputs } from '../../lib/evaluation/judge-definitions';
import type { EvalResponse } from './contract';
import type { EvalCase } from './dataset';
import type { Judge } from './judge';
import type { JudgeScore } from './scoring';

/** What fills the placeholders for one case (pure). */
export function judgeInputsFor(c: EvalCase, response: EvalResponse): JudgeInputs {
  const turns = [...(c.turns ?? []), c.query].map((t) => `User: ${t}`);
  const calls = response.toolCalls.map((t) => `Tool call ${t.name}(${JSON.stringify(t.input)})${t.status ? ` → ${t.status}` : ''}${'output' in t && t.output !== undefined ? `: ${JSON.stringify(t.output)}` : ''}`);
  return {
    context: [`Date: ${c.context.asOf}`, ...turns, ...calls].join('\n'),
    assistant_turn: response.answer,
    available_tools: [...new Set(response.toolCalls.map((t) => t.name))].join(', ') || '(none called)',
    tool_turn: calls.at(-1) ?? '(no tool call)',
  };
}

export class LocalJudge implements Judge {
  constructor(
    private readonly definitions: readonly JudgeEvaluatorDefinition[],
    /** A fresh judge model per judgement (a Strands model: Bedrock, or scripted in tests). */
    private readonly model: () => Model,
  ) {
    if (!definitions.length) throw new Error('judge: expected at least one judge definition');
  }

  async score(evalCase: EvalCase, response: EvalResponse): Promise<JudgeScore[]> {
    const inputs = judgeInputsFor(evalCase, response);
    return Promise.all(
      this.definitions.map(async (d): Promise<JudgeScore> => {
        try {
          const agent = new Agent({ model: this.model(), systemPrompt: judgeSystemPrompt(d), printer: false });
          const result = await agent.invoke(renderJudgeInstructions(d, inputs));
          const parsed = parseJudgeAnswer(d, result.toString());
          return 'error' in parsed ? { evaluator: d.name, error: parsed.error } : { evaluator: d.name, ...parsed };
        } catch (e) {
          return { evaluator: d.name, error: (e as Error).message };
        }
      }),
    );
  }
}

/** Several judges as one: every judge's scores for a case, in order. */
export class Judges implements Judge {
  constructor(private readonly judges: readonly Judge[]) {}
  async score(evalCase: EvalCase, response: EvalResponse, sessionId?: string): Promise<JudgeScore[]> {
    return (await Promise.all(this.judges.map((j) => j.score(evalCase, response, sessionId)))).flat();
  }
}
