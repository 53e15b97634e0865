/**
 * Compare mode: a baseline run (A) and a candidate run (B) of the same agent on the same dataset,
 * side by side, with a paired test per metric: trial r of case i in B is paired with trial r of case
 * i in A (errors left out), and the exact sign test says whether B is significantly worse. Only a
 * significant drop of a gated metric is a regression (exit 1); other differences are reported as
 * deltas with their interval, never as "better"/"worse" on their own.
 */
import { pairCounts, PAIRED_METRICS, splitDesign, type PairedMetric, type RunResult } from '../run';
import type { CaseResult, Ratio } from '../scoring';
import { DEFAULT_REGRESSION_DESIGN, regressionLook, signTestP, type RegressionDesign, type RegressionLook, type RegressionVerdict } from '../stats';
import { UsageError } from '../thresholds';
import { escapeXml as esc } from './junit';

export interface ComparisonRow {
  readonly metric: string;
  readonly a: string;
  readonly b: string;
  readonly delta: string;
  /** -1 when B is significantly worse, +1 significantly better, 0 otherwise (no test, or not significant). */
  readonly direction: -1 | 0 | 1;
  /** The paired test, for per-trial metrics. */
  readonly test?: RegressionLook;
  readonly gated?: boolean;
}

export interface CaseRow {
  readonly id: string;
  readonly tags: readonly string[];
  readonly a: Ratio;
  readonly b: Ratio;
  /** One-sided sign test p-value that B is worse on this case. */
  readonly pWorse: number;
  readonly pBetter: number;
}

export interface TagRow {
  readonly tag: string;
  readonly a: Ratio;
  readonly b: Ratio;
  readonly test: RegressionLook;
}

export interface Comparison {
  readonly a: { readonly label: string; readonly runId: string; readonly models: readonly string[] };
  readonly b: { readonly label: string; readonly runId: string; readonly models: readonly string[] };
  readonly agent?: string;
  readonly dataset?: string;
  readonly design: RegressionDesign;
  readonly gateMetrics: readonly PairedMetric[];
  readonly rows: readonly ComparisonRow[];
  readonly byTag: readonly TagRow[];
  readonly cases: readonly CaseRow[];
  /** Cases significantly better / worse in B (per-case sign test at the design's alpha). */
  readonly fixed: readonly string[];
  readonly regressed: readonly string[];
  readonly verdict: RegressionVerdict;
}

