/**
 * What happened in one request, for the evaluation contract (eval/README.md): every gateway tool
 * call in order (sub-agents included), token usage, whether an agent declined and, for evaluation
 * requests while tracing is on, the request's spans. Specialists send theirs back to the
 * supervisor as an A2A data part.
 */
import { AfterToolCallEvent, type Agent } from '@strands-agents/sdk';
import { GATEWAY_TOOL_SEPARATOR } from '../../catalog/tool';
import type { SpanRecord } from '../telemetry/span-record';

export interface TracedToolCall {
  readonly name: string;
  readonly input: Record<string, unknown>;
  readonly status: 'success' | 'error';
}

export interface AgentTrace {
  readonly toolCalls: TracedToolCall[];
  readonly usage: { inputTokens: number; outputTokens: number };
  declined: boolean;
  /**
   * The request's spans as `aws/spans` records (sub-agents included): only for evaluation requests
   * (`EVALUATION_METADATA_KEY` in the A2A message metadata) and only while tracing is on.
   */
  spans?: SpanRecord[];
}

/** Key of the A2A data part that carries a specialist's trace. */
export const TRACE_DATA_KEY = 'agentTrace';

export function emptyTrace(): AgentTrace {
  return { toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, declined: false };
}

/** Record the gateway tool calls of an agent into `trace` as they complete. */
export function traceToolCalls(agent: Agent, trace: AgentTrace): void {
  agent.addHook(AfterToolCallEvent, (event) => {
    if (!event.toolUse.name.includes(GATEWAY_TOOL_SEPARATOR)) return;
    trace.toolCalls.push({
      name: event.toolUse.name,
      input: (event.toolUse.input ?? {}) as Record<string, unknown>,
      status: event.error || event.result.status === 'error' ? 'error' : 'success',
    });
  });
}

/** Add an agent's accumulated token usage to `trace`. */
export function addUsage(trace: AgentTrace, agent: Agent): void {
  const usage = agent.metrics.accumulatedUsage;
  trace.usage.inputTokens += usage?.inputTokens ?? 0;
  trace.usage.outputTokens += usage?.outputTokens ?? 0;
}

/** Fold a specialist's trace into the supervisor's. */
export function mergeTrace(into: AgentTrace, from: Partial<AgentTrace>): void {
  into.toolCalls.push(...(from.toolCalls ?? []));
  into.usage.inputTokens += from.usage?.inputTokens ?? 0;
  into.usage.outputTokens += from.usage?.outputTokens ?? 0;
  into.declined ||= from.declined === true;
  if (from.spans) into.spans = mergeSpans(into.spans ?? [], from.spans);
}

/**
 * Both sets of span records, each span once (by span id: agents sharing one process record each
 * other's spans too), ordered by start time.
 */
export function mergeSpans(a: readonly SpanRecord[], b: readonly SpanRecord[]): SpanRecord[] {
  const byId = new Map<string, SpanRecord>();
  for (const span of [...a, ...b]) if (!byId.has(span.spanId)) byId.set(span.spanId, span);
  return [...byId.values()].sort((x, y) => x.startTimeUnixNano - y.startTimeUnixNano);
}
