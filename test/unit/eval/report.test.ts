import { compareRuns, formatComparison } from '../../../eval/runner/report/compare';
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
    expect(xml).toMatch(/<testsuites name="agent-evaluation" tests="9" failures="3" errors="1" time="10.000">/);
    expect(xml.match(/<testcase /g)).toHaveLength(9);
    expect(xml).toContain('<failure message="getQuarterlyRevenue.region: expected &quot;EMEA&quot;, got &quot;Europe&quot;"/>');
    expect(xml).toContain('<error message="HTTP 502: &lt;bad gateway&gt; &amp; more"/>');
    expect(xml).toContain('name="fin-001: What&apos;s our Q3 revenue in EMEA?"');
    expect(xml).toMatch(/classname="eval.financial.thresholds" name="parameters">\n\s+<failure message="parameters: 50.0% \(BREACHES ≥ 98.0%\)"/);
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
    expect(html).toMatch(/<li class="fail">✘ parameters: 50.0% \(BREACHES ≥ 98.0%\)<\/li>/);
  });
});

describe('compare mode', () => {
  test('puts accuracy, latency and cost side by side and lists changed verdicts', () => {
    const a = runOf('sonnet', [good, { ...badParams, id: 'fin-002' }, refused]);
    const fastButWrong = scoreCase({ case: revenueCase, latencyMs: 400, response: reply({ toolCalls: [] }) }, { inputPricePer1k: 0.001, outputPricePer1k: 0.005 });
    const fixed = { ...scoreCase({ case: revenueCase, latencyMs: 300, response: reply() }, PRICES), id: 'fin-002' };
    const b = runOf('haiku', [fastButWrong, fixed, refused]);
    const c = compareRuns(a, b);
    expect(c.fixed).toEqual(['fin-002']);
    expect(c.regressed).toEqual(['fin-001']);
    const tool = c.rows.find((r) => r.metric === 'tool selection')!;
    expect(tool).toMatchObject({ a: '100.0%', b: '50.0%', delta: '-50.0 pp', direction: -1 });
    expect(c.rows.find((r) => r.metric === 'latency p50')).toMatchObject({ a: '800 ms', b: '400 ms', direction: 1 });
    const text = formatComparison(c);
    expect(text).toMatch(/A: sonnet\s+B: haiku/);
    expect(text).toMatch(/tool selection\s+100.0%\s+50.0%\s+-50.0 pp ▼ worse/);
  });
});
