import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCheckedDatasets } from '../../../eval/runner/catalog-check';
import { datasetFiles } from '../../../eval/runner/dataset';
import { main, USAGE, type TransportSpec } from '../../../eval/runner/cli';
import type { Transport } from '../../../eval/runner/transports/transport';
import { perfectReply } from '../../integration/eval/scripted-agent';
import type { RunResult } from '../../../eval/runner/run';
import { scoreCase, summarise } from '../../../eval/runner/scoring';
import { PRICES, reply, revenueCase } from './fixtures';

const ROOT = path.join(__dirname, '..', '..', '..');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd: ROOT, env: { EVAL_TOKEN: 'eyJ.test.token' } });
  return { code, out: out.join(''), err: err.join('') };
}

describe('eval CLI flags', () => {
  test('--help prints usage and exits 0', async () => {
    const r = await cli('--help');
    expect(r).toMatchObject({ code: 0, out: USAGE });
  });

  test('missing and bad flags are all named at once, exit 2', async () => {
    const r = await cli('--agent', 'legal', '--concurrency', '0', '--model', 'gpt', '--threshold', 'p99=3');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: --agent: expected one of financial, hr, it, got "legal"');
    expect(r.err).toContain('error: --endpoint: required; expected http(s)://host:port or an AgentCore runtime ARN');
    expect(r.err).toContain('error: --concurrency: expected a whole number from 1 to 64, got "0"');
    expect(r.err).toContain('error: --model: expected primary or candidate, got "gpt"');
    expect(r.err).toContain('error: --threshold p99=3: unknown metric "p99"');
    expect(r.err).toContain('Usage:');
  });

  test('an endpoint that is neither a URL nor a runtime ARN is rejected', async () => {
    const r = await cli('--agent', 'it', '--endpoint', 'my-agent');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--endpoint: expected http\(s\):\/\/host:port or an AgentCore runtime ARN .*got "my-agent"/);
  });

  test('unknown options are reported by name', async () => {
    const r = await cli('--agnet', 'hr');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: Unknown option '--agnet'/);
  });

  test('a malformed --qualifier is rejected before any call', async () => {
    const r = await cli('--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--qualifier', 'canary-1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: --qualifier: expected an endpoint name (letters, digits, underscore; starts with a letter), got "canary-1"');
  });

  test('--token-env must name a set variable and is one static token: not combined with --auth', async () => {
    const unset = await cli('--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--token-env', 'MISSING_TOKEN');
    expect(unset.code).toBe(2);
    expect(unset.err).toContain('--token-env: environment variable MISSING_TOKEN is not set or empty');
    const both = await cli('--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--token-env', 'EVAL_TOKEN', '--auth', 'env');
    expect(both.code).toBe(2);
    expect(both.err).toContain('error: --token-env: one static token for every case; it cannot be combined with --auth env');
  });

  test('an unknown environment is a clear error', async () => {
    const r = await cli('--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--env', 'qa');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/env: unknown environment "qa"/);
  });

  test('a dataset of another agent is refused before any call', async () => {
    const r = await cli('--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--dataset', 'eval/datasets/it.jsonl');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--dataset: 40 case\(s\) belong to another agent \(e\.g\. it-001 is it\), expected hr/);
  });
});

