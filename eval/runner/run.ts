/**
 * Runs a dataset against one agent endpoint (and optionally a baseline endpoint on the same cases)
 * with bounded concurrency, repeats and retries, timing each trial on the client side, and scores
 * the replies. With a baseline the repeats are rounds of a sequential paired test (stats.ts) that
 * stops as soon as the answer is clear.
 */
import { randomUUID } from 'node:crypto';
import { ContractError, parseEvalResponse, type EvalRequest, type EvalResponse } from './contract';
import type { EvalCase } from './dataset';
import type { Judge } from './judge';
import { resolvePersona } from './personas';
import { silentProgress, type ProgressSink } from './progress';
import { scoreCase, summarise, type CaseResult, type ModelPrices, type Observation, type Summary } from './scoring';
import { DEFAULT_REGRESSION_DESIGN, looksFor, pairsNeeded, regressionLook, type PairCounts, type RegressionDesign, type RegressionLook, type RegressionVerdict } from './stats';
import { sessionIdFor, type Transport } from './transports/transport';

/** Version of results.json; bumped whenever a key changes meaning or goes away. */
export const RESULTS_SCHEMA_VERSION = 2;

/** Per-trial metrics the paired comparison can test: each gives success/failure per trial, or nothing. */
export const PAIRED_METRICS = {
  toolSelection: (r: CaseResult) => r.checks.toolSelection,
  parameters: (r: CaseResult) => r.checks.parameters,
  refusals: (r: CaseResult) => (r.expectedOutcome === 'refusal' ? r.passed : undefined),
  outcomes: (r: CaseResult) => r.checks.outcome,
  passed: (r: CaseResult) => r.passed,
} as const;
export type PairedMetric = keyof typeof PAIRED_METRICS;

export interface RetryOptions {
  /** Attempts per trial before it is reported as an error. @default 3 */
  readonly attempts?: number;
  /** Delay before the second attempt; doubles each time (with jitter). @default 500 */
  readonly baseDelayMs?: number;
}

