/**
 * Deterministic scoring: every figure here comes from comparing the reply with the ground truth,
 * no model involved. Definitions are documented in eval/README.md.
 */
import type { EvalResponse, ToolCall } from './contract';
import type { EvalCase, ExpectedCall, ExpectedValue, Outcome } from './dataset';

export interface ModelPrices {
  /** USD per 1,000 input tokens. */
  readonly inputPricePer1k: number;
  /** USD per 1,000 output tokens. */
  readonly outputPricePer1k: number;
}

export interface JudgeScore {
  readonly evaluator: string;
  readonly value?: number;
  readonly label?: string;
  readonly explanation?: string;
  readonly error?: string;
}

/** What the runner observed for one case, before scoring. */
export interface Observation {
  readonly case: EvalCase;
  readonly latencyMs: number;
  readonly response?: EvalResponse;
  /** Transport or contract failure; the case then fails every check it is part of. */
  readonly error?: string;
  readonly judge?: readonly JudgeScore[];
}

export interface CaseChecks {
  readonly outcome: boolean;
  /** Undefined when the case expects no tool call. */
  readonly toolSelection?: boolean;
  /** Undefined when no tool call is expected or the tool was wrong. */
  readonly parameters?: boolean;
  readonly parameterMismatches: readonly string[];
  readonly factsFound: readonly string[];
  readonly factsMissing: readonly string[];
}

export interface CaseResult {
  readonly id: string;
  readonly agent: string;
  readonly query: string;
  readonly tags: readonly string[];
  readonly expectedOutcome: Outcome;
  readonly expectedCalls: readonly ExpectedCall[];
  readonly actualOutcome?: Outcome;
  readonly actualCalls: readonly ToolCall[];
  readonly answer?: string;
  readonly latencyMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly error?: string;
  readonly checks: CaseChecks;
  readonly passed: boolean;
  readonly judge: readonly JudgeScore[];
}

export interface Ratio {
  readonly correct: number;
  readonly total: number;
  /** correct / total, or undefined when no case measures it. */
  readonly rate?: number;
}

export interface Summary {
  readonly cases: number;
  readonly passed: number;
  readonly errors: number;
  readonly toolSelection: Ratio;
  readonly parameters: Ratio;
  readonly refusals: Ratio;
  readonly escalations: Ratio;
  readonly clarifications: Ratio;
  readonly outcomes: Ratio;
  /** Cases that should have been answered but were refused. */
  readonly overRefusals: Ratio;
  readonly factRecall: Ratio;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly mean: number; readonly max: number };
  readonly tokensPerQuery: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly costPerQueryUsd: number;
  /** Mean judge score per evaluator. */
  readonly judge: Record<string, { readonly mean: number; readonly scored: number; readonly failed: number }>;
  readonly byTag: Record<string, Ratio>;
}

function ratio(correct: number, total: number): Ratio {
  return total ? { correct, total, rate: correct / total } : { correct, total };
}

