/**
 * Token usage per agent invocation, published as the kit's agent metrics (namespace
 * `AgentCoreKit/Agents`, dimension `agent` = the agent spec id; lib/observability/metric-names.ts)
 * that the dashboards graph as tokens in/out and estimated cost.
 *
 * A {@link MetricsSink} publishes; it may be slow or fail. The {@link UsageRecorder} in front of it
 * makes that harmless to the user's request: `record()` returns at once and never throws, at most
 * `maxInFlight` publishes run at a time (more are dropped and counted), each is given up after
 * `timeoutMs`, and failures are logged.
 */
import { AfterInvocationEvent, BeforeInvocationEvent, type Agent } from '@strands-agents/sdk';

/** What one agent invocation consumed. */
export interface InvocationUsage {
  /** Agent spec id (`supervisor`, `financial`, `hr`, `it`): the `agent` dimension. */
  readonly agent: string;
  /** Input tokens the model reported, summed over the model calls of this invocation. */
  readonly inputTokens: number;
  /** Output tokens the model reported, summed over the model calls of this invocation. */
  readonly outputTokens: number;
  /** Duration of the invocation (model and tool calls, hand-offs included), milliseconds. */
  readonly latencyMs: number;
  /** When the invocation ended. */
  readonly at: Date;
}

/** Where invocation usage goes: CloudWatch when deployed, memory in tests. One call per invocation. */
export interface MetricsSink {
  publish(usage: InvocationUsage): Promise<void>;
}

/** A log line of the recorder (JSON, like the agents' other logs). */
export type UsageLog = (entry: { readonly level: 'warn' | 'error'; readonly message: string; readonly [key: string]: unknown }) => void;

export interface UsageRecorderOptions {
  /** Publishes running at once; a record beyond that is dropped (and counted). @default 16 */
  readonly maxInFlight?: number;
  /** A publish still running after this long is given up on (its slot freed), milliseconds. @default 3000 */
  readonly timeoutMs?: number;
  /** @default - one JSON line on stderr */
  readonly log?: UsageLog;
}

const defaultLog: UsageLog = (entry) => console.error(JSON.stringify(entry));

/** Fire-and-forget front of a {@link MetricsSink}: never fails, never slows the request it measures. */
export class UsageRecorder {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly log: UsageLog;
  private counts = { published: 0, failed: 0, dropped: 0 };

  constructor(
    private readonly sink: MetricsSink,
    options: UsageRecorderOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 16;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.log = options.log ?? defaultLog;
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new Error(`UsageRecorder maxInFlight: expected a whole number ≥ 1, got ${this.maxInFlight}`);
    if (!(this.timeoutMs > 0)) throw new Error(`UsageRecorder timeoutMs: expected a number of milliseconds > 0, got ${this.timeoutMs}`);
  }

  /** Publish in the background. Returns at once; never throws. */
  record(usage: InvocationUsage): void {
    if (this.inFlight.size >= this.maxInFlight) {
      this.counts.dropped += 1;
      this.log({ level: 'warn', message: 'usage metrics dropped: too many publishes in flight', agent: usage.agent, inFlight: this.inFlight.size, dropped: this.counts.dropped });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
    });
    const publishing: Promise<void> = Promise.race([Promise.resolve().then(() => this.sink.publish(usage)), timeout])
      .then(
        () => void (this.counts.published += 1),
        (e: unknown) => {
          this.counts.failed += 1;
          this.log({ level: 'error', message: 'usage metrics not published', agent: usage.agent, error: e instanceof Error ? e.message : String(e), failed: this.counts.failed });
        },
      )
      .finally(() => {
        clearTimeout(timer);
        this.inFlight.delete(publishing);
      });
    this.inFlight.add(publishing);
  }

  /** Wait for the publishes in flight (tests, shutdown). Never rejects. */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Publishes done, failed (or timed out) and dropped so far. */
  get stats(): { readonly published: number; readonly failed: number; readonly dropped: number } {
    return { ...this.counts };
  }
}

/**
 * Record every invocation of `agent` under `agentId`: the tokens its model reported during the
 * invocation (the difference of the agent's accumulated usage, so a reused agent is counted per
 * invocation too) and the invocation's duration. Failed invocations are recorded with what they used.
 */
export function recordUsage(agent: Agent, agentId: string, recorder: UsageRecorder): void {
  let start = { at: 0, inputTokens: 0, outputTokens: 0 };
  const totals = () => {
    const usage = agent.metrics.accumulatedUsage;
    return { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
  };
  agent.addHook(BeforeInvocationEvent, () => {
    start = { at: performance.now(), ...totals() };
  });
  agent.addHook(AfterInvocationEvent, () => {
    const end = totals();
    recorder.record({
      agent: agentId,
      inputTokens: end.inputTokens - start.inputTokens,
      outputTokens: end.outputTokens - start.outputTokens,
      latencyMs: Math.round(performance.now() - start.at),
      at: new Date(),
    });
  });
}