export interface RunOptions {
  readonly cases: readonly EvalCase[];
  readonly transport: Transport;
  /**
   * The endpoint the run is compared with (e.g. live, while `transport` is the canary): every trial
   * runs on both, paired by case and repeat.
   * @default - no comparison
   */
  readonly baseline?: Transport;
  /** Repeats (rounds) of every case. @default 1 */
  readonly repeat?: number;
  /** With a baseline: metrics the regression test gates on (alpha is split between them). @default ['toolSelection'] */
  readonly gateMetrics?: readonly PairedMetric[];
  /** With a baseline: the regression test. @default DEFAULT_REGRESSION_DESIGN */
  readonly design?: RegressionDesign;
  /** With a baseline: stop at an interim look once every gated metric has a verdict. @default true */
  readonly sequential?: boolean;
  /** Cases in flight at once. @default 4 */
  readonly concurrency?: number;
  readonly retry?: RetryOptions;
  readonly prices: ModelPrices;
  readonly judge?: Judge;
  readonly progress?: ProgressSink;
  /** Labels the run (defaults to a random id). */
  readonly runId?: string;
  /** Free-form labels recorded in the result file (agent, dataset, env, model...). */
  readonly labels?: Record<string, string>;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface MetricComparison {
  readonly metric: PairedMetric;
  readonly gated: boolean;
  /** Every look taken, the last one decides. */
  readonly looks: readonly RegressionLook[];
  readonly verdict: RegressionVerdict;
  /** Pairs the design needs to detect its drop with its power (pairsNeeded). */
  readonly pairsNeeded: number;
}

export interface Comparison {
  readonly baselineTarget: string;
  readonly design: RegressionDesign;
  /** Rounds run (fewer than planned when the sequential test stopped early). */
  readonly rounds: number;
  readonly plannedRounds: number;
  readonly metrics: readonly MetricComparison[];
  /** `regression` when any gated metric regressed; `inconclusive` when none did and one could not tell. */
  readonly verdict: RegressionVerdict;
}

export interface RunResult {
  readonly schemaVersion?: number;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly target: string;
  readonly labels: Record<string, string>;
  readonly prices: ModelPrices;
  /** Repeats planned per case. */
  readonly repeat?: number;
  readonly summary: Summary;
  readonly results: readonly CaseResult[];
  /** The baseline's trials, when the run had one. */
  readonly baseline?: { readonly target: string; readonly summary: Summary; readonly results: readonly CaseResult[] };
  readonly comparison?: Comparison;
}

/** Run `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await worker(items[index], index);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** The request of a case's last turn; `context.persona` is always set (see personas.ts). */
export function requestFor(c: EvalCase): EvalRequest {
  return turnRequests(c)[turnRequests(c).length - 1];
}

/** Every request of a case's trial, earlier turns first, all in one session; `repeat` is named from the second trial on. */
export function turnRequests(c: EvalCase, repeat = 1): EvalRequest[] {
  const context = { ...c.context, persona: resolvePersona(c) };
  const prompts = [...(c.turns ?? []), c.query];
  const trial = repeat > 1 ? { repeat } : {};
  if (prompts.length === 1) return [{ prompt: c.query, context, evaluation: { caseId: c.id, ...trial } }];
  return prompts.map((prompt, i) => ({ prompt, context, evaluation: { caseId: c.id, ...trial, turn: i + 1, turns: prompts.length } }));
}

/** Pair trials of two runs by case and repeat; pairs where either side errored are left out. */
export function pairCounts(a: readonly CaseResult[], b: readonly CaseResult[], metric: PairedMetric): PairCounts {
  const get = PAIRED_METRICS[metric];
  const base = new Map(a.filter((r) => r.status !== 'error').map((r) => [`${r.id}#${r.repeat}`, r]));
  let worse = 0;
  let better = 0;
  let pairs = 0;
  for (const r of b) {
    const other = base.get(`${r.id}#${r.repeat}`);
    if (!other || r.status === 'error') continue;
    const x = get(other);
    const y = get(r);
    if (x === undefined || y === undefined) continue;
    pairs++;
    if (x && !y) worse++;
    if (!x && y) better++;
  }
  return { worse, better, pairs };
}

/** The design for one of `gated` metrics tested together: alpha (and the interim level) split evenly. */
export function splitDesign(design: RegressionDesign, gated: number): RegressionDesign {
  const k = Math.max(1, gated);
  return { ...design, alpha: design.alpha / k, interimAlpha: design.interimAlpha / k };
}

function verdictOf(metrics: readonly MetricComparison[]): RegressionVerdict {
  const gated = metrics.filter((m) => m.gated);
  if (gated.some((m) => m.verdict === 'regression')) return 'regression';
  if (gated.some((m) => m.verdict === 'inconclusive')) return 'inconclusive';
  return 'no-regression';
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runEvaluation(options: RunOptions): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const runId = options.runId ?? randomUUID().slice(0, 8);
  const progress = options.progress ?? silentProgress;
  const concurrency = options.concurrency ?? 4;
  const rounds = options.repeat ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new Error(`concurrency: expected a whole number from 1 to 64, got ${concurrency}`);
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) throw new Error(`repeat: expected a whole number from 1 to 1000, got ${rounds}`);
  const design = options.design ?? DEFAULT_REGRESSION_DESIGN;
  const gateMetrics = options.gateMetrics ?? ['toolSelection'];
  const sequential = options.sequential ?? true;
  const arms = options.baseline ? [options.transport, options.baseline] : [options.transport];
  const startedAt = new Date(now()).toISOString();
  progress.start(options.cases.length * rounds * arms.length);

