/**
 * Power of the evaluation gate, measured by running the real CLI (`main` of eval/runner/cli.ts, as
 * `npm run eval` does) many times against a scripted agent whose tool-selection accuracy is set.
 *
 *   npm run bench:eval-power -- [--seeds 200] [--agent financial] [--quick]
 *
 * --seeds: simulated gate runs of the homogeneous 92% → 92% and 92% → 87% scenarios (the acceptance
 * pair; Monte-Carlo error ±1.3 points at 200); the heterogeneous ones get half, the others an eighth.
 * --quick: the four main scenarios only. Seeds are fixed (1…n), so a run prints the same figures every
 * time. The default takes about 1.5 min of CPU (a few minutes on two shared cores).
 *
 * The agent model (what the power claim holds for; eval/README.md):
 * - Every trial is independent given the case (a fresh session each time); canary and live answer the
 *   same cases, trial r of a case on the canary is paired with trial r on live.
 * - Only tool selection varies: a failing trial calls another tool of the agent; everything else is
 *   answered perfectly, so the gate under test is the regression test on tool selection.
 * - `homogeneous`: every case succeeds with the same probability (live p, canary q). This is the least
 *   favourable model for a paired test (no shared difficulty to cancel out).
 * - `heterogeneous`: per-case live rates drawn from Beta(mean p, α+β = 4) afresh for each seed
 *   (most cases near certain, a few hard ones); the canary multiplies each case's failure rate by
 *   (1−q)/(1−p), so its mean is q (up to clipping at 0).
 * - `concentrated`: live p everywhere; the canary breaks as few cases as can carry the drop (at least 3:
 *   4 of 65 for 92% → 87%), so the mean drop is p−q.
 * The `true drop` column is the mean per-case drop of the simulated rates (clipping at 0 can make it
 * smaller than live − canary for the heterogeneous model).
 *
 * Printed rates are proportions over seeds; their Monte-Carlo standard error is √(r(1−r)/seeds).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCheckedDatasets } from '../eval/runner/catalog-check';
import { main, type TransportSpec } from '../eval/runner/cli';
import type { EvalRequest, EvalResponse } from '../eval/runner/contract';
import { datasetFiles, type EvalCase } from '../eval/runner/dataset';
import type { GateResult } from '../eval/runner/thresholds';
import { agentSpecs } from '../catalog/agents';
import { DEFAULT_REGRESSION_DESIGN, hashString, pairsNeeded, seededRandom, trialsNeededBelow } from '../eval/runner/stats';
import type { Transport } from '../eval/runner/transports/transport';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    agent: { type: 'string', default: 'financial' },
    quick: { type: 'boolean', default: false },
  },
});
const SEEDS = Number(values.seeds);
if (!Number.isInteger(SEEDS) || SEEDS < 10) throw new Error(`--seeds: expected a whole number ≥ 10, got ${values.seeds}`);
const AGENT = values.agent as 'financial' | 'hr' | 'it';
const ROOT = path.join(__dirname, '..');
// The default dataset of the agent (core + extension), exactly what `npm run eval -- --agent` runs.
const CASES = loadCheckedDatasets(datasetFiles(AGENT).map((f) => path.join(ROOT, f)));
const TOOLS = Object.values(agentSpecs[AGENT].tools).flat();

type Model = 'homogeneous' | 'heterogeneous' | 'concentrated';

/** Per-case success probabilities of live and canary for one seed. */
function caseRates(model: Model, p: number, q: number, seed: number): { live: Map<string, number>; canary: Map<string, number> } {
  const rnd = seededRandom(hashString(`rates-${seed}`));
  const toolCases = CASES.filter((c) => 'calls' in c.expected && (c.expected.calls?.length ?? 0) > 0);
  const live = new Map<string, number>();
  const canary = new Map<string, number>();
  if (model === 'homogeneous') {
    for (const c of toolCases) {
      live.set(c.id, p);
      canary.set(c.id, q);
    }
  } else if (model === 'heterogeneous') {
    for (const c of toolCases) {
      const pi = beta(rnd, p * 4, (1 - p) * 4);
      live.set(c.id, pi);
      canary.set(c.id, Math.max(0, 1 - (1 - pi) * ((1 - q) / (1 - p))));
    }
  } else {
    // As few cases as can carry the whole drop (at least 3), each losing the same share.
    const m = Math.max(3, Math.ceil(((p - q) * toolCases.length) / p));
    const broken = new Set(shuffle(toolCases.map((c) => c.id), rnd).slice(0, m));
    for (const c of toolCases) {
      live.set(c.id, p);
      canary.set(c.id, broken.has(c.id) ? p - ((p - q) * toolCases.length) / m : p);
    }
  }
  return { live, canary };
}

