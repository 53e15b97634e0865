/**
 * Compare mode: two result files side by side (e.g. model A vs model B: accuracy vs latency vs cost)
 * and the cases whose verdict changed.
 */
import type { RunResult } from '../run';
import type { Ratio } from '../scoring';

export interface ComparisonRow {
  readonly metric: string;
  readonly a: string;
  readonly b: string;
  readonly delta: string;
  /** +1 when B is better, -1 when worse, 0 when equal or not comparable. */
  readonly direction: -1 | 0 | 1;
}

export interface Comparison {
  readonly a: { readonly label: string; readonly runId: string };
  readonly b: { readonly label: string; readonly runId: string };
  readonly rows: readonly ComparisonRow[];
  readonly fixed: readonly string[];
  readonly regressed: readonly string[];
}

const rate = (r: Ratio) => r.rate;
const fmtPct = (v?: number) => (v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);

function row(metric: string, a: number | undefined, b: number | undefined, fmt: (v?: number) => string, higherIsBetter: boolean, fmtDelta: (d: number) => string): ComparisonRow {
  if (a === undefined || b === undefined) return { metric, a: fmt(a), b: fmt(b), delta: 'n/a', direction: 0 };
  const d = b - a;
  const direction = d === 0 ? 0 : (d > 0) === higherIsBetter ? 1 : -1;
  return { metric, a: fmt(a), b: fmt(b), delta: `${d > 0 ? '+' : ''}${fmtDelta(d)}`, direction };
}

export function compareRuns(a: RunResult, b: RunResult): Comparison {
  const sa = a.summary;
  const sb = b.summary;
  const pp = (d: number) => `${(d * 100).toFixed(1)} pp`;
  const ms = (v?: number) => (v === undefined ? 'n/a' : `${Math.round(v)} ms`);
  const usd = (v?: number) => (v === undefined ? 'n/a' : `$${v.toFixed(5)}`);
  const num = (v?: number) => (v === undefined ? 'n/a' : `${Math.round(v)}`);
  const rows = [
    row('tool selection', rate(sa.toolSelection), rate(sb.toolSelection), fmtPct, true, pp),
    row('parameters', rate(sa.parameters), rate(sb.parameters), fmtPct, true, pp),
    row('refusals', rate(sa.refusals), rate(sb.refusals), fmtPct, true, pp),
    row('outcomes', rate(sa.outcomes), rate(sb.outcomes), fmtPct, true, pp),
    row('fact recall', rate(sa.factRecall), rate(sb.factRecall), fmtPct, true, pp),
    row('latency p50', sa.latencyMs.p50, sb.latencyMs.p50, ms, false, (d) => `${Math.round(d)} ms`),
    row('latency p95', sa.latencyMs.p95, sb.latencyMs.p95, ms, false, (d) => `${Math.round(d)} ms`),
    row('tokens/query', sa.tokensPerQuery, sb.tokensPerQuery, num, false, (d) => `${Math.round(d)}`),
    row('cost/query', sa.costPerQueryUsd, sb.costPerQueryUsd, usd, false, (d) => `$${d.toFixed(5)}`),
  ];
  const verdictA = new Map(a.results.map((r) => [r.id, r.passed]));
  const fixed: string[] = [];
  const regressed: string[] = [];
  for (const r of b.results) {
    const before = verdictA.get(r.id);
    if (before === false && r.passed) fixed.push(r.id);
    if (before === true && !r.passed) regressed.push(r.id);
  }
  const label = (r: RunResult) => r.labels.model ?? r.labels.endpoint ?? r.target;
  return { a: { label: label(a), runId: a.runId }, b: { label: label(b), runId: b.runId }, rows, fixed, regressed };
}

export function formatComparison(c: Comparison): string {
  const head = ['metric', `A: ${c.a.label}`, `B: ${c.b.label}`, 'B − A'];
  const body = c.rows.map((r) => [r.metric, r.a, r.b, `${r.delta}${r.direction > 0 ? ' ▲ better' : r.direction < 0 ? ' ▼ worse' : ''}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  return [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    `fixed in B (${c.fixed.length}): ${c.fixed.join(', ') || '—'}`,
    `regressed in B (${c.regressed.length}): ${c.regressed.join(', ') || '—'}`,
    '',
  ].join('\n');
}
