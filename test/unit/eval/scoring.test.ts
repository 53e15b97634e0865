import { matchValue, percentile, scoreCase, summarise } from '../../../eval/runner/scoring';
import { checkThresholds, parseThresholdOverrides, SEED_THRESHOLDS, UsageError } from '../../../eval/runner/thresholds';
import { PRICES, refusalCase, reply, revenueCase, ticketCase } from './fixtures';

describe('scoreCase', () => {
  test('a correct call with matching parameters and facts passes, with cost from the prices', () => {
    const r = scoreCase({ case: revenueCase, latencyMs: 900, response: reply() }, PRICES);
    expect(r.passed).toBe(true);
    expect(r.checks).toMatchObject({ outcome: true, toolSelection: true, parameters: true, factsFound: ['1284.6'], factsMissing: [] });
    // 1200 in × 0.003/1k + 300 out × 0.015/1k
    expect(r.costUsd).toBeCloseTo(0.0081, 10);
  });

  test('a gateway-prefixed name is already stripped by the contract; the wrong tool fails selection and skips parameters', () => {
    const r = scoreCase({ case: revenueCase, latencyMs: 1, response: reply({ toolCalls: [{ name: 'getMarketData', input: {} }] }) }, PRICES);
    expect(r.checks.toolSelection).toBe(false);
    expect(r.checks.parameters).toBeUndefined();
    expect(r.passed).toBe(false);
  });

  test('a wrong parameter format fails parameter accuracy and says which field and why', () => {
    const r = scoreCase({ case: revenueCase, latencyMs: 1, response: reply({ toolCalls: [{ name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: 'Q3 2024' } }] }) }, PRICES);
    expect(r.checks.toolSelection).toBe(true);
    expect(r.checks.parameters).toBe(false);
    expect(r.checks.parameterMismatches).toEqual(['getQuarterlyRevenue.quarter: expected "2024-Q3", got "Q3 2024"']);
  });

  test('the best of several calls to the same tool is scored', () => {
    const calls = [
      { name: 'getQuarterlyRevenue', input: { region: 'APAC', quarter: '2024-Q3' } },
      { name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' } },
    ];
    expect(scoreCase({ case: revenueCase, latencyMs: 1, response: reply({ toolCalls: calls }) }, PRICES).checks.parameters).toBe(true);
  });

  test('free-text parameters match on fragments, case-insensitive', () => {
    const ok = reply({ outcome: 'answer', toolCalls: [{ name: 'createHRTicket', input: { employeeId: 'E10001', category: 'benefits', description: 'My Benefits enrollment confirmation never arrived' } }] });
    expect(scoreCase({ case: ticketCase, latencyMs: 1, response: ok }, PRICES).checks.parameters).toBe(true);
    const bad = reply({ toolCalls: [{ name: 'createHRTicket', input: { employeeId: 'E10001', category: 'benefits', description: 'please help' } }] });
    expect(scoreCase({ case: ticketCase, latencyMs: 1, response: bad }, PRICES).checks.parameterMismatches[0]).toMatch(/description: expected text containing \["benefit"\]/);
  });

  test('a refusal case passes only when the agent refuses', () => {
    expect(scoreCase({ case: refusalCase, latencyMs: 1, response: reply({ outcome: 'refusal', toolCalls: [] }) }, PRICES).passed).toBe(true);
    const answered = scoreCase({ case: refusalCase, latencyMs: 1, response: reply() }, PRICES);
    expect(answered.passed).toBe(false);
    expect(answered.checks.toolSelection).toBeUndefined();
  });

  test('a transport error is an error, not a failure of the agent: no check is scored and no tokens counted', () => {
    const r = scoreCase({ case: revenueCase, latencyMs: 30000, error: 'HTTP 500: boom' }, PRICES);
    expect(r).toMatchObject({ passed: false, status: 'error', error: 'HTTP 500: boom', inputTokens: 0, costUsd: 0 });
    expect(r.checks.toolSelection).toBeUndefined();
  });
});

describe('matchValue', () => {
  test.each([
    ['EMEA', 'EMEA', undefined],
    [2026, 2026, undefined],
    [2026, '2026', 'expected 2026, got "2026"'],
    [{ $oneOf: ['expenses', 'travel'] }, 'travel', undefined],
    [{ $present: true }, undefined, 'missing'],
  ])('%j vs %j', (expected, actual, why) => {
    expect(matchValue(expected as never, actual)).toBe(why);
  });
});