/** Beta(a, b) by two gamma draws (Marsaglia–Tsang), enough for a simulation. */
function beta(rnd: () => number, a: number, b: number): number {
  const x = gamma(rnd, a);
  return x / (x + gamma(rnd, b));
}
function gamma(rnd: () => number, k: number): number {
  if (k < 1) return gamma(rnd, k + 1) * rnd() ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = rnd() || 1e-12;
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rnd();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** The reply of a scripted agent: perfect, or (tool cases) another tool of the agent instead of the expected one. */
function scriptedReply(c: EvalCase, succeed: boolean): EvalResponse {
  const calls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
  const wrongTool = (tool: string) => TOOLS.find((t) => t !== tool && !calls.some((e) => e.tool === t)) ?? TOOLS.find((t) => t !== tool)!;
  return {
    answer: `Here you go: ${c.facts.map((f) => (typeof f === 'string' ? f : String(f.value))).join(', ')}`,
    outcome: c.expected.outcome,
    toolCalls: calls.map((call) => ({
      name: `${c.agent}___${succeed ? call.tool : wrongTool(call.tool)}`,
      input: Object.fromEntries(Object.entries(call.parameters).map(([k, v]) => [k, typeof v !== 'object' ? v : '$oneOf' in v ? v.$oneOf[0] : '$contains' in v ? v.$contains.join(' ') : 'present'])),
      status: 'success' as const,
    })),
    usage: { inputTokens: 1000, outputTokens: 200 },
    model: 'scripted',
  };
}

/** An in-process endpoint: the qualifier picks live or canary rates; a trial's fate hangs on (seed, arm, case, repeat) only. */
function scriptedTransport(spec: TransportSpec, rates: { live: Map<string, number>; canary: Map<string, number> }, seed: number): Transport {
  const arm = spec.qualifier === 'live' ? 'live' : 'canary';
  const byId = new Map(CASES.map((c) => [c.id, c]));
  return {
    description: `scripted ${arm}`,
    invoke: async (request: EvalRequest) => {
      const c = byId.get(request.evaluation.caseId)!;
      const repeat = request.evaluation.repeat ?? 1;
      const p = rates[arm].get(c.id);
      const succeed = p === undefined || seededRandom(hashString(`${seed}/${arm}/${c.id}/${repeat}`))() < p;
      return { body: JSON.stringify(scriptedReply(c, succeed)), contentType: 'application/json', statusCode: 200 };
    },
  };
}

const sink = { write: () => true };

async function gateRun(args: string[], transportFor: (spec: TransportSpec) => Transport): Promise<{ code: number; gates: GateResult[]; rounds: number; trials: number }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-power-'));
  try {
    const code = await main([...args, '--out', out], { stdout: sink, stderr: sink, cwd: ROOT, transportFor, env: {} });
    const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    return { code, gates: result.gates, rounds: result.comparison?.rounds ?? result.repeat, trials: result.results.length + (result.baseline?.results.length ?? 0) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

interface Tally {
  trueDrop: number;
  regression: number;
  inconclusive: number;
  exitNonZero: number;
  rounds: number;
  trials: number;
  n: number;
}

async function regressionScenario(model: Model, p: number, q: number, seeds: number, extra: string[] = []): Promise<Tally> {
  const t: Tally = { trueDrop: 0, regression: 0, inconclusive: 0, exitNonZero: 0, rounds: 0, trials: 0, n: seeds };
  for (let seed = 1; seed <= seeds; seed++) {
    const rates = caseRates(model, p, q, seed);
    for (const [id, live] of rates.live) t.trueDrop += (live - rates.canary.get(id)!) / rates.live.size / seeds;
    // The absolute thresholds are a separate gate (below); here only the regression test decides the exit code.
    const r = await gateRun(
      ['--agent', AGENT, '--endpoint', 'http://127.0.0.1:1', '--qualifier', 'canary', '--baseline', 'live', '--concurrency', '64', '--attempts', '1', '--threshold', 'toolSelection=0', ...extra],
      (spec) => scriptedTransport(spec, rates, seed),
    );
    const g = r.gates.find((x) => x.metric === 'regression.toolSelection')!;
    if (g.status === 'fail') t.regression++;
    if (g.status === 'inconclusive') t.inconclusive++;
    if (r.code !== 0) t.exitNonZero++;
    t.rounds += r.rounds;
    t.trials += r.trials;
  }
  return t;
}

async function thresholdScenario(p: number, repeat: number, seeds: number): Promise<{ fail: number; inconclusive: number; pointFail: number; n: number }> {
  const t = { fail: 0, inconclusive: 0, pointFail: 0, n: seeds };
  for (let seed = 1; seed <= seeds; seed++) {
    const rates = caseRates('homogeneous', p, p, seed);
    const r = await gateRun(['--agent', AGENT, '--endpoint', 'http://127.0.0.1:1', '--qualifier', 'canary', '--repeat', String(repeat), '--concurrency', '64', '--attempts', '1'], (spec) => scriptedTransport(spec, rates, seed));
    const g = r.gates.find((x) => x.metric === 'toolSelection')!;
    if (g.status === 'fail') t.fail++;
    if (g.status === 'inconclusive') t.inconclusive++;
    // What the shipped point-estimate gate would have said on the same trials.
    if ((g.actual ?? 1) < g.threshold) t.pointFail++;
  }
  return t;
}

const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;
const mcse = (x: number, n: number) => `±${(100 * Math.sqrt(((x / n) * (1 - x / n)) / n)).toFixed(1)}`;

async function run() {
  const t0 = Date.now();
  const d = DEFAULT_REGRESSION_DESIGN;
  const toolCases = CASES.filter((c) => 'calls' in c.expected && (c.expected.calls?.length ?? 0) > 0).length;
  console.log(`evaluation gate power: ${AGENT} dataset, ${CASES.length} cases (${toolCases} with tool calls), ${SEEDS} seeds for the homogeneous pair (seeds column below), node ${process.version}`);
  console.log(`default staging gate: canary vs live on the same cases, paired exact sign test on tool selection, sequential (looks at ~1/3, 2/3, all of the rounds; interim level ${d.interimAlpha}, futility at ${d.futilityConfidence * 100}%),`);
  console.log(`  repeats planned for ${(d.base * 100).toFixed(0)}% → ${((d.base - d.drop) * 100).toFixed(0)}% at ${(d.power * 100).toFixed(0)}% power, ${(d.alpha * 100).toFixed(0)}% false alarms: ${pairsNeeded(d.base, d.drop, d.alpha, d.power)} pairs → --repeat auto = ${Math.ceil(pairsNeeded(d.base, d.drop, d.alpha, d.power) / toolCases)}`);
  console.log('');
  // The acceptance pair (least favourable model) gets every seed; the rest fewer, to keep the run short.
  const half = Math.max(10, Math.round(SEEDS / 2));
  const scenarios: [Model, number, number, number][] = [
    ['homogeneous', 0.92, 0.92, SEEDS],
    ['homogeneous', 0.92, 0.87, SEEDS],
    ['heterogeneous', 0.92, 0.92, half],
    ['heterogeneous', 0.92, 0.87, half],
  ];
  if (!values.quick) {
    const few = Math.max(10, Math.round(SEEDS / 8));
    scenarios.push(['concentrated', 0.92, 0.87, few], ['homogeneous', 0.92, 0.9, few], ['homogeneous', 0.92, 0.82, few], ['homogeneous', 0.97, 0.92, few]);
  }
  const head = `  ${'agent model'.padEnd(14)} ${'live → canary'.padEnd(14)} ${'true drop'.padStart(9)} ${'seeds'.padStart(5)}  ${'flagged (± MC s.e.)'.padEnd(20)} ${'inconclusive'.padEnd(12)} ${'mean rounds'.padStart(11)} ${'mean trials'.padStart(11)}  meaning`;
  console.log(head);
  for (const [model, p, q, n] of scenarios) {
    const t = await regressionScenario(model, p, q, n);
    const meaning = p === q ? 'false-alarm rate (want ≤ 5%)' : `power for a ${((p - q) * 100).toFixed(0)}-point drop${p === 0.92 && q === 0.87 ? ' (want ≥ 80%)' : ''}`;
    console.log(
      `  ${model.padEnd(14)} ${`${(p * 100).toFixed(0)}% → ${(q * 100).toFixed(0)}%`.padEnd(14)} ${`${(Math.round(t.trueDrop * 1000) / 10 + 0).toFixed(1)} pp`.padStart(9)} ${String(n).padStart(5)}  ${`${pct(t.regression, n)} ${mcse(t.regression, n)}`.padEnd(20)} ${pct(t.inconclusive, n).padEnd(12)} ${(t.rounds / n).toFixed(1).padStart(11)} ${Math.round(t.trials / n).toString().padStart(11)}  ${meaning}`,
    );
  }
  console.log('');
  console.log('threshold gate alone (no baseline), tool selection ≥ 95%, homogeneous agent, 95% Wilson bounds:');
  const few = values.quick ? 20 : Math.max(20, Math.round(SEEDS / 8));
  for (const [p, repeat] of [
    [0.97, 1],
    [0.97, 5],
    [0.88, 1],
    [0.88, 5],
  ] as const) {
    const t = await thresholdScenario(p, repeat, few);
    console.log(
      `  agent at ${(p * 100).toFixed(0)}%, --repeat ${repeat}: fails ${pct(t.fail, t.n)} ${mcse(t.fail, t.n)}, inconclusive ${pct(t.inconclusive, t.n)}; a point estimate would fail ${pct(t.pointFail, t.n)} (${t.n} seeds)`,
    );
  }
  console.log('');
  console.log('trials a user needs (one-sided 5% level, 80% power, least favourable model):');
  for (const [base, drop] of [
    [0.92, 0.05],
    [0.92, 0.03],
    [0.95, 0.05],
    [0.85, 0.1],
  ] as const) {
    console.log(`  paired canary vs live, ${(base * 100).toFixed(0)}% → ${((base - drop) * 100).toFixed(0)}%: ${pairsNeeded(base, drop, 0.05, 0.8)} pairs (90% power: ${pairsNeeded(base, drop, 0.05, 0.9)})`);
  }
  console.log(`  one arm, tell ${((0.95 - 0.03) * 100).toFixed(0)}% from a 95% threshold: ${trialsNeededBelow(0.95, 0.03, 0.05, 0.8)} trials`);
  console.log(`elapsed ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

void run();
