/**
 * The statistics of the evaluation gates, in one place so the CLI, compare mode and the power
 * benchmark use the same maths.
 *
 * Inference is about *these* cases (the dataset is fixed, not a sample): a trial is one run of one
 * case; repeats of a case are independent given the case (a fresh session each time). Under that
 * model the pooled trials give valid tests:
 * - one arm (threshold gates): Wilson score bounds on the pooled success rate. They are conservative
 *   when cases differ in difficulty (Σ pᵢ(1−pᵢ) ≤ n·p̄(1−p̄)).
 * - two arms on the same cases (canary vs live): trial r of case i on the canary is paired with trial
 *   r of case i on live. Under "no change" (each case succeeds as often on both) a discordant pair is
 *   equally likely either way, so the exact sign test (McNemar's exact test) on discordant pairs is
 *   valid whatever the per-case success rates are.
 */

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: expected 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i++) LOG_FACTORIALS[i] = LOG_FACTORIALS[i - 1] + Math.log(i);
  return LOG_FACTORIALS[n];
}

/** P(X ≥ x) for X ~ Binomial(m, 1/2), exact. */
export function binomialUpperTail(m: number, x: number): number {
  if (x <= 0) return 1;
  if (x > m) return 0;
  let sum = 0;
  const logHalf = m * Math.log(0.5);
  for (let k = x; k <= m; k++) sum += Math.exp(logFactorial(m) - logFactorial(k) - logFactorial(m - k) + logHalf);
  return Math.min(1, sum);
}

/**
 * One-sided exact sign test (McNemar's exact test): the probability of at least `worse` pairs going
 * the canary's way down out of `worse + better` discordant pairs when both ways are equally likely.
 */
