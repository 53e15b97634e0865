/**
 * Reads what the evaluators need from OpenTelemetry GenAI spans (as the Strands SDK emits them and
 * AgentCore passes them on): tool calls with their arguments, the user's message and the final
 * answer. Tolerant of both the stable and the latest experimental GenAI conventions.
 */
type Span = Record<string, unknown>;
type Attributes = Record<string, unknown>;
interface SpanEvent {
  readonly name?: string;
  readonly attributes?: Attributes;
  readonly body?: unknown;
}

export interface SpanToolCall {
  readonly spanId?: string;
  readonly traceId?: string;
  readonly name: string;
  /** Undefined when the span carries no arguments. */
  readonly input?: Record<string, unknown>;
}

function attrs(span: Span): Attributes {
  const a = span.attributes;
  return a && typeof a === 'object' ? (a as Attributes) : {};
}

function events(span: Span): SpanEvent[] {
  return Array.isArray(span.events) ? (span.events as SpanEvent[]) : [];
}

function json(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Every text fragment in a message structure (strings, `text` / `content` fields, `parts`). */
export function textOf(value: unknown): string {
  const v = json(value);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(textOf).filter(Boolean).join('\n');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const key of ['text', 'content', 'message', 'parts']) if (key in o) return textOf(o[key]);
  }
  return '';
}

function spanId(span: Span): string | undefined {
  return (span.spanId ?? span.span_id) as string | undefined;
}

function traceId(span: Span): string | undefined {
  return (span.traceId ?? span.trace_id) as string | undefined;
}

/** Spans of the given traces (all spans when no trace ids are given). */
export function inTraces(spans: readonly Span[], traceIds?: readonly string[] | null): Span[] {
  return traceIds?.length ? spans.filter((s) => traceIds.includes(traceId(s) ?? '')) : [...spans];
}

function isToolSpan(span: Span): boolean {
  return attrs(span)['gen_ai.operation.name'] === 'execute_tool' || (typeof span.name === 'string' && span.name.startsWith('execute_tool '));
}

function toolInput(span: Span): Record<string, unknown> | undefined {
  const fromAttr = json(attrs(span)['gen_ai.tool.call.arguments']);
  if (fromAttr && typeof fromAttr === 'object' && !Array.isArray(fromAttr)) return fromAttr as Record<string, unknown>;
  for (const e of events(span)) {
    if (e.name === 'gen_ai.tool.message') {
      const content = json(e.attributes?.content ?? (e.body as Attributes | undefined)?.content);
      if (content && typeof content === 'object' && !Array.isArray(content)) return content as Record<string, unknown>;
    }
    const messages = json(e.attributes?.['gen_ai.input.messages']);
    if (Array.isArray(messages)) {
      for (const m of messages as { parts?: { type?: string; arguments?: unknown }[] }[]) {
        const call = m.parts?.find((p) => p.type === 'tool_call');
        if (call?.arguments && typeof call.arguments === 'object') return call.arguments as Record<string, unknown>;
      }
    }
  }
  return undefined;
}

export function toolCalls(spans: readonly Span[]): SpanToolCall[] {
  return spans.filter(isToolSpan).map((span) => {
    const name = (attrs(span)['gen_ai.tool.name'] as string | undefined) ?? String(span.name).slice('execute_tool '.length);
    return { spanId: spanId(span), traceId: traceId(span), name, input: toolInput(span) };
  });
}

/** The user's message: the first user message of the outermost agent span. */
export function userMessage(spans: readonly Span[]): string | undefined {
  for (const span of agentSpansFirst(spans)) {
    const a = attrs(span);
    const direct = a['gen_ai.prompt'] ?? a['input.value'];
    if (direct) return textOf(direct);
    for (const e of events(span)) {
      if (e.name === 'gen_ai.user.message') return textOf(e.attributes?.content ?? e.body);
      const messages = json(e.attributes?.['gen_ai.input.messages'] ?? a['gen_ai.input.messages']);
      if (Array.isArray(messages)) {
        const user = (messages as { role?: string }[]).find((m) => m.role === 'user');
        if (user) return textOf(user);
      }
    }
    const messages = json(a['gen_ai.input.messages']);
    if (Array.isArray(messages)) {
      const user = (messages as { role?: string }[]).find((m) => m.role === 'user');
      if (user) return textOf(user);
    }
  }
  return undefined;
}

/** The final answer: the last choice / output message of the outermost agent span. */
export function finalAnswer(spans: readonly Span[]): string | undefined {
  for (const span of agentSpansFirst(spans)) {
    const a = attrs(span);
    const direct = a['gen_ai.completion'] ?? a['output.value'];
    if (direct) return textOf(direct);
    const choice = [...events(span)].reverse().find((e) => e.name === 'gen_ai.choice' || e.attributes?.['gen_ai.output.messages']);
    if (choice) return textOf(choice.attributes?.message ?? choice.attributes?.['gen_ai.output.messages'] ?? choice.body);
    if (a['gen_ai.output.messages']) return textOf(a['gen_ai.output.messages']);
  }
  return undefined;
}

function parentId(span: Span): string | undefined {
  return (span.parentSpanId ?? span.parent_span_id) as string | undefined;
}

const isAgentSpan = (s: Span) => attrs(s)['gen_ai.operation.name'] === 'invoke_agent' || (typeof s.name === 'string' && s.name.startsWith('invoke_agent'));

/**
 * invoke_agent spans, outermost first: the supervisor's before the specialists' it handed off to,
 * however the spans are ordered and whether or not the outermost one has a parent outside the set
 * (e.g. a span of the runtime).
 */
function agentSpansFirst(spans: readonly Span[]): Span[] {
  const byId = new Map(spans.map((s) => [spanId(s), s]));
  const agentAncestors = (span: Span): number => {
    let count = 0;
    const seen = new Set<string>();
    for (let p = parentId(span); p && byId.has(p) && !seen.has(p); p = parentId(byId.get(p)!)) {
      seen.add(p);
      if (isAgentSpan(byId.get(p)!)) count++;
    }
    return count;
  };
  return spans
    .filter(isAgentSpan)
    .map((span) => ({ span, depth: agentAncestors(span) }))
    .sort((a, b) => a.depth - b.depth)
    .map((a) => a.span);
}
