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
  /** Which repeat of the case this is (1-based). @default 1 */
  readonly repeat?: number;
  /** Transport attempts. @default 1 */
  readonly attempts?: number;
}

export interface CaseChecks {
  readonly outcome: boolean;
  /** Undefined when the case expects no tool call. */
  readonly toolSelection?: boolean;
  /** Undefined when no tool call is expected or the tool was wrong. */
  readonly parameters?: boolean;
  readonly parameterMismatches: readonly string[];
  /** Calls to tools the case does not expect (any call in a refusal or clarification, unless a policy denied it). */
  readonly unexpectedCalls: readonly string[];
  /** Undefined unless the case declares `expected.ordered`: the expected tools were called in that order. */
  readonly order?: boolean;
  readonly factsFound: readonly string[];
  readonly factsMissing: readonly string[];
}

/** `error`: the agent was not reached or its reply broke the contract after every retry; not an agent failure. */
export type TrialStatus = 'pass' | 'fail' | 'error';

export interface CaseResult {
  readonly id: string;
  /** Which repeat of the case this trial is (1-based). */
  readonly repeat: number;
  readonly status: TrialStatus;
  /** Transport attempts this trial took (1 when the first one got a reply). */
  readonly attempts: number;
  readonly agent: string;
  readonly query: string;
  readonly tags: readonly string[];
  readonly expectedOutcome: Outcome;
  readonly expectedCalls: readonly ExpectedCall[];
  readonly actualOutcome?: Outcome;
  readonly actualCalls: readonly ToolCall[];
  readonly answer?: string;
  /** The model the reply reports (compare mode labels). */
  readonly model?: string;
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
  /** Distinct cases. */
  readonly cases: number;
  /** Trials (cases × repeats). Every ratio below counts trials, errors excluded. */
  readonly trials: number;
  readonly passed: number;
  readonly errors: number;
  /** Trials that could not be scored (transport or contract errors) of all trials. */
  readonly errorRate: Ratio;
  readonly toolSelection: Ratio;
  /** Calls to expected tools of all calls made (unexpected calls lower it). */
  readonly toolPrecision: Ratio;
  /** Expected calls made of all expected calls. */
  readonly toolRecall: Ratio;
  readonly parameters: Ratio;
  /** Trials of cases that declare an order where the expected tools came in that order. */
  readonly trajectoryOrder: Ratio;
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

/** Lower case, single spaces, no thousands separators ("1,284.6" reads as "1284.6"), one minus sign. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/\s+/g, ' ');
}

/** An expected fact: text (matched as whole words) or a number (matched as a value, with its sign). */
export type Fact = string | { readonly value: number; readonly tolerance?: number; readonly unit?: string };

const NUMERIC_FACT = /^[-+]?\d+(?:\.\d+)?%?$/;

/** Numbers written in the text, with their sign: "-3.2%" is −3.2; the 10 of "2024-10-15" or "Q3" is not a separate number. */
export function numbersIn(text: string): number[] {
  const out: number[] = [];
  const re = /(^|[^\w.-])(-?)(\d+(?:\.\d+)?)(?!\w)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(Number(`${m[2]}${m[3]}`));
    re.lastIndex = m.index + m[0].length;
  }
  return out;
}

const DOWN_BEFORE = /(?:\b(?:fell|fall|down|dropped|drop|declined|decline|decreased|decrease|shrank|contracted|lower|negative)(?: by| of)?) $/;
const DOWN_AFTER = /^%? (?:decline|decrease|drop|fall|lower|down)\b/;

/**
 * Numbers of an answer as quantities: written signs count, and so does the wording of a decline
 * ("fell 1.74%", "down by 1.74", "a 1.74% drop" read as −1.74; "decreased from 1342 to 1318.7" does not).
 */
export function quantitiesIn(text: string): number[] {
  return quantityTokens(text).map((q) => q.value);
}

function quantityTokens(text: string): { value: number; start: number; end: number }[] {
  const out: { value: number; start: number; end: number }[] = [];
  const re = /(^|[^\w.-])(-?)(\d+(?:\.\d+)?)(?!\w)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[1].length;
    const end = m.index + m[0].length;
    const declined = !m[2] && (DOWN_BEFORE.test(text.slice(Math.max(0, start - 20), start)) || DOWN_AFTER.test(text.slice(end, end + 12)));
    out.push({ value: Number(`${m[2] || (declined ? '-' : '')}${m[3]}`), start, end });
    re.lastIndex = end;
  }
  return out;
}

