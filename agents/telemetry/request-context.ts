/**
 * The request a span belongs to: the runtime session and the verified user on every span, and the
 * W3C trace context across the supervisor → specialist hand-off, so one trace covers both.
 *
 * Strands puts the agent's `traceAttributes` (`session.id`, `user.id`, `agent.id`) on its
 * `invoke_agent` span only; {@link RequestAttributesSpanProcessor} copies `session.id` and
 * `user.id` onto every span below it (model calls, tool calls), from the parent span or from the
 * request's baggage. Only ids travel: never a token or a claim set.
 */
import { context, propagation, ROOT_CONTEXT, trace, type AttributeValue, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { markEvaluation } from './evaluation-spans';

/** Attributes every span of a request carries (AgentCore evaluations group spans into sessions by `session.id`). */
export const REQUEST_ATTRIBUTES = ['session.id', 'user.id'] as const;

export class RequestAttributesSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpan(parentContext) as Partial<ReadableSpan> | undefined;
    const baggage = propagation.getBaggage(parentContext);
    for (const key of REQUEST_ATTRIBUTES) {
      if (span.attributes[key] !== undefined) continue;
      const value: AttributeValue | undefined = parent?.attributes?.[key] ?? baggage?.getEntry(key)?.value;
      if (value !== undefined) span.setAttribute(key, value);
    }
  }
  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface RequestIdentity {
  /** Incoming request headers (`traceparent`, `tracestate` are read; an incoming `baggage` header is not trusted). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The runtime session id (header `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`). */
  readonly sessionId: string;
  /** The verified user id (from the token). @default - none */
  readonly userId?: string;
  /**
   * The request is an evaluation whose spans are collected: hand-offs made while serving it ask the
   * specialists for their spans ({@link isEvaluationContext}). @default false
   */
  readonly evaluation?: boolean;
}

/**
 * Run `fn` as part of the caller's trace (the `traceparent` it sent), with the request's session
 * and user as baggage for {@link RequestAttributesSpanProcessor}. A no-op wrapper when tracing is off.
 */
export function withRequestContext<T>(request: RequestIdentity, fn: () => T): T {
  const remote = propagation.extract(ROOT_CONTEXT, request.headers);
  const entries: Record<string, { value: string }> = { 'session.id': { value: request.sessionId } };
  if (request.userId) entries['user.id'] = { value: request.userId };
  // setBaggage replaces whatever baggage the caller sent: only these verified ids are kept.
  const requestContext = propagation.setBaggage(remote, propagation.createBaggage(entries));
  return context.with(request.evaluation ? markEvaluation(requestContext) : requestContext, fn);
}

/** Add the current trace context (`traceparent`, `tracestate`) to outgoing request headers. */
export function injectTraceContext(headers: Headers): void {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  for (const [name, value] of Object.entries(carrier)) if (name !== 'baggage') headers.set(name, value);
}