/** Nearest-rank percentile of an unsorted list; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Does `actual` satisfy the expected value? Returns a reason when it does not. */
export function matchValue(expected: ExpectedValue, actual: unknown): string | undefined {
  if (typeof expected === 'object' && expected !== null) {
    if ('$present' in expected) return actual === undefined || actual === null ? 'missing' : undefined;
    if ('$oneOf' in expected) return expected.$oneOf.some((v) => deepEqual(v, actual)) ? undefined : `expected one of ${JSON.stringify(expected.$oneOf)}, got ${JSON.stringify(actual)}`;
    if (typeof actual !== 'string') return `expected text containing ${JSON.stringify(expected.$contains)}, got ${JSON.stringify(actual)}`;
    const lower = actual.toLowerCase();
    const missing = expected.$contains.filter((f) => !lower.includes(f.toLowerCase()));
    return missing.length ? `expected text containing ${JSON.stringify(missing)}, got ${JSON.stringify(actual)}` : undefined;
  }
  return deepEqual(expected, actual) ? undefined : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** Mismatches of one expected call against the best actual call of the same tool (empty: a match). */
export function matchCall(expected: ExpectedCall, actual: readonly ToolCall[]): string[] {
  const candidates = actual.filter((c) => c.name === expected.tool);
  if (!candidates.length) return [`${expected.tool}: not called`];
  let best: string[] | undefined;
  for (const call of candidates) {
    const problems = Object.entries(expected.parameters).flatMap(([key, value]) => {
      const why = matchValue(value, call.input[key]);
      return why ? [`${expected.tool}.${key}: ${why}`] : [];
    });
    if (!problems.length) return [];
    if (!best || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

/** Lower case, single spaces, no thousands separators ("1,284.6" reads as "1284.6"). */
export function normalise(text: string): string {
  return text.toLowerCase().replace(/(\d),(?=\d{3}(?!\d))/g, '$1').replace(/\s+/g, ' ');
}

export function scoreCase(obs: Observation, prices: ModelPrices): CaseResult {
  const c = obs.case;
  const r = obs.response;
  const expectedCalls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
  const actualCalls = r?.toolCalls ?? [];
  const outcome = r !== undefined && r.outcome === c.expected.outcome;
  let toolSelection: boolean | undefined;
  let parameters: boolean | undefined;
  const parameterMismatches: string[] = [];
  if (expectedCalls.length) {
    const called = new Set(actualCalls.map((call) => call.name));
    toolSelection = r !== undefined && expectedCalls.every((e) => called.has(e.tool));
    if (toolSelection) {
      for (const e of expectedCalls) parameterMismatches.push(...matchCall(e, actualCalls));
      parameters = parameterMismatches.length === 0;
    }
  }
  const answer = r ? normalise(r.answer) : '';
  const factsFound = c.facts.filter((f) => answer.includes(normalise(f)));
  const factsMissing = c.facts.filter((f) => !answer.includes(normalise(f)));
  const inputTokens = r?.usage.inputTokens ?? 0;
  const outputTokens = r?.usage.outputTokens ?? 0;
  const passed = !obs.error && outcome && toolSelection !== false && parameters !== false;
  return {
    id: c.id,
    agent: c.agent,
    query: c.query,
    tags: c.tags,
    expectedOutcome: c.expected.outcome,
    expectedCalls,
    actualOutcome: r?.outcome,
    actualCalls,
    answer: r?.answer,
    latencyMs: obs.latencyMs,
    inputTokens,
    outputTokens,
    costUsd: (inputTokens / 1000) * prices.inputPricePer1k + (outputTokens / 1000) * prices.outputPricePer1k,
    error: obs.error,
    checks: { outcome, toolSelection, parameters, parameterMismatches, factsFound, factsMissing },
    passed,
    judge: obs.judge ?? [],
  };
}

export function summarise(results: readonly CaseResult[]): Summary {
  const count = (pred: (r: CaseResult) => boolean, of: readonly CaseResult[]) => of.filter(pred).length;
  const withCalls = results.filter((r) => r.checks.toolSelection !== undefined);
  const paramCases = results.filter((r) => r.checks.parameters !== undefined);
  const byOutcome = (o: Outcome) => results.filter((r) => r.expectedOutcome === o);
  const answered = results.filter((r) => !r.error);
  const latencies = results.map((r) => r.latencyMs);
  const inputTokens = answered.reduce((s, r) => s + r.inputTokens, 0);
  const outputTokens = answered.reduce((s, r) => s + r.outputTokens, 0);
  const costUsd = results.reduce((s, r) => s + r.costUsd, 0);
  const factsExpected = results.reduce((s, r) => s + r.checks.factsFound.length + r.checks.factsMissing.length, 0);
  const factsFound = results.reduce((s, r) => s + r.checks.factsFound.length, 0);

  const judge: Record<string, { mean: number; scored: number; failed: number }> = {};
  for (const r of results) {
    for (const j of r.judge) {
      const entry = (judge[j.evaluator] ??= { mean: 0, scored: 0, failed: 0 });
      if (j.value === undefined) entry.failed++;
      else {
        entry.mean = (entry.mean * entry.scored + j.value) / (entry.scored + 1);
        entry.scored++;
      }
    }
  }
  const byTag: Record<string, Ratio> = {};
  const tags = [...new Set(results.flatMap((r) => r.tags))].sort();
  for (const tag of tags) {
    const tagged = results.filter((r) => r.tags.includes(tag));
    byTag[tag] = ratio(count((r) => r.passed, tagged), tagged.length);
  }
  return {
    cases: results.length,
    passed: count((r) => r.passed, results),
    errors: count((r) => r.error !== undefined, results),
    toolSelection: ratio(count((r) => r.checks.toolSelection === true, withCalls), withCalls.length),
    parameters: ratio(count((r) => r.checks.parameters === true, paramCases), paramCases.length),
    refusals: ratio(count((r) => r.checks.outcome, byOutcome('refusal')), byOutcome('refusal').length),
    escalations: ratio(count((r) => r.checks.outcome, byOutcome('escalation')), byOutcome('escalation').length),
    clarifications: ratio(count((r) => r.checks.outcome, byOutcome('clarification')), byOutcome('clarification').length),
    outcomes: ratio(count((r) => r.checks.outcome, results), results.length),
    overRefusals: ratio(count((r) => r.actualOutcome === 'refusal', byOutcome('answer')), byOutcome('answer').length),
    factRecall: ratio(factsFound, factsExpected),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      mean: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0,
      max: latencies.reduce((a, b) => (b > a ? b : a), 0),
    },
    tokensPerQuery: answered.length ? (inputTokens + outputTokens) / answered.length : 0,
    inputTokens,
    outputTokens,
    costUsd,
    costPerQueryUsd: results.length ? costUsd / results.length : 0,
    judge,
    byTag,
  };
}
