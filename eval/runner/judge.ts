/**
 * Optional LLM-as-judge scoring behind a narrow interface. The AgentCore implementation calls the
 * `Evaluate` API with built-in (e.g. `Builtin.Correctness`) or custom evaluator ids on the session
 * spans the agent returned with its reply, and sends the case's ground truth as
 * `evaluationReferenceInputs` (expected response, assertions, expected tool trajectory) so the
 * evaluators that compare against a reference (Correctness, GoalSuccessRate, the trajectory ones)
 * have one.
 */
import { EvaluateCommand, type EvaluationReferenceInput } from '@aws-sdk/client-bedrock-agentcore';
import type { EvalResponse } from './contract';
import type { EvalCase } from './dataset';
import { factLabel, type Fact, type JudgeScore } from './scoring';

export interface Judge {
  score(evalCase: EvalCase, response: EvalResponse, sessionId?: string): Promise<JudgeScore[]>;
}

/** The slice of the SDK client the judge needs. */
export interface EvaluateClient {
  send(command: EvaluateCommand): Promise<{ evaluationResults?: { evaluatorName?: string; value?: number; label?: string; explanation?: string; errorMessage?: string }[] }>;
}

/** The session the spans belong to: their `session.id` attribute, else the one the runner sent. */
export function spanSessionId(spans: readonly Record<string, unknown>[], fallback?: string): string | undefined {
  for (const span of spans) {
    const attributes = span.attributes as Record<string, unknown> | undefined;
    const id = attributes?.['session.id'] ?? span['session.id'];
    if (typeof id === 'string' && id) return id;
  }
  return fallback;
}

/**
 * Tool names as the spans spell them: the agent calls gateway tools as `<target>___<tool>`; when the
 * spans show that prefix, the expected trajectory uses it too.
 */
function trajectoryNames(tools: readonly string[], spans: readonly Record<string, unknown>[]): string[] {
  const seen = spans.map((s) => (s.attributes as Record<string, unknown> | undefined)?.['gen_ai.tool.name']).filter((n): n is string => typeof n === 'string');
  return tools.map((tool) => seen.find((n) => n.endsWith(`___${tool}`)) ?? tool);
}

/** The case's ground truth in the Evaluate API's shape (session level). */
export function referenceInputsFor(c: EvalCase, spans: readonly Record<string, unknown>[], sessionId: string): EvaluationReferenceInput[] {
  const calls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
  const assertions: string[] = [];
  if (c.expected.outcome === 'answer') assertions.push('The agent answers the request itself (no refusal, no hand-off, no clarifying question).');
  else if (c.expected.outcome === 'refusal') assertions.push(`The agent declines the request without calling any tool: ${c.expected.reason}.`);
  else if (c.expected.outcome === 'escalation') assertions.push(`The agent hands the request to a person: ${c.expected.reason}.`);
  else assertions.push(`The agent asks a clarifying question instead of guessing, and calls no tool: ${c.expected.reason}.`);
  for (const call of calls) {
    const args = Object.entries(call.parameters).map(([k, v]) => `${k} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    assertions.push(`The agent calls ${call.tool}${args.length ? ` with ${args.join(', ')}` : ''}.`);
  }
  if (calls.length) assertions.push(`The agent calls no tool other than ${[...new Set(calls.map((x) => x.tool))].join(', ')}.`);
  for (const fact of c.facts as readonly Fact[]) assertions.push(`The answer states ${factLabel(fact)}.`);
  return [
    {
      context: { spanContext: { sessionId } },
      ...(c.expectedResponse ? { expectedResponse: { text: c.expectedResponse } } : {}),
      assertions: assertions.map((text) => ({ text })),
      ...(calls.length ? { expectedTrajectory: { toolNames: trajectoryNames(calls.map((x) => x.tool), spans) } } : {}),
    },
  ];
}

export class AgentCoreEvaluateJudge implements Judge {
  constructor(
    private readonly client: EvaluateClient,
    /** Evaluator ids, e.g. `Builtin.Helpfulness`, `Builtin.Correctness` or a custom evaluator id. */
    private readonly evaluatorIds: readonly string[],
  ) {
    if (!evaluatorIds.length) throw new Error('judge: expected at least one evaluator id, e.g. Builtin.Helpfulness');
  }

  async score(evalCase: EvalCase, response: EvalResponse, sessionId?: string): Promise<JudgeScore[]> {
    if (!response.spans?.length) {
      return this.evaluatorIds.map((evaluator) => ({ evaluator, error: 'reply carries no spans; the Evaluate API scores session spans' }));
    }
    const spans = response.spans;
    const session = spanSessionId(spans, sessionId);
    const evaluationReferenceInputs = session ? referenceInputsFor(evalCase, spans, session) : undefined;
    return Promise.all(
      this.evaluatorIds.map(async (evaluator): Promise<JudgeScore> => {
        try {
          const out = await this.client.send(
            new EvaluateCommand({
              evaluatorId: evaluator,
              evaluationInput: { sessionSpans: spans as never[] },
              ...(evaluationReferenceInputs ? { evaluationReferenceInputs } : {}),
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
