/**
 * The AgentCore Evaluations contract for code-based evaluators: the event a Lambda receives and
 * the result it returns.
 *
 * Input: `{ schemaVersion, evaluatorId, evaluatorName, evaluationLevel, evaluationInput: { sessionSpans },
 * evaluationReferenceInputs, evaluationTarget: { traceIds?, spanIds? } }`.
 * Output: `{ label, value?, explanation? }`, or `{ errorCode, errorMessage }` when the evaluator
 * cannot score (the service records an evaluation error instead of a score).
 *
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/code-based-evaluators.html
 */
import * as z from 'zod';

export const evaluatorEventSchema = z
  .object({
    schemaVersion: z.string(),
    evaluatorId: z.string().optional(),
    evaluatorName: z.string().optional(),
    evaluationLevel: z.enum(['TOOL_CALL', 'TRACE', 'SESSION']),
    evaluationInput: z.object({ sessionSpans: z.array(z.record(z.string(), z.unknown())) }).loose(),
    evaluationReferenceInputs: z.array(z.unknown()).nullish(),
    evaluationTarget: z
      .object({ traceIds: z.array(z.string()).nullish(), spanIds: z.array(z.string()).nullish() })
      .loose()
      .nullish(),
  })
  .loose();
export type EvaluatorEvent = z.infer<typeof evaluatorEventSchema>;

export type EvaluatorResult =
  | { readonly label: string; readonly value?: number; readonly explanation?: string }
  | { readonly errorCode: string; readonly errorMessage: string };

export const PASS = 'PASS';
export const FAIL = 'FAIL';
/** The request is not one this evaluator scores; no value, so it does not move the average. */
export const NOT_APPLICABLE = 'NOT_APPLICABLE';

/** Parse the event, or an error result naming what is wrong. */
export function parseEvent(event: unknown): { event: EvaluatorEvent } | { error: EvaluatorResult } {
  const parsed = evaluatorEventSchema.safeParse(event);
  if (parsed.success) return { event: parsed.data };
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
  return { error: { errorCode: 'INVALID_INPUT', errorMessage: `Not an AgentCore code-based evaluator event: ${detail}` } };
}