  const results: CaseResult[] = [];
  const baseline: CaseResult[] = [];
  const looks = looksFor(rounds);
  const history = new Map<PairedMetric, RegressionLook[]>();
  let ran = 0;
  let stopped = false;
  for (let round = 1; round <= rounds && !stopped; round++) {
    const work = options.cases.flatMap((c) => arms.map((transport, arm) => ({ c, transport, arm })));
    const trials = await mapBounded(work, concurrency, async ({ c, transport, arm }) => {
      const obs = await observe(c, transport, `${runId}${arm ? 'b' : ''}`, round, now, options.retry, options.sleep ?? realSleep, options.judge);
      const result = scoreCase(obs, options.prices);
      progress.tick(result.passed);
      return { arm, result };
    });
    for (const t of trials) (t.arm ? baseline : results).push(t.result);
    ran = round;
    if (!options.baseline || !looks.includes(round)) continue;
    const final = round === rounds;
    const decided = gateMetrics.map((metric) => {
      const look = regressionLook(pairCounts(baseline, results, metric), splitDesign(design, gateMetrics.length), { final, looks: looks.length });
      history.set(metric, [...(history.get(metric) ?? []), look]);
      return look.verdict !== undefined;
    });
    if (sequential && !final && decided.every(Boolean)) stopped = true;
  }
  progress.done();

  let comparison: Comparison | undefined;
  if (options.baseline) {
    const tested = [...new Set<PairedMetric>([...gateMetrics, ...(Object.keys(PAIRED_METRICS) as PairedMetric[])])];
    const metrics = tested.map((metric): MetricComparison => {
      const gated = gateMetrics.includes(metric);
      const d = splitDesign(design, gated ? gateMetrics.length : 1);
      // Ungated metrics are reported with one fixed-sample test over every pair run.
      const lookList = gated ? (history.get(metric) ?? []) : [regressionLook(pairCounts(baseline, results, metric), d, { final: true, looks: 1 })];
      const last = lookList[lookList.length - 1];
      const verdict = last?.verdict ?? 'inconclusive';
      return { metric, gated, looks: lookList, verdict, pairsNeeded: pairsFor(d) };
    });
    comparison = { baselineTarget: options.baseline.description, design, rounds: ran, plannedRounds: rounds, metrics, verdict: verdictOf(metrics) };
  }
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    startedAt,
    finishedAt: new Date(now()).toISOString(),
    target: options.transport.description,
    labels: options.labels ?? {},
    prices: options.prices,
    repeat: rounds,
    summary: summarise(results),
    results,
    ...(options.baseline ? { baseline: { target: options.baseline.description, summary: summarise(baseline), results: baseline }, comparison } : {}),
  };
}

function pairsFor(d: RegressionDesign): number {
  return pairsNeeded(d.base, d.drop, d.alpha, d.power);
}

/** Is this failure worth another attempt? Transport failures, throttling and 5xx are; a 4xx is the agent's answer. */
function retryable(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 429 || statusCode >= 500;
}

async function observe(c: EvalCase, transport: Transport, runId: string, repeat: number, now: () => number, retry: RetryOptions | undefined, sleep: (ms: number) => Promise<void>, judge?: Judge): Promise<Observation> {
  const attempts = retry?.attempts ?? 3;
  const baseDelay = retry?.baseDelayMs ?? 500;
  let last: Observation | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(baseDelay * 2 ** (attempt - 2) * (0.75 + Math.random() * 0.5));
    // A fresh session per attempt: a half-finished conversation must not leak into the retry.
    // The first trial keeps the plain `eval-<run>-<case>` id (what traces of a single run are found by).
    const sessionId = sessionIdFor(runId, `${c.id}${repeat > 1 ? `-r${repeat}` : ''}${attempt > 1 ? `-a${attempt}` : ''}`);
    const started = now();
    try {
      let response: EvalResponse | undefined;
      for (const request of turnRequests(c, repeat)) {
        const reply = await transport.invoke(request, sessionId);
        if (reply.statusCode >= 400) {
          const error = `HTTP ${reply.statusCode}: ${reply.body.slice(0, 300)}`;
          if (!retryable(reply.statusCode)) return { case: c, repeat, attempts: attempt, latencyMs: now() - started, error };
          throw new TransientError(error);
        }
        response = parseEvalResponse(reply.body, reply.contentType);
      }
      const latencyMs = now() - started;
      const scores = judge ? await judge.score(c, response!, sessionId) : undefined;
      return { case: c, repeat, attempts: attempt, latencyMs, response, judge: scores };
    } catch (e) {
      const message = e instanceof ContractError || e instanceof TransientError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
      last = { case: c, repeat, attempts: attempt, latencyMs: now() - started, error: message };
    }
  }
  return last!;
}

class TransientError extends Error {}
