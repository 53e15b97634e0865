/**
 * Quality gates: a run fails (non-zero exit) when a threshold is confidently breached, or when the
 * canary is significantly worse than live on the same cases (see stats.ts and eval/README.md).
 *
 * Rate gates compare a one-sided 95% Wilson bound with the threshold, not the point estimate:
 * `fail` when the upper bound is under a minimum (the agent is confidently below it), `pass` when
 * the lower bound meets it, else `inconclusive` — too few trials to tell, with its own policy
 * (`--inconclusive pass|fail`) and the number of trials that would tell. Latency and token gates are
 * point estimates (they are measured to a few percent with any dataset), and so is the error rate (an
 * operational figure of this run, not a claim about the agent).
 */
import type { Comparison } from './run';
import type { Ratio, Summary } from './scoring';
import { pairsNeeded, trialsNeededBelow, wilson } from './stats';

export interface Thresholds {
  /** Minimum tool selection accuracy, 0–1. */
  readonly toolSelection: number;
  /** Minimum parameter accuracy, 0–1. */
  readonly parameters: number;
  /** Minimum refusal accuracy, 0–1. */
  readonly refusals: number;
  /** Maximum p50 latency in ms. */
  readonly latencyP50Ms: number;
  /** Maximum p95 latency in ms. */
  readonly latencyP95Ms: number;
  /** Maximum mean tokens (in + out) per query. */
  readonly tokensPerQuery: number;
  /** Minimum fact recall, 0–1. @default - not gated */
  readonly factRecall?: number;
  /** Minimum tool precision (calls to expected tools of all calls), 0–1. @default - not gated */
  readonly toolPrecision?: number;
  /** Maximum share of trials that ended in a transport or contract error, 0–1. @default 0.05 */
  readonly errorRate?: number;
  /** Minimum mean judge score per evaluator id (`--threshold judge.Builtin.Correctness=0.7`). @default - none */
  readonly judge?: Readonly<Record<string, number>>;
}

export const SEED_THRESHOLDS: Thresholds = {
  toolSelection: 0.95,
  parameters: 0.98,
  refusals: 1,
  latencyP50Ms: 2000,
  latencyP95Ms: 5000,
  tokensPerQuery: 5000,
};

/** Gates the runner adds to the environment's: errors are not failures of the agent, but too many make the run worthless. */
export const RUNNER_THRESHOLDS: Partial<Thresholds> = { errorRate: 0.05 };

const RATE_KEYS = ['toolSelection', 'parameters', 'refusals', 'factRecall', 'toolPrecision', 'errorRate'] as const;
export const THRESHOLD_KEYS = [...Object.keys(SEED_THRESHOLDS), 'factRecall', 'toolPrecision', 'errorRate'] as (keyof Thresholds)[];

export type GateStatus = 'pass' | 'fail' | 'inconclusive';
export type InconclusivePolicy = 'pass' | 'fail';

