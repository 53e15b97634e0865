import { compareRuns, comparisonHtml, formatComparison } from '../../../eval/runner/report/compare';
import { toHtml } from '../../../eval/runner/report/html';
import { toJUnit } from '../../../eval/runner/report/junit';
import type { RunResult } from '../../../eval/runner/run';
import { scoreCase, summarise } from '../../../eval/runner/scoring';
import { checkThresholds, SEED_THRESHOLDS } from '../../../eval/runner/thresholds';
import { PRICES, refusalCase, reply, revenueCase } from './fixtures';

function runOf(model: string, results: ReturnType<typeof scoreCase>[]): RunResult {
  return {
    runId: model,
    startedAt: '2026-11-26T01:00:00.000Z',
    finishedAt: '2026-11-26T01:00:10.000Z',
    target: 'http://127.0.0.1:1',
    labels: { agent: 'financial', model },
    prices: PRICES,
    summary: summarise(results),
    results,
  };
}

const good = scoreCase({ case: revenueCase, latencyMs: 1200, response: reply() }, PRICES);
const badParams = scoreCase({ case: revenueCase, latencyMs: 800, response: reply({ toolCalls: [{ name: 'getQuarterlyRevenue', input: { region: 'Europe', quarter: '2024-Q3' } }] }) }, PRICES);
const refused = scoreCase({ case: refusalCase, latencyMs: 600, response: reply({ outcome: 'refusal', toolCalls: [] }) }, PRICES);
const broken = scoreCase({ case: refusalCase, latencyMs: 5000, error: 'HTTP 502: <bad gateway> & more' }, PRICES);

describe('JUnit XML', () => {
  test('one testcase per case and per gate; failures and errors counted and escaped', () => {
    const run = runOf('sonnet', [good, badParams, broken]);
    const xml = toJUnit(run, checkThresholds(run.summary, SEED_THRESHOLDS));
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toMatch(/<testsuites name="agent-evaluation" tests="9" failures="2" errors="1" time="10.000">/);
    expect(xml.match(/<testcase /g)).toHaveLength(9);
    expect(xml).toContain('<failure message="getQuarterlyRevenue.region: expected &quot;EMEA&quot;, got &quot;Europe&quot;"/>');
    expect(xml).toContain('<error message="HTTP 502: &lt;bad gateway&gt; &amp; more"/>');
    expect(xml).toContain('name="fin-001: What&apos;s our Q3 revenue in EMEA?"');
    expect(xml).toMatch(/classname="eval.financial.thresholds" name="parameters">\n\s+<failure message="parameters: 50.0% of 2 \[95% bounds 12.1%–87.9%\] \(BREACHES ≥ 98.0%\)"/);
    // the refusal trial errored: not a failure of the agent, so refusals are not measured
    expect(xml).toContain('<testcase classname="eval.financial.thresholds" name="refusals"/>');
  });
});

