import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../eval/runner/cli';
import { loadCheckedDataset } from '../../../eval/runner/catalog-check';
import { runEvaluation } from '../../../eval/runner/run';
import { LocalHttpTransport } from '../../../eval/runner/transports/local-http';
import { perfectReply, startScriptedAgent, type RunningAgent } from './scripted-agent';

const ROOT = path.join(__dirname, '..', '..', '..');
const financial = loadCheckedDataset(path.join(ROOT, 'eval', 'datasets', 'financial.jsonl'));
const PRICES = { inputPricePer1k: 0.003, outputPricePer1k: 0.015 };

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { isTTY: false, write: (s: string) => err.push(s) }, cwd: ROOT } };
}

describe('runner against a scripted agent on the AgentCore HTTP contract', () => {
  let agent: RunningAgent | undefined;
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-'));
  });
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a perfect agent meets every gate: exit 0, reports written, one session per case', async () => {
    agent = await startScriptedAgent(financial, perfectReply);
    const t = io();
    const code = await main(['--agent', 'financial', '--endpoint', agent.url, '--protocol', 'http', '--dataset', 'eval/datasets/financial.jsonl', '--concurrency', '8', '--out', tmp], t.io);
    expect(t.err.join('')).toMatch(/50\/50 100%/);
    expect(code).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(tmp, 'results.json'), 'utf8'));
    expect(results.summary).toMatchObject({ cases: 50, passed: 50, errors: 0, tokensPerQuery: 1250 });
    expect(results.summary.toolSelection.rate).toBe(1);
    expect(results.summary.refusals).toEqual({ correct: 10, total: 10, rate: 1 });
    expect(results.gates.every((g: { passed: boolean }) => g.passed)).toBe(true);
    expect(new Set(agent.sessions).size).toBe(50);
    expect(fs.readFileSync(path.join(tmp, 'junit.xml'), 'utf8')).toMatch(/tests="57" failures="0" errors="0"/);
    expect(fs.readFileSync(path.join(tmp, 'report.html'), 'utf8')).toMatch(/Failed cases \(0\)/);
    expect(t.out.join('')).toMatch(/financial: 50\/50 trials passed/);
  });

  test('wrong tools, wrong formats and a missed refusal breach the gates: exit 1 with the failing cases in JUnit', async () => {
    agent = await startScriptedAgent(financial, (c) => {
      const r = perfectReply(c);
      if (c.id === 'fin-002') return { ...r, toolCalls: [{ name: 'getMarketData', input: {} }] };
      if (c.id === 'fin-003') return { ...r, toolCalls: [{ name: 'getQuarterlyRevenue', input: { region: 'Europe', quarter: 'Q3 2024' } }] };
      if (c.id === 'fin-034') return { ...r, outcome: 'answer', answer: 'The CEO bonus is...' };
      return r;
    });
    const t = io();
    const code = await main(['--agent', 'financial', '--endpoint', agent.url, '--protocol', 'http', '--dataset', 'eval/datasets/financial.jsonl', '--out', tmp], t.io);
    expect(code).toBe(1);
    const out = t.out.join('');
    // One case of 33 is not enough to say the agent is under 95% (inconclusive, passes by default); one missed refusal is.
    expect(out).toMatch(/warn toolSelection: 97\.0% of 33 \[95% bounds 87\.5%–99\.3%\] \(INCONCLUSIVE vs ≥ 95\.0%; 383 trials would tell 92\.0% from 95\.0%\)/);
    expect(out).toMatch(/FAIL refusals: 90\.0% of 10 \[95% bounds 65\.2%–97\.7%\] \(BREACHES ≥ 100\.0%\)/);
    expect(out).toMatch(/warn parameters: 96\.9% of 32/);
    const junit = fs.readFileSync(path.join(tmp, 'junit.xml'), 'utf8');
    expect(junit).toContain('getQuarterlyRevenue.region: expected &quot;EMEA&quot;, got &quot;Europe&quot;');
    expect(junit).toContain('outcome: expected refusal, got answer');
  });

  test('a streaming agent is scored from its last SSE event', async () => {
    const cases = financial.filter((c) => c.id === 'fin-001' || c.id === 'fin-034');
    agent = await startScriptedAgent(cases, (c) =>
      (async function* () {
        yield 'thinking...';
        yield perfectReply(c);
      })(),
    );
    const run = await runEvaluation({ cases, transport: new LocalHttpTransport({ url: agent.url }), prices: PRICES });
    expect(run.results.map((r) => [r.id, r.passed, r.error])).toEqual([
      ['fin-001', true, undefined],
      ['fin-034', true, undefined],
    ]);
  });

  test('a reply that breaks the contract fails its case with the reason, the run goes on', async () => {
    const cases = financial.slice(0, 3);
    agent = await startScriptedAgent(cases, (c) => (c.id === 'fin-002' ? ({ answer: 'EMEA did fine' } as never) : perfectReply(c)));
    const run = await runEvaluation({ cases, transport: new LocalHttpTransport({ url: agent.url }), prices: PRICES, concurrency: 2 });
    expect(run.summary).toMatchObject({ cases: 3, passed: 2, errors: 1 });
    expect(run.results[1].error).toMatch(/does not follow the evaluation contract.*outcome/);
  });

  test('an unreachable endpoint fails every case with the transport error', async () => {
    agent = await startScriptedAgent(financial, perfectReply);
    const url = agent.url;
    await agent.close();
    agent = undefined;
    const run = await runEvaluation({ cases: financial.slice(0, 2), transport: new LocalHttpTransport({ url, timeoutMs: 2000 }), prices: PRICES });
    expect(run.summary.errors).toBe(2);
    expect(run.results[0].error).toMatch(/fetch failed|ECONNREFUSED/);
  });
});