/** Label of a fact in reports. */
export function factLabel(fact: Fact): string {
  return typeof fact === 'string' ? fact : `${fact.value}${fact.tolerance ? ` ±${fact.tolerance}` : ''}${fact.unit ? ` ${fact.unit}` : ''}`;
}

/**
 * Does the (normalised) answer state the fact? A number must appear as a number of that value
 * (default tolerance: half a unit of the fact's last digit, so "1284.6" accepts 1284.6 and 1284.62
 * but not 1285, "10" is not found in "2010" or "10:00" is); text must appear as whole words.
 */
export function factFound(fact: Fact, answer: string): boolean {
  const text = normalise(answer);
  if (typeof fact === 'object' || NUMERIC_FACT.test(fact.trim())) {
    let value: number;
    let tolerance: number;
    if (typeof fact === 'object') {
      value = fact.value;
      tolerance = fact.tolerance ?? 0;
    } else {
      const literal = fact.trim().replace(/%$/, '');
      value = Number(literal);
      const decimals = literal.includes('.') ? literal.split('.')[1].length : 0;
      tolerance = 0.5 * 10 ** -decimals;
    }
    // Times and dates are not quantities: drop hh:mm and ISO dates before reading numbers.
    const cleaned = text.replace(/\b\d{1,2}:\d{2}\b/g, ' ').replace(/\b\d{4}-\d{2}-\d{2}\b/g, ' ');
    // With a unit, the number must name it within the next three words ("10 days", "10 vacation
    // days"), or be the value of a field named for it ("remainingdays: 10").
    const unit = typeof fact === 'object' && fact.unit ? fact.unit.toLowerCase() : undefined;
    const named = (q: { start: number; end: number }) => {
      if (!unit) return true;
      const after = cleaned.slice(q.end).split(/[^a-z0-9%$]+/).filter(Boolean).slice(0, 3);
      const before = /([a-z]+)\s*[:=]\s*$/.exec(cleaned.slice(Math.max(0, q.start - 40), q.start))?.[1];
      return after.some((w) => w.startsWith(unit)) || (before !== undefined && before.includes(unit));
    };
    return quantityTokens(cleaned).some((q) => Math.abs(q.value - value) <= tolerance + 1e-9 && named(q));
  }
  const escaped = normalise(fact.trim()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![a-z0-9])${escaped}(?![a-z0-9])`).test(text);
}

/** Are the expected tools called in this order (as a subsequence of the calls)? */
export function inOrder(expected: readonly string[], calls: readonly string[]): boolean {
  let at = 0;
  for (const name of calls) if (at < expected.length && name === expected[at]) at++;
  return at === expected.length;
}

export function scoreCase(obs: Observation, prices: ModelPrices): CaseResult {
  const c = obs.case;
  const r = obs.error ? undefined : obs.response;
  const expectedCalls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
  const actualCalls = r?.toolCalls ?? [];
  const outcome = r !== undefined && r.outcome === c.expected.outcome;
  let toolSelection: boolean | undefined;
  let parameters: boolean | undefined;
  let order: boolean | undefined;
  const parameterMismatches: string[] = [];
  // Unexpected calls: a tool the case does not expect. In a refusal only a call the case lists as
  // denied by policy, and that came back as an error (the gateway refused it), is not counted.
  const expectedTools = new Set(expectedCalls.map((e) => e.tool));
  const denied = c.expected.outcome === 'refusal' ? new Set((c.expected.deniedCalls ?? []).map((d) => d.tool)) : new Set<string>();
  const unexpectedCalls = actualCalls.filter((call) => !expectedTools.has(call.name) && !(denied.has(call.name) && call.status === 'error')).map((call) => call.name);
  if (r && expectedCalls.length) {
    const called = new Set(actualCalls.map((call) => call.name));
    toolSelection = expectedCalls.every((e) => called.has(e.tool)) && unexpectedCalls.length === 0;
    if (expectedCalls.every((e) => called.has(e.tool))) {
      for (const e of expectedCalls) parameterMismatches.push(...matchCall(e, actualCalls));
      parameters = parameterMismatches.length === 0;
    }
    if ('ordered' in c.expected && c.expected.ordered) order = inOrder(expectedCalls.map((e) => e.tool), actualCalls.map((call) => call.name));
  }
  const facts = c.facts as readonly Fact[];
  const factsFound = r ? facts.filter((f) => factFound(f, r.answer)).map(factLabel) : [];
  const factsMissing = r ? facts.filter((f) => !factFound(f, r.answer)).map(factLabel) : [];
  const inputTokens = r?.usage.inputTokens ?? 0;
  const outputTokens = r?.usage.outputTokens ?? 0;
  const passed = r !== undefined && outcome && toolSelection !== false && parameters !== false && order !== false && unexpectedCalls.length === 0;
  return {
    id: c.id,
    repeat: obs.repeat ?? 1,
    status: obs.error ? 'error' : passed ? 'pass' : 'fail',
    attempts: obs.attempts ?? 1,
    agent: c.agent,
    query: c.query,
    tags: c.tags,
    expectedOutcome: c.expected.outcome,
    expectedCalls,
    actualOutcome: r?.outcome,
    actualCalls,
    answer: r?.answer,
    model: r?.model,
    latencyMs: obs.latencyMs,
    inputTokens,
    outputTokens,
    costUsd: (inputTokens / 1000) * prices.inputPricePer1k + (outputTokens / 1000) * prices.outputPricePer1k,
    error: obs.error,
    checks: { outcome, toolSelection, parameters, parameterMismatches, unexpectedCalls, order, factsFound, factsMissing },
    passed,
    judge: obs.judge ?? [],
  };
}

export function summarise(all: readonly CaseResult[]): Summary {
  const count = (pred: (r: CaseResult) => boolean, of: readonly CaseResult[]) => of.filter(pred).length;
  // Errors are not agent failures: they are counted (errorRate) and left out of every accuracy ratio.
  const results = all.filter((r) => r.status !== 'error');
  const withCalls = results.filter((r) => r.checks.toolSelection !== undefined);
  const paramCases = results.filter((r) => r.checks.parameters !== undefined);
  const ordered = results.filter((r) => r.checks.order !== undefined);
  const byOutcome = (o: Outcome) => results.filter((r) => r.expectedOutcome === o);
  const latencies = all.map((r) => r.latencyMs);
  const inputTokens = results.reduce((s, r) => s + r.inputTokens, 0);
  const outputTokens = results.reduce((s, r) => s + r.outputTokens, 0);
  const costUsd = all.reduce((s, r) => s + r.costUsd, 0);
  const factsExpected = results.reduce((s, r) => s + r.checks.factsFound.length + r.checks.factsMissing.length, 0);
  const factsFound = results.reduce((s, r) => s + r.checks.factsFound.length, 0);
  const callsMade = results.reduce((s, r) => s + r.actualCalls.length, 0);
  const callsUnexpected = results.reduce((s, r) => s + r.checks.unexpectedCalls.length, 0);
  const expectedTotal = results.reduce((s, r) => s + r.expectedCalls.length, 0);
  const expectedMade = results.reduce((s, r) => s + r.expectedCalls.filter((e) => r.actualCalls.some((a) => a.name === e.tool)).length, 0);

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
    cases: new Set(all.map((r) => r.id)).size,
    trials: all.length,
    passed: count((r) => r.passed, results),
    errors: all.length - results.length,
    errorRate: ratio(all.length - results.length, all.length),
    toolSelection: ratio(count((r) => r.checks.toolSelection === true, withCalls), withCalls.length),
    toolPrecision: ratio(callsMade - callsUnexpected, callsMade),
    toolRecall: ratio(expectedMade, expectedTotal),
    parameters: ratio(count((r) => r.checks.parameters === true, paramCases), paramCases.length),
    trajectoryOrder: ratio(count((r) => r.checks.order === true, ordered), ordered.length),
    refusals: ratio(count((r) => r.passed, byOutcome('refusal')), byOutcome('refusal').length),
    escalations: ratio(count((r) => r.passed, byOutcome('escalation')), byOutcome('escalation').length),
    clarifications: ratio(count((r) => r.passed, byOutcome('clarification')), byOutcome('clarification').length),
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
    tokensPerQuery: results.length ? (inputTokens + outputTokens) / results.length : 0,
    inputTokens,
    outputTokens,
    costUsd,
    costPerQueryUsd: all.length ? costUsd / all.length : 0,
    judge,
    byTag,
  };
}