export function signTestP(worse: number, better: number): number {
  return binomialUpperTail(worse + better, worse);
}

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** Wilson score interval for x successes of n with the given two-sided confidence (e.g. 0.90 gives two 95% one-sided bounds). */
export function wilson(x: number, n: number, confidence: number): Interval {
  if (n === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = x / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  // At 0 or n the bound on that side is exactly 0 or 1 (rounding would put it a hair inside).
  return { lower: x === 0 ? 0 : Math.max(0, centre - half), upper: x === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Interval for the drop live − canary of a paired success rate, from `worse` (live succeeded, canary
 * failed) and `better` pairs of `n` (Wald with Agresti–Min's half-count adjustment, which keeps
 * coverage near nominal with few discordant pairs).
 */
export function pairedDropInterval(worse: number, better: number, n: number, confidence: number): Interval & { readonly estimate: number } {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const w = worse + 0.5;
  const b = better + 0.5;
  const m = n + 2;
  const estimate = n ? (worse - better) / n : 0;
  const d = (w - b) / m;
  const se = Math.sqrt(Math.max(0, w + b - ((w - b) * (w - b)) / m)) / m;
  return { estimate, lower: Math.max(-1, d - z * se), upper: Math.min(1, d + z * se) };
}

/**
 * Paired trials a one-sided sign test needs to detect a drop from `base` to `base − drop` with the
 * given power at level `alpha`, when the two arms fail independently of each other given the case
 * and every case has the same success rate (the least favourable case for a paired test: cases that
 * both arms tend to get right or wrong together only lower the discordance).
 */
export function pairsNeeded(base: number, drop: number, alpha: number, power: number): number {
  const p = base;
  const q = base - drop;
  if (!(drop > 0) || q <= 0 || p > 1) throw new Error(`pairsNeeded: expected 0 < drop < base ≤ 1, got base ${base}, drop ${drop}`);
  const worse = p * (1 - q);
  const better = q * (1 - p);
  const discordance = worse + better;
  const theta = worse / discordance;
  const za = normalQuantile(1 - alpha);
  const zb = normalQuantile(power);
  const discordant = ((za * 0.5 + zb * Math.sqrt(theta * (1 - theta))) / (theta - 0.5)) ** 2;
  return Math.ceil(discordant / discordance);
}

/**
 * Trials a one-arm threshold gate needs so that an agent at `threshold − margin` is confidently
 * below the threshold (upper bound under it) with the given power.
 */
export function trialsNeededBelow(threshold: number, margin: number, alpha: number, power: number): number {
  const p = threshold - margin;
  const za = normalQuantile(1 - alpha);
  const zb = normalQuantile(power);
  return Math.ceil(((za * Math.sqrt(threshold * (1 - threshold)) + zb * Math.sqrt(p * (1 - p))) / margin) ** 2);
}

/** A seeded PRNG (mulberry32) for reproducible simulations. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of a string (FNV-1a), to derive per-trial seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The canary-vs-live regression test: what it must detect and how sure it must be. */
export interface RegressionDesign {
  /** False-alarm rate of the whole sequential test (one-sided). */
  readonly alpha: number;
  /** The drop in success rate (absolute, e.g. 0.05 for 92% → 87%) the gate must catch... */
  readonly drop: number;
  /** ...from this live success rate (planning value; the least favourable model above). */
  readonly base: number;
  /** ...with this probability. */
  readonly power: number;
  /** Nominal level of each interim look (Haybittle–Peto: strict, so the final look keeps almost all of alpha). */
  readonly interimAlpha: number;
  /** An interim look stops with "no regression" when the drop's upper bound at this confidence is under `drop`. */
  readonly futilityConfidence: number;
}

/**
 * The staging default: catch 92% → 87% at 5% false alarms. Planned for 90% power so the sequential
 * test, which gives a little power up to stop early, still delivers ≥ 80% (bench/eval-power.ts measures it).
 */
export const DEFAULT_REGRESSION_DESIGN: RegressionDesign = { alpha: 0.05, drop: 0.05, base: 0.92, power: 0.9, interimAlpha: 0.001, futilityConfidence: 0.99 };

/** Repeat rounds after which the sequential test looks: about a third, two thirds, and the end. */
export function looksFor(rounds: number): number[] {
  return [...new Set([Math.ceil(rounds / 3), Math.ceil((2 * rounds) / 3), rounds])].filter((r) => r >= 1);
}

/** Level of the final look: what the interim looks have not spent (Bonferroni, so the total never exceeds alpha). */
export function finalAlpha(design: RegressionDesign, looks: number): number {
  return design.alpha - design.interimAlpha * Math.max(0, looks - 1);
}

export type RegressionVerdict = 'regression' | 'no-regression' | 'inconclusive';

export interface PairCounts {
  /** Pairs where live succeeded and the canary failed. */
  readonly worse: number;
  /** Pairs where the canary succeeded and live failed. */
  readonly better: number;
  /** All pairs. */
  readonly pairs: number;
}

export interface RegressionLook {
  readonly counts: PairCounts;
  /** One-sided exact sign test p-value. */
  readonly pValue: number;
  /** Level this look was tested at. */
  readonly level: number;
  /** Drop live − canary: estimate and two-sided 90% interval (its ends are one-sided 95% bounds). */
  readonly drop: Interval & { readonly estimate: number };
  /** Undefined at an interim look that does not stop. */
  readonly verdict?: RegressionVerdict;
}

/**
 * One look of the sequential test. Interim: stop with `regression` when p ≤ interimAlpha, with
 * `no-regression` when the drop is confidently under `design.drop`; otherwise go on. Final:
 * `regression` when p ≤ the final level; `no-regression` when the 95% upper bound of the drop is under
 * `design.drop`; else `inconclusive` (too few pairs to tell; see pairsNeeded).
 */
export function regressionLook(counts: PairCounts, design: RegressionDesign, look: { readonly final: boolean; readonly looks: number }): RegressionLook {
  const pValue = signTestP(counts.worse, counts.better);
  const level = look.final ? finalAlpha(design, look.looks) : design.interimAlpha;
  const drop = pairedDropInterval(counts.worse, counts.better, counts.pairs, 1 - 2 * design.alpha);
  let verdict: RegressionVerdict | undefined;
  if (pValue <= level) verdict = 'regression';
  else if (look.final) verdict = drop.upper < design.drop ? 'no-regression' : 'inconclusive';
  else if (pairedDropInterval(counts.worse, counts.better, counts.pairs, 2 * design.futilityConfidence - 1).upper < design.drop) verdict = 'no-regression';
  return { counts, pValue, level, drop, verdict };
}
