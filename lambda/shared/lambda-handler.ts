/**
 * The AgentCore gateway Lambda-target contract, for one function serving several tools:
 * the event is the tool's arguments; the tool name arrives in
 * `context.clientContext.custom.bedrockAgentCoreToolName` as `<target>___<tool>`; the verified
 * caller arrives in the reserved argument `_caller`, written by the kit's interceptor (caller.ts).
 * Self-service tools refuse an invocation without it.
 *
 * A thin `handler` (see lambda/tools/<target>/index.ts) calls the pure {@link handleToolInvocation}
 * with injected logger, metrics, tool deps and an optional tracer. One metric per invocation
 * (`ToolInvocation`, dimensions tool and outcome), one structured log line, and tracer annotations
 * when a tracer is given (the kit's entries rely on Lambda active tracing and pass none).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { isToolError, ToolFailure } from '../../catalog/result';
import { GATEWAY_TOOL_SEPARATOR } from '../../catalog/tool';
import { takeCaller } from './caller';
import type { ToolDeps } from './deps';
import { dispatchInGroup, type ToolGroup, type ToolResult } from './dispatch';
import { SUCCESS_OUTCOME, TOOL_INVOCATION_METRIC } from './telemetry';

export interface ToolHandlerDeps {
  readonly tools: ToolDeps;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Omit where there is no X-Ray (tests, local runs). */
  readonly tracer?: Tracer;
}

/** Where the gateway puts the tool name. */
export const TOOL_NAME_CONTEXT_KEY = 'bedrockAgentCoreToolName';

/** The raw `<target>___<tool>` name from the Lambda context, or undefined. */
export function toolNameFromContext(context: Pick<Context, 'clientContext'> | undefined): string | undefined {
  const custom = context?.clientContext?.custom as Record<string, unknown> | undefined;
  const name = custom?.[TOOL_NAME_CONTEXT_KEY];
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

interface Resolved {
  readonly tool: string;
  readonly failure?: ToolFailure;
}

/** Bare tool name for this group, or a VALIDATION_ERROR when the name is missing or for another target. */
export function resolveToolName(group: ToolGroup, raw: string | undefined): Resolved {
  const expected = `context.clientContext.custom.${TOOL_NAME_CONTEXT_KEY} = ${group.target}${GATEWAY_TOOL_SEPARATOR}<tool>, tool one of ${[...group.tools.keys()].join(', ')}`;
  if (!raw) {
    return { tool: '(missing)', failure: new ToolFailure('VALIDATION_ERROR', 'The tool name is missing from the invocation context.', [{ field: '(tool name)', expected }]) };
  }
  const at = raw.indexOf(GATEWAY_TOOL_SEPARATOR);
  const target = at === -1 ? group.target : raw.slice(0, at);
  const tool = at === -1 ? raw : raw.slice(at + GATEWAY_TOOL_SEPARATOR.length);
  if (target !== group.target || !group.tools.has(tool)) {
    return { tool: '(unknown)', failure: new ToolFailure('VALIDATION_ERROR', `Unknown tool "${raw}" for target ${group.target}.`, [{ field: '(tool name)', expected }]) };
  }
  return { tool };
}

/** Serve one gateway invocation. Never throws. */
export async function handleToolInvocation(group: ToolGroup, event: unknown, context: Context, deps: ToolHandlerDeps): Promise<ToolResult> {
  const started = performance.now();
  const { logger, metrics, tracer } = deps;
  logger.addContext(context);
  const { tool, failure } = resolveToolName(group, toolNameFromContext(context));
  // The interceptor's verified caller rides in the arguments (see caller.ts); the tool never sees it.
  const { args, caller } = takeCaller(event);
  const result: ToolResult = failure
    ? failure.toResult()
    : await dispatchInGroup(group, tool, args, deps.tools, {
        caller,
        requireCaller: true,
        lambdaContext: context,
        onError: (error, name) => logger.error('tool failed', { tool: name, error: error as Error }),
      });
  const outcome = isToolError(result) ? result.error.code : SUCCESS_OUTCOME;
  const durationMs = Math.round((performance.now() - started) * 100) / 100;

  metrics.addDimension('tool', tool).addDimension('outcome', outcome);
  metrics.addMetric(TOOL_INVOCATION_METRIC, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  tracer?.putAnnotation('tool', tool);
  tracer?.putAnnotation('outcome', outcome);

  const line = { tool, outcome, durationMs, ...(isToolError(result) ? { error: result.error } : {}) };
  if (outcome === SUCCESS_OUTCOME) logger.info('tool invocation', line);
  else logger.warn('tool invocation failed', line);
  return result;
}

/** The Lambda handler of one gateway target. */
export function createToolHandler(group: ToolGroup, deps: ToolHandlerDeps): (event: unknown, context: Context) => Promise<ToolResult> {
  return (event, context) => handleToolInvocation(group, event, context, deps);
}