const fmtPct = (v?: number) => (v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const ratio = (correct: number, total: number): Ratio => (total ? { correct, total, rate: correct / total } : { correct, total });

/** The models the replies report, most frequent first (falls back to the run's label). */
export function modelsOf(run: RunResult): string[] {
  const counts = new Map<string, number>();
  for (const r of run.results) if (r.model) counts.set(r.model, (counts.get(r.model) ?? 0) + 1);
  const models = [...counts.entries()].sort((x, y) => y[1] - x[1]).map(([m]) => m);
  return models.length ? models : run.labels.model ? [run.labels.model] : [];
}

function point(label: string, a: number | undefined, b: number | undefined, fmt: (v?: number) => string, fmtDelta: (d: number) => string): ComparisonRow {
  if (a === undefined || b === undefined) return { metric: label, a: fmt(a), b: fmt(b), delta: 'n/a', direction: 0 };
  const d = b - a;
  return { metric: label, a: fmt(a), b: fmt(b), delta: `${d > 0 ? '+' : ''}${fmtDelta(d)}`, direction: 0 };
}

const rateOf = (results: readonly CaseResult[], metric: PairedMetric): number | undefined => {
  const values = results.filter((r) => r.status !== 'error').map(PAIRED_METRICS[metric]).filter((v): v is boolean => v !== undefined);
  return values.length ? values.filter(Boolean).length / values.length : undefined;
};

export interface CompareOptions {
  readonly design?: RegressionDesign;
  readonly gateMetrics?: readonly PairedMetric[];
}

export function compareRuns(a: RunResult, b: RunResult, options: CompareOptions = {}): Comparison {
  const problems: string[] = [];
  if (a.labels.agent !== b.labels.agent) problems.push(`--compare: the runs are of different agents (${a.labels.agent ?? '?'} vs ${b.labels.agent ?? '?'}); compare runs of one agent`);
  if (a.labels.dataset !== b.labels.dataset) problems.push(`--compare: the runs used different datasets (${a.labels.dataset ?? '?'} vs ${b.labels.dataset ?? '?'}); compare runs of one dataset`);
  const idsA = [...new Set(a.results.map((r) => r.id))].sort().join(',');
  const idsB = [...new Set(b.results.map((r) => r.id))].sort().join(',');
  if (!problems.length && idsA !== idsB) problems.push('--compare: the runs scored different cases (e.g. one ran with --tag); compare runs of the same cases');
  if (problems.length) throw new UsageError(problems);

  const design = options.design ?? DEFAULT_REGRESSION_DESIGN;
  const gateMetrics = options.gateMetrics ?? ['toolSelection'];
  const pp = (d: number) => `${(d * 100).toFixed(1)} pp`;
  const ms = (v?: number) => (v === undefined ? 'n/a' : `${Math.round(v)} ms`);
  const usd = (v?: number) => (v === undefined ? 'n/a' : `$${v.toFixed(5)}`);
  const num = (v?: number) => (v === undefined ? 'n/a' : `${Math.round(v)}`);
  const paired = (Object.keys(PAIRED_METRICS) as PairedMetric[]).map((metric): ComparisonRow => {
    const gated = gateMetrics.includes(metric);
    const d = splitDesign(design, gated ? gateMetrics.length : 1);
    const test = regressionLook(pairCounts(a.results, b.results, metric), d, { final: true, looks: 1 });
    const ra = rateOf(a.results, metric);
    const rb = rateOf(b.results, metric);
    const betterP = test.counts.pairs ? signTestP(test.counts.better, test.counts.worse) : 1;
    const direction = test.verdict === 'regression' ? -1 : betterP <= d.alpha ? 1 : 0;
    const delta = ra === undefined || rb === undefined ? 'n/a' : `${rb - ra > 0 ? '+' : ''}${pp(rb - ra)} [${pp(-test.drop.upper)}, ${pp(-test.drop.lower)}] p=${test.pValue.toPrecision(2)}`;
    return { metric, a: fmtPct(ra), b: fmtPct(rb), delta, direction, test, gated };
  });
  const sa = a.summary;
  const sb = b.summary;
  const rows = [
    ...paired,
    point('fact recall', sa.factRecall.rate, sb.factRecall.rate, fmtPct, pp),
    point('error rate', sa.errorRate?.rate, sb.errorRate?.rate, fmtPct, pp),
    point('latency p50', sa.latencyMs.p50, sb.latencyMs.p50, ms, (d) => `${Math.round(d)} ms`),
    point('latency p95', sa.latencyMs.p95, sb.latencyMs.p95, ms, (d) => `${Math.round(d)} ms`),
    point('tokens/query', sa.tokensPerQuery, sb.tokensPerQuery, num, (d) => `${Math.round(d)}`),
    point('cost/query', sa.costPerQueryUsd, sb.costPerQueryUsd, usd, (d) => `$${d.toFixed(5)}`),
  ];

  const byCase = (results: readonly CaseResult[]) => {
    const m = new Map<string, CaseResult[]>();
    for (const r of results) if (r.status !== 'error') m.set(r.id, [...(m.get(r.id) ?? []), r]);
    return m;
  };
  const ca = byCase(a.results);
  const cb = byCase(b.results);
  const cases: CaseRow[] = [...new Set(a.results.map((r) => r.id))].map((id) => {
    const ta = ca.get(id) ?? [];
    const tb = cb.get(id) ?? [];
    const counts = pairCounts(ta, tb, 'passed');
    return {
      id,
      tags: (ta[0] ?? tb[0])?.tags ?? [],
      a: ratio(ta.filter((r) => r.passed).length, ta.length),
      b: ratio(tb.filter((r) => r.passed).length, tb.length),
      pWorse: signTestP(counts.worse, counts.better),
      pBetter: signTestP(counts.better, counts.worse),
    };
  });
  const tags = [...new Set(a.results.flatMap((r) => r.tags))].sort();
  const byTag = tags.map((tag): TagRow => {
    const ta = a.results.filter((r) => r.tags.includes(tag));
    const tb = b.results.filter((r) => r.tags.includes(tag));
    const ok = (rs: CaseResult[]) => rs.filter((r) => r.status !== 'error');
    return {
      tag,
      a: ratio(ok(ta).filter((r) => r.passed).length, ok(ta).length),
      b: ratio(ok(tb).filter((r) => r.passed).length, ok(tb).length),
      test: regressionLook(pairCounts(ta, tb, 'passed'), design, { final: true, looks: 1 }),
    };
  });
  const gatedRows = paired.filter((r) => r.gated);
  const verdict: RegressionVerdict = gatedRows.some((r) => r.test?.verdict === 'regression') ? 'regression' : gatedRows.some((r) => r.test?.verdict === 'inconclusive') ? 'inconclusive' : 'no-regression';
  const side = (r: RunResult) => {
    const models = modelsOf(r);
    return { label: models.join(' + ') || r.labels.endpoint || r.target, runId: r.runId, models };
  };
  return {
    a: side(a),
    b: side(b),
    agent: a.labels.agent,
    dataset: a.labels.dataset,
    design,
    gateMetrics,
    rows,
    byTag,
    cases,
    fixed: cases.filter((c) => c.pBetter <= design.alpha).map((c) => c.id),
    regressed: cases.filter((c) => c.pWorse <= design.alpha).map((c) => c.id),
    verdict,
  };
}

export function formatComparison(c: Comparison): string {
  const head = ['metric', `A: ${c.a.label}`, `B: ${c.b.label}`, 'B − A [95% interval] one-sided p'];
  const body = c.rows.map((r) => [`${r.metric}${r.gated ? ' (gated)' : ''}`, r.a, r.b, `${r.delta}${r.direction > 0 ? ' ▲ better' : r.direction < 0 ? ' ▼ WORSE' : ''}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  const gated = c.rows.filter((r) => r.gated);
  return [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    `significantly better in B (${c.fixed.length}): ${c.fixed.join(', ') || '—'}`,
    `significantly worse in B (${c.regressed.length}): ${c.regressed.join(', ') || '—'}`,
    `verdict: ${c.verdict === 'regression' ? `REGRESSION in ${gated.filter((r) => r.direction < 0).map((r) => r.metric).join(', ')}` : c.verdict} (paired sign test, ${(c.design.alpha * 100).toFixed(1)}% false alarms; pairs: ${gated.map((r) => `${r.metric} ${r.test?.counts.pairs ?? 0}`).join(', ')})`,
    '',
  ].join('\n');
}

/** Side-by-side HTML: per metric with its interval, per tag, per case. Self-contained, no script. */
export function comparisonHtml(c: Comparison): string {
  const pctR = (r: Ratio) => (r.rate === undefined ? 'n/a' : `${(r.rate * 100).toFixed(1)}% (${r.correct}/${r.total})`);
  const cls = (d: number) => (d < 0 ? 'worse' : d > 0 ? 'better' : '');
  const metricRows = c.rows
    .map((r) => `<tr class="metric ${cls(r.direction)}"><td>${esc(r.metric)}${r.gated ? ' <b>(gated)</b>' : ''}</td><td>${esc(r.a)}</td><td>${esc(r.b)}</td><td>${esc(r.delta)}</td><td>${r.test ? `${r.test.counts.worse} / ${r.test.counts.better} of ${r.test.counts.pairs}` : ''}</td></tr>`)
    .join('\n');
  const tagRows = c.byTag
    .map((t) => `<tr class="tag ${t.test.verdict === 'regression' ? 'worse' : ''}"><td>${esc(t.tag)}</td><td>${pctR(t.a)}</td><td>${pctR(t.b)}</td><td>${(t.test.drop.estimate * -100).toFixed(1)} pp [${(-t.test.drop.upper * 100).toFixed(1)}, ${(-t.test.drop.lower * 100).toFixed(1)}]</td><td>${t.test.pValue.toPrecision(2)}</td></tr>`)
    .join('\n');
  const caseRows = c.cases
    .map((r) => `<tr class="case ${r.pWorse <= c.design.alpha ? 'worse' : r.pBetter <= c.design.alpha ? 'better' : ''}"><td>${esc(r.id)}</td><td>${esc(r.tags.join(', '))}</td><td>${pctR(r.a)}</td><td>${pctR(r.b)}</td><td>${r.pWorse.toPrecision(2)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation comparison ${esc(c.a.runId)} vs ${esc(c.b.runId)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}.worse{background:#fde0e0}.better{background:#e0f5e0}</style>
</head><body>
<h1>Evaluation comparison</h1>
<p>Agent <b>${esc(c.agent ?? '?')}</b> · dataset <code>${esc(c.dataset ?? '?')}</code><br>A (baseline): <b>${esc(c.a.label)}</b> · run ${esc(c.a.runId)}<br>B (candidate): <b>${esc(c.b.label)}</b> · run ${esc(c.b.runId)}</p>
<p id="verdict" class="${c.verdict === 'regression' ? 'worse' : ''}">Verdict: <b>${esc(c.verdict)}</b> — paired exact sign test per metric (trial r of a case in B against trial r of the same case in A), one-sided, ${(c.design.alpha * 100).toFixed(1)}% false alarms split over the gated metrics; intervals are 95% one-sided bounds of B − A.</p>
<h2>Metrics</h2>
<table id="metrics"><tr><th>Metric</th><th>A</th><th>B</th><th>B − A [interval] p</th><th>worse / better of pairs</th></tr>
${metricRows}
</table>
<h2>Per tag (case passes)</h2>
<table id="tags"><tr><th>Tag</th><th>A</th><th>B</th><th>B − A [interval]</th><th>p (B worse)</th></tr>
${tagRows}
</table>
<h2>Per case</h2>
<table id="cases"><tr><th>Case</th><th>Tags</th><th>A passes</th><th>B passes</th><th>p (B worse)</th></tr>
${caseRows}
</table>
</body></html>
`;
}
