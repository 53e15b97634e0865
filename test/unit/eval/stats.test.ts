import { binomialUpperTail, DEFAULT_REGRESSION_DESIGN, finalAlpha, looksFor, normalQuantile, pairedDropInterval, pairsNeeded, regressionLook, signTestP, trialsNeededBelow, wilson } from '../../../eval/runner/stats';

describe('the statistics of the gates', () => {
  test('normal quantiles and exact binomial tails match reference values', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(binomialUpperTail(10, 8)).toBeCloseTo(56 / 1024, 12); // C(10,8)+C(10,9)+C(10,10) = 45+10+1
    expect(binomialUpperTail(5, 0)).toBe(1);
    expect(binomialUpperTail(5, 6)).toBe(0);
  });

  test('the sign test on discordant pairs: 3 worse / 3 better is noise; 30 / 5 is not', () => {
    expect(signTestP(3, 3)).toBeCloseTo(0.65625, 10); // P(X ≥ 3), X ~ Bin(6, 1/2) = 42/64
    expect(signTestP(30, 5)).toBeLessThan(1e-4);
    expect(signTestP(0, 0)).toBe(1);
  });

  test('Wilson bounds: exact at the edges, inside (0, 1) otherwise', () => {
    expect(wilson(36, 36, 0.9)).toEqual({ lower: expect.closeTo(0.930, 3), upper: 1 });
    expect(wilson(0, 10, 0.9).lower).toBe(0);
    const b = wilson(33, 36, 0.9);
    expect(b.lower).toBeCloseTo(0.8, 1);
    expect(b.upper).toBeGreaterThan(0.95); // 92% of 36 cannot be told from 95%
  });

  test('the paired drop interval is centred on the drop and narrows with pairs', () => {
    const small = pairedDropInterval(10, 5, 100, 0.9);
    const large = pairedDropInterval(100, 50, 1000, 0.9);
    expect(small.estimate).toBeCloseTo(0.05, 10);
    expect(large.estimate).toBeCloseTo(0.05, 10);
    expect(large.upper - large.lower).toBeLessThan((small.upper - small.lower) / 2.5);
  });

  test('sample sizes: the paired test needs ~460 pairs for 92% → 87% at 80% power, more for smaller drops', () => {
    expect(pairsNeeded(0.92, 0.05, 0.05, 0.8)).toBe(457);
    expect(pairsNeeded(0.92, 0.05, 0.05, 0.9)).toBe(629);
    expect(pairsNeeded(0.92, 0.03, 0.05, 0.8)).toBeGreaterThan(1000);
    expect(trialsNeededBelow(0.95, 0.03, 0.05, 0.8)).toBe(383);
    expect(() => pairsNeeded(0.5, 0.6, 0.05, 0.8)).toThrow(/expected 0 < drop < base/);
  });

  test('the sequential design never spends more than alpha', () => {
    expect(looksFor(10)).toEqual([4, 7, 10]);
    expect(looksFor(1)).toEqual([1]);
    expect(finalAlpha(DEFAULT_REGRESSION_DESIGN, 3)).toBeCloseTo(0.048, 10);
    expect(finalAlpha(DEFAULT_REGRESSION_DESIGN, 3) + 2 * DEFAULT_REGRESSION_DESIGN.interimAlpha).toBeLessThanOrEqual(DEFAULT_REGRESSION_DESIGN.alpha);
  });

  test('looks: a clear drop stops early, a clear non-drop stops early, too few pairs stay open or end inconclusive', () => {
    const d = DEFAULT_REGRESSION_DESIGN;
    expect(regressionLook({ worse: 40, better: 5, pairs: 260 }, d, { final: false, looks: 3 }).verdict).toBe('regression');
    expect(regressionLook({ worse: 2, better: 3, pairs: 400 }, d, { final: false, looks: 3 }).verdict).toBe('no-regression');
    expect(regressionLook({ worse: 12, better: 10, pairs: 65 }, d, { final: false, looks: 3 }).verdict).toBeUndefined();
    expect(regressionLook({ worse: 12, better: 10, pairs: 65 }, d, { final: true, looks: 3 }).verdict).toBe('inconclusive');
    expect(regressionLook({ worse: 20, better: 8, pairs: 650 }, d, { final: true, looks: 3 })).toMatchObject({ verdict: 'regression', level: expect.closeTo(0.048, 10) });
  });
});
