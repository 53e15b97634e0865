/**
 * A finished span as one JSON record, in the shape CloudWatch Transaction Search keeps spans in
 * the `aws/spans` log group (and AgentCore Evaluations hands them to code-based evaluators as
 * `sessionSpans`): hex ids, flat attribute maps, nanosecond times as numbers. Used to feed locally
 * recorded spans to the evaluators (tests, dry runs).
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: string;
  readonly startTimeUnixNano: number;
  readonly endTimeUnixNano: number;
  readonly durationNano: number;
  readonly attributes: Record<string, unknown>;
  readonly status: { readonly code: string; readonly message?: string };
  readonly events: readonly { readonly name: string; readonly timeUnixNano: number; readonly attributes: Record<string, unknown> }[];
  readonly resource: { readonly attributes: Record<string, unknown> };
  readonly scope: { readonly name: string; readonly version?: string };
}

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];
const nanos = ([s, ns]: readonly [number, number]) => s * 1e9 + ns;

export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const parentSpanId = span.parentSpanContext?.spanId;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name,
    kind: KINDS[span.kind] ?? 'INTERNAL',
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    durationNano: nanos(span.duration),
    attributes: { ...span.attributes },
    status: { code: STATUS[span.status.code] ?? 'UNSET', ...(span.status.message ? { message: span.status.message } : {}) },
    events: span.events.map((e) => ({ name: e.name, timeUnixNano: nanos(e.time), attributes: { ...e.attributes } })),
    resource: { attributes: { ...span.resource.attributes } },
    scope: { name: span.instrumentationScope.name, ...(span.instrumentationScope.version ? { version: span.instrumentationScope.version } : {}) },
  };
}