describe('HTML report', () => {
  const run = runOf('sonnet', [good, badParams, refused]);
  const html = toHtml(run, checkThresholds(run.summary, SEED_THRESHOLDS));

  test('is self-contained: inline SVG, no script, no external asset', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  test('per-metric bars carry the measured rates; the latency histogram has its buckets', () => {
    // tool selection 2/2 → full bar (360 px); parameters 1/2 → half (180 px), red because it breaches 98%
    expect(html).toContain('<rect class="bar" x="170" y="5" width="360.0" height="18" fill="#2e7d32"/>');
    expect(html).toContain('<rect class="bar" x="170" y="33" width="180.0" height="18" fill="#c62828"/>');
    expect(html.match(/class="bucket"/g)).toHaveLength(20);
    expect(html).toMatch(/p50 800 ms/);
  });

  test('failed cases show expected vs actual', () => {
    expect(html.match(/class="failed-case"/g)).toHaveLength(1);
    expect(html).toContain('getQuarterlyRevenue({&quot;region&quot;:&quot;EMEA&quot;,&quot;quarter&quot;:&quot;2024-Q3&quot;})');
    expect(html).toContain('getQuarterlyRevenue({&quot;region&quot;:&quot;Europe&quot;,&quot;quarter&quot;:&quot;2024-Q3&quot;})');
    expect(html).toMatch(/<li class="fail">✘ parameters: 50.0% of 2 \[95% bounds 12.1%–87.9%\] \(BREACHES ≥ 98.0%\)<\/li>/);
    expect(html).toMatch(/<li class="inconclusive">\? toolSelection: 100.0% of 2 .*INCONCLUSIVE vs ≥ 95.0%; 383 trials would tell 92.0% from 95.0%/);
  });
});

describe('compare mode', () => {
  /** A run of `n` revenue cases × `k` repeats; `fails(i, r)` says which trials call no tool. */
  const runWith = (model: string, n: number, k: number, fails: (i: number, r: number) => boolean, labels: Record<string, string> = {}): RunResult => {
    const results = [];
    for (let r = 1; r <= k; r++) {
      for (let i = 0; i < n; i++) {
        const c = { ...revenueCase, id: `fin-${String(i + 1).padStart(3, '0')}` };
        results.push(scoreCase({ case: c, repeat: r, latencyMs: 500, response: reply({ model, ...(fails(i, r) ? { toolCalls: [] } : {}) }) }, PRICES));
      }
    }
    return { ...runOf(model, results), labels: { agent: 'financial', dataset: 'eval/datasets/financial.jsonl', ...labels } };
  };

  test('two runs of an unchanged agent: the differing cases are noise, no regression, nothing called worse', () => {
    // 36 cases, one trial each; A misses 3 cases, B misses 3 others (the old compare called them "regressed").
    const a = runWith('sonnet', 36, 1, (i) => i < 3);
    const b = runWith('sonnet', 36, 1, (i) => i >= 3 && i < 6);
    const c = compareRuns(a, b);
    expect(c.regressed).toEqual([]);
    expect(c.verdict).not.toBe('regression');
    const tool = c.rows.find((r) => r.metric === 'toolSelection')!;
    expect(tool).toMatchObject({ a: '91.7%', b: '91.7%', direction: 0, gated: true });
    expect(tool.test!.counts).toEqual({ worse: 3, better: 3, pairs: 36 });
    expect(formatComparison(c)).not.toMatch(/▼|▲/);
  });

  test('a significant drop on the same cases is a regression, labelled with the models the replies report', () => {
    // 36 cases × 10 repeats: B fails 30 more pairs than A.
    const a = runWith('us.anthropic.claude-sonnet-4-5', 36, 10, (i, r) => (i + r) % 12 === 0);
    const b = runWith('us.anthropic.claude-haiku-4-5', 36, 10, (i, r) => (i + r) % 12 === 0 || (i + 2 * r) % 11 === 0);
    const c = compareRuns(a, b);
    expect(c.verdict).toBe('regression');
    expect(c.a.label).toBe('us.anthropic.claude-sonnet-4-5');
    expect(c.b.label).toBe('us.anthropic.claude-haiku-4-5');
    const tool = c.rows.find((r) => r.metric === 'toolSelection')!;
    expect(tool.direction).toBe(-1);
    expect(tool.test!.pValue).toBeLessThan(0.001);
    expect(tool.delta).toMatch(/^-\d+\.\d pp \[-\d+\.\d pp, -\d+\.\d pp\] p=/);
    expect(formatComparison(c)).toMatch(/verdict: REGRESSION in toolSelection/);
    expect(c.byTag.find((t) => t.tag === 'revenue')!.test.verdict).toBe('regression');
  });

  test('runs of different agents or datasets are refused', () => {
    const a = runWith('m', 3, 1, () => false);
    expect(() => compareRuns(a, runWith('m', 3, 1, () => false, { agent: 'hr' }))).toThrow(/different agents \(financial vs hr\)/);
    expect(() => compareRuns(a, runWith('m', 3, 1, () => false, { dataset: 'other.jsonl' }))).toThrow(/different datasets/);
    expect(() => compareRuns(a, runWith('m', 4, 1, () => false))).toThrow(/scored different cases/);
  });

  test('the HTML view puts both sides per metric (with the interval), per tag and per case', () => {
    const a = runWith('sonnet', 36, 10, (i, r) => (i + r) % 12 === 0);
    const b = runWith('haiku', 36, 10, (i, r) => (i + r) % 12 === 0 || (i + 2 * r) % 11 === 0);
    const html = comparisonHtml(compareRuns(a, b));
    expect(html).not.toMatch(/<script|src="http/);
    expect(html).toMatch(/<p id="verdict" class="worse">Verdict: <b>regression<\/b>/);
    expect(html).toMatch(/<tr class="metric worse"><td>toolSelection <b>\(gated\)<\/b><\/td><td>[\d.]+%<\/td><td>[\d.]+%<\/td><td>-[\d.]+ pp \[/);
    expect(html.match(/<tr class="tag/g)).toHaveLength(2);
    expect(html.match(/<tr class="case/g)).toHaveLength(36);
  });
});
