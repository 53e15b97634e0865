/**
 * Quality gates: a run fails (non-zero exit) when any threshold is breached. Defaults are the
 * environment config's `evaluation.thresholds` (seed: tool 95%, parameters 98%, refusals 100%,
 * p50 < 2 s, p95 < 5 s, < 5,000 tokens per query).
 */
import type { Summary } from './scoring';

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
}

export const SEED_THRESHOLDS: Thresholds = {
  toolSelection: 0.95,
  parameters: 0.98,
  refusals: 1,
  latencyP50Ms: 2000,
  latencyP95Ms: 5000,
  tokensPerQuery: 5000,
};

export const THRESHOLD_KEYS = Object.keys(SEED_THRESHOLDS) as (keyof Thresholds)[];

export interface GateResult {
  readonly metric: keyof Thresholds;
  /** `min` gates fail below the threshold, `max` gates above it. */
  readonly kind: 'min' | 'max';
  readonly threshold: number;
  /** Undefined when no case measured the metric (the gate then passes and says so). */
  readonly actual?: number;
  readonly passed: boolean;
  readonly message: string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function checkThresholds(summary: Summary, t: Thresholds): GateResult[] {
  const gate = (metric: keyof Thresholds, kind: 'min' | 'max', actual: number | undefined, fmt: (v: number) => string): GateResult => {
    const threshold = t[metric];
    if (actual === undefined) return { metric, kind, threshold, passed: true, message: `${metric}: not measured (no case in this dataset)` };
    const passed = kind === 'min' ? actual >= threshold : actual <= threshold;
    const op = kind === 'min' ? '≥' : '≤';
    return { metric, kind, threshold, actual, passed, message: `${metric}: ${fmt(actual)} (${passed ? 'meets' : 'BREACHES'} ${op} ${fmt(threshold)})` };
  };
  const ms = (v: number) => `${Math.round(v)} ms`;
  const tok = (v: number) => `${Math.round(v)} tokens`;
  const measured = summary.cases - summary.errors > 0;
  return [
    gate('toolSelection', 'min', summary.toolSelection.rate, pct),
    gate('parameters', 'min', summary.parameters.rate, pct),
    gate('refusals', 'min', summary.refusals.rate, pct),
    gate('latencyP50Ms', 'max', summary.cases ? summary.latencyMs.p50 : undefined, ms),
    gate('latencyP95Ms', 'max', summary.cases ? summary.latencyMs.p95 : undefined, ms),
    gate('tokensPerQuery', 'max', measured ? summary.tokensPerQuery : undefined, tok),
  ];
}

/** Parse `key=value` overrides from the command line; errors name the key and the expected form. */
export function parseThresholdOverrides(pairs: readonly string[]): Partial<Thresholds> {
  const out: Partial<Record<keyof Thresholds, number>> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const [key, raw] = pair.split('=', 2);
    if (!THRESHOLD_KEYS.includes(key as keyof Thresholds)) {
      problems.push(`--threshold ${pair}: unknown metric "${key}"; expected one of ${THRESHOLD_KEYS.join(', ')}`);
      continue;
    }
    const value = Number(raw);
    const isRate = key === 'toolSelection' || key === 'parameters' || key === 'refusals';
    if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0 || (isRate && value > 1)) {
      problems.push(`--threshold ${pair}: expected ${key}=<${isRate ? 'a number from 0 to 1' : 'a non-negative number'}>`);
      continue;
    }
    out[key as keyof Thresholds] = value;
  }
  if (problems.length) throw new UsageError(problems);
  return out;
}

/** Bad command-line input: every problem at once, no stack trace. */
export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}
