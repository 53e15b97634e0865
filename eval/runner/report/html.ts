/**
 * A self-contained HTML report: no scripts, no external assets; charts are inline SVG.
 * Sections: gates, per-metric bars, latency distribution, failed cases with expected vs actual.
 */
import type { RunResult } from '../run';
import type { Ratio } from '../scoring';
import type { GateResult } from '../thresholds';
import { escapeXml as esc } from './junit';

const pct = (r: Ratio) => (r.rate === undefined ? 'n/a' : `${(r.rate * 100).toFixed(1)}%`);

/** Horizontal bars, one per metric, 0–100%, with an optional threshold tick. */
export function barChart(rows: readonly { label: string; value?: number; threshold?: number }[]): string {
  const rowH = 28;
  const labelW = 170;
  const barW = 360;
  const h = rows.length * rowH + 10;
  const body = rows
    .map((row, i) => {
      const y = i * rowH + 5;
      const v = row.value ?? 0;
      const ok = row.threshold === undefined || row.value === undefined || v >= row.threshold;
      const tick = row.threshold !== undefined ? `<line x1="${labelW + row.threshold * barW}" x2="${labelW + row.threshold * barW}" y1="${y - 2}" y2="${y + 20}" stroke="#222" stroke-width="2"/>` : '';
      return (
        `<text x="0" y="${y + 14}" font-size="12">${esc(row.label)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${barW}" height="18" fill="#eee"/>` +
        `<rect class="bar" x="${labelW}" y="${y}" width="${(v * barW).toFixed(1)}" height="18" fill="${ok ? '#2e7d32' : '#c62828'}"/>` +
        tick +
        `<text x="${labelW + barW + 8}" y="${y + 14}" font-size="12">${row.value === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="metrics" width="${labelW + barW + 70}" height="${h}">${body}</svg>`;
}

/** Latency histogram (equal-width buckets) with p50/p95 markers. */
export function latencyHistogram(latencies: readonly number[], p50: number, p95: number, buckets = 20): string {
  const w = 600;
  const h = 180;
  const max = Math.max(1, latencies.reduce((a, b) => (b > a ? b : a), 0));
  const size = max / buckets;
  const counts = new Array<number>(buckets).fill(0);
  for (const l of latencies) counts[Math.min(buckets - 1, Math.floor(l / size))]++;
  const top = Math.max(1, ...counts);
  const bw = w / buckets;
  const bars = counts
    .map((c, i) => {
      const bh = (c / top) * (h - 30);
      return `<rect class="bucket" x="${(i * bw + 1).toFixed(1)}" y="${(h - 20 - bh).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="#1565c0"><title>${Math.round(i * size)}–${Math.round((i + 1) * size)} ms: ${c}</title></rect>`;
    })
    .join('');
  const marker = (v: number, label: string) => {
    const x = Math.min(w, (v / max) * w);
    return `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="0" y2="${h - 20}" stroke="#e65100" stroke-dasharray="4 2"/><text x="${(x + 3).toFixed(1)}" y="12" font-size="11">${label} ${Math.round(v)} ms</text>`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="latency distribution" width="${w}" height="${h}">${bars}${marker(p50, 'p50')}${marker(p95, 'p95')}<text x="0" y="${h - 4}" font-size="11">0 ms</text><text x="${w - 60}" y="${h - 4}" font-size="11">${Math.round(max)} ms</text></svg>`;
}

export function toHtml(run: RunResult, gates: readonly GateResult[]): string {
  const s = run.summary;
  const th = (m: GateResult['metric']) => gates.find((g) => g.metric === m)?.threshold;
  const bars = barChart([
    { label: 'Tool selection', value: s.toolSelection.rate, threshold: th('toolSelection') },
    { label: 'Parameters', value: s.parameters.rate, threshold: th('parameters') },
    { label: 'Refusals', value: s.refusals.rate, threshold: th('refusals') },
    { label: 'Escalations', value: s.escalations.rate },
    { label: 'Clarifications', value: s.clarifications.rate },
    { label: 'Outcome (all cases)', value: s.outcomes.rate },
    { label: 'Fact recall', value: s.factRecall.rate },
    ...Object.entries(s.judge).map(([k, v]) => ({ label: `Judge ${k}`, value: v.mean })),
  ]);
  const failed = run.results.filter((r) => !r.passed);
  const failedRows = failed
    .map(
      (r) => `<tr class="failed-case"><td>${esc(r.id)}${(r.repeat ?? 1) > 1 ? ` #${r.repeat}` : ''}</td><td>${esc(r.query)}</td>
<td>${esc(r.expectedOutcome)}<br><code>${esc(r.expectedCalls.map((c) => `${c.tool}(${JSON.stringify(c.parameters)})`).join('\n'))}</code></td>
<td>${esc(r.actualOutcome ?? '—')}<br><code>${esc(r.actualCalls.map((c) => `${c.name}(${JSON.stringify(c.input)})`).join('\n'))}</code></td>
<td>${esc(r.error ?? [...r.checks.parameterMismatches, ...((r.checks.unexpectedCalls ?? []).length ? [`unexpected calls: ${r.checks.unexpectedCalls.join(', ')}`] : []), ...(r.checks.order === false ? ['calls out of order'] : [])].join('; '))}</td></tr>`,
    )
    .join('\n');
  const gateRows = gates.map((g) => `<li class="${g.status === 'inconclusive' ? 'inconclusive' : g.passed ? 'pass' : 'fail'}">${g.status === 'inconclusive' ? '?' : g.passed ? '✔' : '✘'} ${esc(g.message)}</li>`).join('');
  const comparison = run.comparison
    ? `<h2>Canary vs ${esc(run.comparison.baselineTarget)} (same cases, paired)</h2>
<table id="comparison"><tr><th>Metric</th><th>Gated</th><th>Pairs</th><th>Worse / better</th><th>Drop [95% bounds]</th><th>p</th><th>Verdict</th></tr>
${run.comparison.metrics
  .map((m) => {
    const l = m.looks[m.looks.length - 1];
    return `<tr><td>${esc(m.metric)}</td><td>${m.gated ? 'yes' : ''}</td><td>${l?.counts.pairs ?? 0}</td><td>${l ? `${l.counts.worse} / ${l.counts.better}` : ''}</td><td>${l ? `${(l.drop.estimate * 100).toFixed(1)} pp [${(l.drop.lower * 100).toFixed(1)}, ${(l.drop.upper * 100).toFixed(1)}]` : ''}</td><td>${l ? l.pValue.toPrecision(2) : ''}</td><td>${esc(m.verdict)}</td></tr>`;
  })
  .join('\n')}
</table><p>Rounds run: ${run.comparison.rounds} of ${run.comparison.plannedRounds}.</p>`
    : '';
  const labels = Object.entries(run.labels).map(([k, v]) => `${esc(k)}: <b>${esc(v)}</b>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agent evaluation ${esc(run.runId)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}code{white-space:pre-wrap;font-size:12px}.pass{color:#2e7d32}.fail{color:#c62828;font-weight:bold}.inconclusive{color:#e65100}ul{list-style:none;padding:0}</style>
</head><body>
<h1>Agent evaluation</h1>
<p>${labels}<br>Target: <code>${esc(run.target)}</code> · run ${esc(run.runId)} · ${esc(run.startedAt)} → ${esc(run.finishedAt)}</p>
<h2>Gates</h2><ul id="gates">${gateRows}</ul>
${comparison}
<h2>Summary</h2>
<table><tr><th>Cases</th><th>Passed</th><th>Errors</th><th>p50</th><th>p95</th><th>p99</th><th>Tokens/query</th><th>Cost</th><th>Cost/query</th></tr>
<tr><td>${s.cases}</td><td>${s.passed}</td><td>${s.errors}</td><td>${Math.round(s.latencyMs.p50)} ms</td><td>${Math.round(s.latencyMs.p95)} ms</td><td>${Math.round(s.latencyMs.p99)} ms</td><td>${Math.round(s.tokensPerQuery)}</td><td>$${s.costUsd.toFixed(4)}</td><td>$${s.costPerQueryUsd.toFixed(5)}</td></tr></table>
<h2>Accuracy</h2>${bars}
<p>Tool selection ${pct(s.toolSelection)} (${s.toolSelection.correct}/${s.toolSelection.total}) · parameters ${pct(s.parameters)} (${s.parameters.correct}/${s.parameters.total}) · refusals ${pct(s.refusals)} (${s.refusals.correct}/${s.refusals.total}) · over-refusals ${pct(s.overRefusals)}</p>
<h2>Latency distribution</h2>${latencyHistogram(run.results.map((r) => r.latencyMs), s.latencyMs.p50, s.latencyMs.p95)}
<h2>Failed cases (${failed.length})</h2>
<table id="failed"><tr><th>Id</th><th>Query</th><th>Expected</th><th>Actual</th><th>Why</th></tr>
${failedRows}
</table>
</body></html>
`;
}
