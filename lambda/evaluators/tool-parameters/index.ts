/**
 * Code-based evaluator (TOOL_CALL level): do the arguments of a tool call pass the tool's zod input
 * schema from the catalog? PASS (1) / FAIL (0, naming each field and the expected format);
 * NOT_APPLICABLE for tools outside the catalog (agent-internal tools such as hand-offs).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { findTool } from '../../../catalog';
import { FAIL, NOT_APPLICABLE, PASS, parseEvent, type EvaluatorResult } from '../shared/contract';
import { toolCalls } from '../shared/spans';

export interface Deps {
  readonly logger: Pick<Logger, 'info' | 'warn'>;
}

export function handle(event: unknown, deps: Deps): EvaluatorResult {
  const parsed = parseEvent(event);
  if ('error' in parsed) return parsed.error;
  const { evaluationInput, evaluationTarget } = parsed.event;
  const all = toolCalls(evaluationInput.sessionSpans);
  const targetSpans = evaluationTarget?.spanIds ?? [];
  const calls = targetSpans.length ? all.filter((c) => c.spanId && targetSpans.includes(c.spanId)) : all;
  if (!calls.length) return { errorCode: 'NO_TOOL_CALL', errorMessage: `No execute_tool span${targetSpans.length ? ` with id ${targetSpans.join(', ')}` : ''} in the session spans` };

  const problems: string[] = [];
  let scored = 0;
  for (const call of calls) {
    const tool = findTool(call.name);
    if (!tool) continue;
    scored++;
    if (!call.input) {
      problems.push(`${tool.name}: the span carries no arguments`);
      continue;
    }
    const result = tool.input.safeParse(call.input);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`${tool.name}.${issue.path.join('.') || '(arguments)'}: ${issue.message}`);
    }
  }
  if (!scored) return { label: NOT_APPLICABLE, explanation: `${calls.map((c) => c.name).join(', ')} is not a catalog tool` };
  const result: EvaluatorResult = problems.length
    ? { label: FAIL, value: 0, explanation: `Arguments do not match the tool schema: ${problems.join('; ')}` }
    : { label: PASS, value: 1, explanation: `Arguments of ${calls.map((c) => c.name).join(', ')} match the catalog schema` };
  deps.logger.info('tool parameter evaluation', { label: result.label, tools: calls.map((c) => c.name), problems });
  return result;
}

const logger = new Logger({ serviceName: 'evaluator-tool-parameters' });

export const handler = async (event: unknown): Promise<EvaluatorResult> => handle(event, { logger });