describe('summarise', () => {
  test('ratios, percentiles, tokens and cost over a run', () => {
    const results = [
      scoreCase({ case: revenueCase, latencyMs: 1000, response: reply() }, PRICES),
      scoreCase({ case: revenueCase, latencyMs: 2000, response: reply({ toolCalls: [{ name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-3' } }] }) }, PRICES),
      scoreCase({ case: refusalCase, latencyMs: 3000, response: reply({ outcome: 'refusal', toolCalls: [], usage: { inputTokens: 500, outputTokens: 100 } }) }, PRICES),
      scoreCase({ case: revenueCase, latencyMs: 10000, response: reply({ outcome: 'refusal', toolCalls: [] }) }, PRICES),
    ];
    const s = summarise(results);
    expect(s.toolSelection).toEqual({ correct: 2, total: 3, rate: 2 / 3 });
    expect(s.parameters).toEqual({ correct: 1, total: 2, rate: 0.5 });
    expect(s.refusals).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(s.overRefusals).toEqual({ correct: 1, total: 3, rate: 1 / 3 });
    expect(s.escalations).toEqual({ correct: 0, total: 0 });
    expect(s.latencyMs).toMatchObject({ p50: 2000, p95: 10000, max: 10000, mean: 4000 });
    expect(s.tokensPerQuery).toBe((1500 * 3 + 600) / 4);
    expect(s.byTag.refusal).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(s.passed).toBe(2);
  });

  test('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([], 95)).toBe(0);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('thresholds', () => {
  const summaryWith = (tool: number, of = 100) =>
    summarise([
      ...Array.from({ length: tool }, () => scoreCase({ case: revenueCase, latencyMs: 1500, response: reply() }, PRICES)),
      ...Array.from({ length: of - tool }, () => scoreCase({ case: revenueCase, latencyMs: 1500, response: reply({ toolCalls: [] }) }, PRICES)),
    ]);

  test('a rate confidently below the minimum fails: 80% of 100 is under 95% at the upper bound', () => {
    const gates = checkThresholds(summaryWith(80), SEED_THRESHOLDS);
    const tool = gates.find((g) => g.metric === 'toolSelection')!;
    expect(tool).toMatchObject({ status: 'fail', passed: false, actual: 0.8, threshold: 0.95 });
    expect(tool.upper).toBeLessThan(0.95);
    expect(tool.message).toMatch(/^toolSelection: 80\.0% of 100 \[95% bounds 72\.\d%–8\d\.\d%\] \(BREACHES ≥ 95\.0%\)$/);
    expect(gates.find((g) => g.metric === 'latencyP50Ms')).toMatchObject({ passed: true, actual: 1500 });
  });

  test('the seed baseline of 92% of 36 cannot be told from 95%: inconclusive, with the trials that would tell, and its own policy', () => {
    const lenient = checkThresholds(summaryWith(33, 36), SEED_THRESHOLDS).find((g) => g.metric === 'toolSelection')!;
    expect(lenient).toMatchObject({ status: 'inconclusive', passed: true, trialsNeeded: 383 });
    expect(lenient.message).toContain('INCONCLUSIVE vs ≥ 95.0%; 383 trials would tell 92.0% from 95.0%');
    const strict = checkThresholds(summaryWith(33, 36), SEED_THRESHOLDS, { inconclusive: 'fail' }).find((g) => g.metric === 'toolSelection')!;
    expect(strict).toMatchObject({ status: 'inconclusive', passed: false });
  });

  test('a rate confidently above the minimum passes; a metric no trial measures passes and says so', () => {
    const gates = checkThresholds(summaryWith(1000, 1000), { ...SEED_THRESHOLDS, toolSelection: 0.99 });
    expect(gates.find((g) => g.metric === 'toolSelection')).toMatchObject({ status: 'pass', passed: true });
    expect(gates.find((g) => g.metric === 'refusals')?.actual).toBeUndefined();
    expect(gates.find((g) => g.metric === 'refusals')).toMatchObject({ passed: true, message: 'refusals: not measured (no trial in this run)' });
  });

  test('latency and token gates are upper bounds', () => {
    const gates = checkThresholds(summaryWith(100), { ...SEED_THRESHOLDS, latencyP95Ms: 1000, tokensPerQuery: 1000 });
    expect(gates.filter((g) => !g.passed).map((g) => g.metric)).toEqual(['latencyP95Ms', 'tokensPerQuery']);
  });

  test('overrides are parsed and bad ones named', () => {
    expect(parseThresholdOverrides(['latencyP95Ms=8000', 'toolSelection=0.9', 'factRecall=0.8', 'judge.Builtin.Correctness=0.7'])).toEqual({
      latencyP95Ms: 8000,
      toolSelection: 0.9,
      factRecall: 0.8,
      judge: { 'Builtin.Correctness': 0.7 },
    });
    const error = (() => {
      try {
        parseThresholdOverrides(['toolSelection=95', 'speed=1', 'tokensPerQuery=', 'judge.Builtin.Correctness=7']);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).problems).toEqual([
      '--threshold toolSelection=95: expected toolSelection=<a number from 0 to 1>',
      '--threshold speed=1: unknown metric "speed"; expected one of toolSelection, parameters, refusals, latencyP50Ms, latencyP95Ms, tokensPerQuery, factRecall, toolPrecision, errorRate, or judge.<evaluator>',
      '--threshold tokensPerQuery=: expected tokensPerQuery=<a non-negative number>',
      '--threshold judge.Builtin.Correctness=7: expected judge.Builtin.Correctness=<a number from 0 to 1>',
    ]);
  });
});
