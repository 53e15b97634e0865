/**
 * The spans of requests being evaluated, kept in the agent process so they can travel back with
 * the evaluation reply (the evaluation runner hands them to the AgentCore `Evaluate` API as
 * `sessionSpans`). Only sessions explicitly watched are kept — an evaluation request watches its
 * session for the time it runs and collects on completion — so ordinary traffic keeps nothing.
 *
 * Bounded so production memory cannot grow: at most `maxSessions` watches at once (the oldest is
 * dropped when another starts), at most `maxSpansPerSession` spans per watch (later spans are
 * dropped and counted), and a watch never collected (client gone) is dropped after `ttlMillis`.
 *
 * ```ts
 * const watch = evaluationSpanCollector()?.watch(sessionId, userId);
 * try { answer = await run(); } finally { spans = watch?.collect() ?? []; }
 * ```
 */
import { context, createContextKey, type Context } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { toSpanRecord, type SpanRecord } from './span-record';

export interface EvaluationSpanLimits {
  /** Sessions watched at once; starting one more drops the oldest watch. @default 16 */
  readonly maxSessions?: number;
  /** Spans kept per watch; later ones are dropped (and counted). @default 256 */
  readonly maxSpansPerSession?: number;
  /** A watch not collected within this time is dropped with its spans. @default 300000 (5 minutes) */
  readonly ttlMillis?: number;
}

/** The spans of one watched session, from `watch` until `collect`. */
export interface SessionSpanWatch {
  readonly sessionId: string;
  /** Spans ended so far but not kept (over the per-session cap, or the watch was dropped). */
  readonly dropped: number;
  /** The kept spans as `aws/spans` records, ordered by start time; ends the watch (later calls return []). */
  collect(): SpanRecord[];
}

class Watch implements SessionSpanWatch {
  spans: ReadableSpan[] = [];
  dropped = 0;
  open = true;
  constructor(
    readonly sessionId: string,
    readonly userId: string | undefined,
    readonly expiresAt: number,
    private readonly release: (watch: Watch) => void,
  ) {}

  matches(span: ReadableSpan): boolean {
    return span.attributes['session.id'] === this.sessionId && (this.userId === undefined || span.attributes['user.id'] === this.userId);
  }

  /** Stop keeping spans and free the ones kept. */
  close(): void {
    this.open = false;
    this.dropped += this.spans.length;
    this.spans = [];
  }

  collect(): SpanRecord[] {
    if (!this.open) return [];
    this.open = false;
    this.release(this);
    const records = this.spans.map(toSpanRecord).sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
    this.spans = [];
    return records;
  }
}

/**
 * A span processor that keeps the finished spans of watched sessions (`session.id`, and `user.id`
 * when the watch names one — set on every span by `RequestAttributesSpanProcessor`).
 */
export class EvaluationSpanCollector implements SpanProcessor {
  readonly maxSessions: number;
  readonly maxSpansPerSession: number;
  readonly ttlMillis: number;
  private readonly watches = new Set<Watch>();

  constructor(
    limits: EvaluationSpanLimits = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxSessions = positive('maxSessions', limits.maxSessions ?? 16);
    this.maxSpansPerSession = positive('maxSpansPerSession', limits.maxSpansPerSession ?? 256);
    this.ttlMillis = positive('ttlMillis', limits.ttlMillis ?? 300_000);
  }

  /**
   * Keep the spans of `sessionId` that end from now until `collect()`. With `userId`, only spans of
   * that user (so a caller naming someone else's session id gets none of their spans).
   */
  watch(sessionId: string, userId?: string): SessionSpanWatch {
    this.expire();
    const watch = new Watch(sessionId, userId, this.now() + this.ttlMillis, (w) => this.watches.delete(w));
    this.watches.add(watch);
    for (const oldest of this.watches) {
      if (this.watches.size <= this.maxSessions) break;
      this.drop(oldest);
    }
    return watch;
  }

  /** Watches currently keeping spans. */
  get size(): number {
    return this.watches.size;
  }

  /** Spans currently kept, over all watches. */
  get keptSpans(): number {
    let n = 0;
    for (const w of this.watches) n += w.spans.length;
    return n;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (!this.watches.size) return;
    this.expire();
    for (const watch of this.watches) {
      if (!watch.matches(span)) continue;
      if (watch.spans.length < this.maxSpansPerSession) watch.spans.push(span);
      else watch.dropped++;
    }
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    for (const watch of [...this.watches]) this.drop(watch);
  }

  private drop(watch: Watch): void {
    watch.close();
    this.watches.delete(watch);
  }

  private expire(): void {
    const now = this.now();
    for (const watch of [...this.watches]) if (watch.expiresAt <= now) this.drop(watch);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`evaluation spans: ${name} must be a positive integer, got ${value}`);
  return value;
}

let registered: EvaluationSpanCollector | undefined;

/** The collector of the registered agent telemetry; undefined while tracing is off. */
export function evaluationSpanCollector(): EvaluationSpanCollector | undefined {
  return registered;
}

/** Set by `setupAgentTelemetry` (and cleared on its shutdown). */
export function registerEvaluationSpanCollector(collector: EvaluationSpanCollector | undefined): void {
  registered = collector;
}

/**
 * Key of the A2A message metadata flag by which a caller serving an evaluation (the supervisor,
 * the evaluation runner) asks a specialist to return its spans with its trace data part.
 */
export const EVALUATION_METADATA_KEY = 'agentcoreKitEvaluation';

const EVALUATION = createContextKey('agentcore-kit evaluation request');

/** `ctx` marked as serving an evaluation request (hand-offs made in it ask for the specialists' spans). */
export function markEvaluation(ctx: Context): Context {
  return ctx.setValue(EVALUATION, true);
}

/** Whether the active request is an evaluation whose spans are being collected. */
export function isEvaluationContext(ctx: Context = context.active()): boolean {
  return ctx.getValue(EVALUATION) === true;
}