describe('eval CLI --validate and --compare', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-cli-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('--validate checks every shipped dataset', async () => {
    const r = await cli('--validate');
    expect(r.code).toBe(0);
    expect(r.out).toContain('208 cases valid');
  });

  test('--validate reports bad lines with file:line and field', async () => {
    const file = path.join(tmp, 'bad.jsonl');
    const ok = fs.readFileSync(path.join(ROOT, 'eval/datasets/financial.jsonl'), 'utf8').split('\n')[0];
    const wrongParam = ok.replace('"2024-Q3"', '"Q3-2024"');
    fs.writeFileSync(file, [ok, wrongParam.replace('fin-001', 'fin-002')].join('\n'));
    const r = await cli('--validate', '--dataset', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:2: expected.calls.0.parameters.quarter: "Q3-2024" is not valid for getQuarterlyRevenue.quarter: expected a quarter in YYYY-QN format, e.g. 2024-Q3`);
  });

  const writeRun = (name: string, fails: (i: number, r: number) => boolean, labels: Record<string, string> = {}) => {
    const results = [];
    for (let r = 1; r <= 10; r++) {
      for (let i = 0; i < 36; i++) {
        const c = { ...revenueCase, id: `fin-${String(i + 1).padStart(3, '0')}` };
        results.push(scoreCase({ case: c, repeat: r, latencyMs: 1000, response: reply({ model: name, ...(fails(i, r) ? { toolCalls: [] } : {}) }) }, PRICES));
      }
    }
    const run: RunResult = { schemaVersion: 2, runId: name, startedAt: '', finishedAt: '', target: 't', labels: { agent: 'financial', dataset: 'eval/datasets/financial.jsonl', ...labels }, prices: PRICES, summary: summarise(results), results };
    fs.writeFileSync(path.join(tmp, `${name}.json`), JSON.stringify(run));
    return path.join(tmp, `${name}.json`);
  };

  test('--compare exits 0 when the candidate is not significantly worse, and writes the side-by-side HTML', async () => {
    const r = await cli('--compare', writeRun('sonnet', (i, k) => (i + k) % 12 === 0), writeRun('haiku', (i, k) => (i + 2 * k) % 12 === 1), '--out', path.join(tmp, 'cmp'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/toolSelection \(gated\)\s+91\.7%\s+91\.7%/);
    expect(r.out).toMatch(/verdict: (no-regression|inconclusive)/);
    expect(fs.readFileSync(path.join(tmp, 'cmp', 'compare.html'), 'utf8')).toContain('<table id="cases">');
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'cmp', 'compare.json'), 'utf8'))).toMatchObject({ schemaVersion: 2, verdict: expect.any(String) });
  });

  test('--compare exits 1 on a significant regression', async () => {
    const r = await cli('--compare', writeRun('sonnet', (i, k) => (i + k) % 12 === 0), writeRun('haiku', (i, k) => (i + k) % 12 === 0 || (i + 2 * k) % 11 === 0));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/A: sonnet\s+B: haiku/);
    expect(r.out).toMatch(/verdict: REGRESSION in toolSelection/);
  });

  test('--compare refuses runs of different agents (exit 2)', async () => {
    const r = await cli('--compare', writeRun('a', () => false), writeRun('b', () => false, { agent: 'hr' }));
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: --compare: the runs are of different agents (financial vs hr)');
  });

  test('--compare with a file that is not a result is a usage error', async () => {
    fs.writeFileSync(path.join(tmp, 'x.json'), '{"hello":1}');
    const r = await cli('--compare', path.join(tmp, 'x.json'), path.join(tmp, 'missing.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/x\.json: not a result file of npm run eval/);
  });
});

describe('eval CLI --baseline: the canary against live on the same cases', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-baseline-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** In-process endpoints: live is perfect; the canary calls the wrong tool on the cases `broken` picks. */
  const endpoints = (broken: (caseId: string, repeat: number) => boolean, liveBroken: (caseId: string, repeat: number) => boolean = () => false) => {
    const calls: Record<string, number> = { live: 0, canary: 0 };
    const cases = new Map(loadCheckedDatasets(datasetFiles('financial').map((f) => path.join(ROOT, f))).map((c) => [c.id, c]));
    const transportFor = (spec: TransportSpec): Transport => ({
      description: `scripted ${spec.qualifier}`,
      invoke: async (request) => {
        const arm = spec.qualifier as 'live' | 'canary';
        calls[arm]++;
        const c = cases.get(request.evaluation.caseId)!;
        const repeat = request.evaluation.repeat ?? 1;
        const r = perfectReply(c);
        const wrong = r.toolCalls.length > 0 && (arm === 'canary' ? broken : liveBroken)(c.id, repeat);
        return { body: JSON.stringify(wrong ? { ...r, toolCalls: [{ name: 'getMarketData', input: {} }] } : r), contentType: 'application/json', statusCode: 200 };
      },
    });
    return { calls, transportFor };
  };
  const run = async (transportFor: (spec: TransportSpec) => Transport, ...extra: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const argv = ['--agent', 'financial', '--endpoint', 'http://127.0.0.1:1', '--qualifier', 'canary', '--baseline', 'live', '--concurrency', '16', '--out', tmp, ...extra];
    const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd: ROOT, env: {}, transportFor });
    return { code, out: out.join(''), err: err.join(''), results: JSON.parse(fs.readFileSync(path.join(tmp, 'results.json'), 'utf8')) };
  };

  test('an unchanged canary passes and the sequential test stops before the planned rounds', async () => {
    const e = endpoints(() => false);
    const r = await run(e.transportFor);
    expect(r.err).toMatch(/regression test vs live: 10 repeat\(s\) × 65 cases measuring toolSelection = 650 pairs; 629 needed/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok {3}regression\.toolSelection vs scripted live: drop 0\.0% .*round \d+\/10 \(no drop of 5\.0% or more\)/);
    expect(r.results.comparison.rounds).toBeLessThan(10);
    expect(r.results.schemaVersion).toBe(2);
    expect(e.calls.live).toBe(e.calls.canary);
    expect(r.results.baseline.results).toHaveLength(r.results.results.length);
  });

  test('a canary that lost tool selection on the same cases fails the gate (exit 1)', async () => {
    const e = endpoints((id, repeat) => (Number(id.slice(4)) + repeat) % 5 === 0);
    const r = await run(e.transportFor);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL regression\.toolSelection vs scripted live: drop \d+\.\d% \[95% bounds .*sign test p=.*\(REGRESSED\)/);
    expect(r.results.gates.find((g: { metric: string }) => g.metric === 'regression.toolSelection').status).toBe('fail');
    const html = fs.readFileSync(path.join(tmp, 'report.html'), 'utf8');
    expect(html).toMatch(/<h2>Canary vs scripted live \(same cases, paired\)<\/h2>\n<table id="comparison">/);
    expect(html).toMatch(/<tr><td>toolSelection<\/td><td>yes<\/td><td>\d+<\/td><td>\d+ \/ 0<\/td>.*<td>regression<\/td><\/tr>/);
  });

  test('too few repeats are named as underpowered, with the repeats that would do', async () => {
    // Both sides miss a different quarter of the trials: no drop, but 130 pairs cannot rule out 5 points.
    const e = endpoints((id, k) => (Number(id.slice(4)) + k) % 4 === 1, (id, k) => (Number(id.slice(4)) + k) % 4 === 0);
    const r = await run(e.transportFor, '--repeat', '2', '--fixed-sample', '--threshold', 'toolSelection=0.5');
    expect(r.err).toContain('UNDERPOWERED: use --repeat 10 (or auto)');
    expect(r.out).toMatch(/warn regression\.toolSelection .*INCONCLUSIVE: 629 pairs would catch 92\.0% → 87\.0%/);
    expect(r.code).toBe(0);
    const strict = await run(e.transportFor, '--repeat', '2', '--fixed-sample', '--threshold', 'toolSelection=0.5', '--inconclusive', 'fail');
    expect(strict.code).toBe(1);
  });

  test('bad regression flags are named', async () => {
    const r = await cli('--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--baseline', 'live-1', '--drop', '2', '--gate-metrics', 'speed', '--repeat', 'auto', '--inconclusive', 'maybe');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: --drop: expected a number between 0 and 1 (exclusive), got "2"');
    expect(r.err).toContain('error: --gate-metrics: expected some of toolSelection, parameters, refusals, outcomes, passed, got "speed"');
    expect(r.err).toContain('error: --inconclusive: expected pass or fail, got "maybe"');
    expect(r.err).toContain('error: --baseline: expected an endpoint name such as live');
    const auto = await cli('--agent', 'hr', '--endpoint', 'http://127.0.0.1:9', '--repeat', 'auto');
    expect(auto.err).toContain('error: --repeat auto: needs --baseline');
  });
});