export interface GateResult {
  /** A threshold key, `judge.<evaluator>`, or `regression.<metric>` for the canary-vs-live test. */
  readonly metric: string;
  /** `min` gates fail below the threshold, `max` gates above it; `regression` fails on a significant drop. */
  readonly kind: 'min' | 'max' | 'regression';
  readonly threshold: number;
  /** Undefined when no trial measured the metric (the gate then passes and says so). */
  readonly actual?: number;
  /** One-sided 95% bounds of a rate (or of the drop, for a regression gate). */
  readonly lower?: number;
  readonly upper?: number;
  readonly status: GateStatus;
  /** The status after the inconclusive policy: what the exit code follows. */
  readonly passed: boolean;
  /** Trials (or pairs) that would settle an inconclusive gate. */
  readonly trialsNeeded?: number;
  readonly message: string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** How far below a minimum an agent must be for the printed trial count to catch it (3 points). */
export const UNDERPOWERED_MARGIN = 0.03;

export function checkThresholds(summary: Summary, t: Thresholds, options: { readonly inconclusive?: InconclusivePolicy; readonly comparison?: Comparison } = {}): GateResult[] {
  const policy = options.inconclusive ?? 'pass';
  const settle = (status: GateStatus) => status === 'pass' || (status === 'inconclusive' && policy === 'pass');
  const rateGate = (metric: string, kind: 'min' | 'max', r: Ratio, threshold: number | undefined): GateResult | undefined => {
    if (threshold === undefined) return undefined;
    if (r.rate === undefined) return { metric, kind, threshold, status: 'pass', passed: true, message: `${metric}: not measured (no trial in this run)` };
    const { lower, upper } = wilson(r.correct, r.total, 0.9);
    const op = kind === 'min' ? '≥' : '≤';
    let status: GateStatus;
    // A 100% requirement (refusals) is not a rate to estimate: one miss fails, none passes.
    if (kind === 'min' && threshold >= 1) status = r.correct === r.total ? 'pass' : 'fail';
    else if (kind === 'min') status = upper < threshold ? 'fail' : lower >= threshold ? 'pass' : 'inconclusive';
    else status = lower > threshold ? 'fail' : upper <= threshold ? 'pass' : 'inconclusive';
    // Trials that would tell an agent 3 points on the wrong side of the threshold apart from it.
    const trialsNeeded = status === 'inconclusive' && kind === 'min' && threshold > UNDERPOWERED_MARGIN && threshold < 1 ? trialsNeededBelow(threshold, UNDERPOWERED_MARGIN, 0.05, 0.8) : undefined;
    const word = status === 'pass' ? 'meets' : status === 'fail' ? 'BREACHES' : 'INCONCLUSIVE vs';
    const extra = trialsNeeded ? `; ${trialsNeeded} trials would tell ${pct(threshold - UNDERPOWERED_MARGIN)} from ${pct(threshold)}` : '';
    return {
      metric,
      kind,
      threshold,
      actual: r.rate,
      lower,
      upper,
      status,
      passed: settle(status),
      trialsNeeded,
      message: `${metric}: ${pct(r.rate)} of ${r.total} [95% bounds ${pct(lower)}–${pct(upper)}] (${word} ${op} ${pct(threshold)}${extra})`,
    };
  };
  // Errors, latency and tokens are operational figures of this run, gated as measured.
  const pointGate = (metric: keyof Thresholds, actual: number | undefined, fmt: (v: number) => string): GateResult => {
    const threshold = t[metric] as number;
    if (actual === undefined) return { metric, kind: 'max', threshold, status: 'pass', passed: true, message: `${metric}: not measured (no trial in this run)` };
    const status: GateStatus = actual <= threshold ? 'pass' : 'fail';
    return { metric, kind: 'max', threshold, actual, status, passed: status === 'pass', message: `${metric}: ${fmt(actual)} (${status === 'pass' ? 'meets' : 'BREACHES'} ≤ ${fmt(threshold)})` };
  };
  const ms = (v: number) => `${Math.round(v)} ms`;
  const tok = (v: number) => `${Math.round(v)} tokens`;
  const measured = summary.trials - summary.errors > 0;
  const judgeGates = Object.entries(t.judge ?? {}).map(([evaluator, threshold]): GateResult => {
    const j = summary.judge[evaluator];
    const metric = `judge.${evaluator}`;
    if (!j?.scored) return { metric, kind: 'min', threshold, status: 'fail', passed: false, message: `${metric}: no score (${j ? `${j.failed} judge errors` : 'evaluator not run; pass --judge'}) (BREACHES ≥ ${threshold})` };
    const status: GateStatus = j.mean >= threshold ? 'pass' : 'fail';
    return { metric, kind: 'min', threshold, actual: j.mean, status, passed: status === 'pass', message: `${metric}: mean ${j.mean.toFixed(3)} of ${j.scored} (${status === 'pass' ? 'meets' : 'BREACHES'} ≥ ${threshold})` };
  });
  return [
    rateGate('toolSelection', 'min', summary.toolSelection, t.toolSelection),
    rateGate('parameters', 'min', summary.parameters, t.parameters),
    rateGate('refusals', 'min', summary.refusals, t.refusals),
    rateGate('factRecall', 'min', summary.factRecall, t.factRecall),
    rateGate('toolPrecision', 'min', summary.toolPrecision, t.toolPrecision),
    ...(t.errorRate !== undefined ? [pointGate('errorRate', summary.trials ? summary.errorRate.rate : undefined, pct)] : []),
    pointGate('latencyP50Ms', summary.trials ? summary.latencyMs.p50 : undefined, ms),
    pointGate('latencyP95Ms', summary.trials ? summary.latencyMs.p95 : undefined, ms),
    pointGate('tokensPerQuery', measured ? summary.tokensPerQuery : undefined, tok),
    ...judgeGates,
    ...(options.comparison ? regressionGates(options.comparison, policy) : []),
  ].filter((g): g is GateResult => g !== undefined);
}

/** One gate per gated metric of a canary-vs-live comparison. */
export function regressionGates(c: Comparison, policy: InconclusivePolicy): GateResult[] {
  return c.metrics
    .filter((m) => m.gated)
    .map((m) => {
      const last = m.looks[m.looks.length - 1];
      const status: GateStatus = m.verdict === 'regression' ? 'fail' : m.verdict === 'no-regression' ? 'pass' : 'inconclusive';
      const pairs = last?.counts.pairs ?? 0;
      const stat = last
        ? `drop ${pct(last.drop.estimate)} [95% bounds ${pct(last.drop.lower)}–${pct(last.drop.upper)}], ${last.counts.worse} worse / ${last.counts.better} better of ${pairs} pairs, sign test p=${last.pValue.toPrecision(2)} (level ${last.level.toPrecision(2)})`
        : 'no pairs';
      const word = status === 'fail' ? 'REGRESSED' : status === 'pass' ? `no drop of ${pct(c.design.drop)} or more` : `INCONCLUSIVE: ${m.pairsNeeded} pairs would catch ${pct(c.design.base)} → ${pct(c.design.base - c.design.drop)}`;
      return {
        metric: `regression.${m.metric}`,
        kind: 'regression' as const,
        threshold: c.design.drop,
        actual: last?.drop.estimate,
        lower: last?.drop.lower,
        upper: last?.drop.upper,
        status,
        passed: status === 'pass' || (status === 'inconclusive' && policy === 'pass'),
        trialsNeeded: status === 'inconclusive' ? m.pairsNeeded : undefined,
        message: `regression.${m.metric} vs ${c.baselineTarget}: ${stat}; round ${c.rounds}/${c.plannedRounds} (${word})`,
      };
    });
}

/** Parse `key=value` overrides from the command line; errors name the key and the expected form. */
export function parseThresholdOverrides(pairs: readonly string[]): Partial<Thresholds> {
  const out: Record<string, unknown> = {};
  const judge: Record<string, number> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const raw = eq < 0 ? undefined : pair.slice(eq + 1);
    const value = Number(raw);
    if (key.startsWith('judge.')) {
      const evaluator = key.slice('judge.'.length);
      if (!/^(Builtin\.[A-Za-z]+|[A-Za-z][A-Za-z0-9_-]{0,99})$/.test(evaluator)) problems.push(`--threshold ${pair}: expected judge.<evaluator id>, e.g. judge.Builtin.Correctness=0.7`);
      else if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0 || value > 1) problems.push(`--threshold ${pair}: expected ${key}=<a number from 0 to 1>`);
      else judge[evaluator] = value;
      continue;
    }
    if (!THRESHOLD_KEYS.includes(key as keyof Thresholds)) {
      problems.push(`--threshold ${pair}: unknown metric "${key}"; expected one of ${THRESHOLD_KEYS.join(', ')}, or judge.<evaluator>`);
      continue;
    }
    const isRate = (RATE_KEYS as readonly string[]).includes(key);
    if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0 || (isRate && value > 1)) {
      problems.push(`--threshold ${pair}: expected ${key}=<${isRate ? 'a number from 0 to 1' : 'a non-negative number'}>`);
      continue;
    }
    out[key] = value;
  }
  if (problems.length) throw new UsageError(problems);
  if (Object.keys(judge).length) out.judge = judge;
  return out as Partial<Thresholds>;
}

/** Trials per case a paired comparison needs: the design's pairs over the cases that measure the metric. */
export function repeatsFor(design: { base: number; drop: number; alpha: number; power: number }, casesMeasured: number): number {
  if (casesMeasured < 1) return 1;
  return Math.max(1, Math.ceil(pairsNeeded(design.base, design.drop, design.alpha, design.power) / casesMeasured));
}

/** Bad command-line input: every problem at once, no stack trace. */
export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}
