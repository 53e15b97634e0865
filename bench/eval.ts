/**
 * Scoring throughput of the offline evaluation runner on a large synthetic run.
 *
 *   npm run bench:eval -- [--cases 10000]
 *
 * Builds N cases by cycling the shipped datasets, makes replies with deliberate mistakes (wrong
 * arguments in 1 of 13, wrong tool in 1 of 17, a missed refusal in 1 of 13 refusals),
 * then times: scoring every case, summarising, the JUnit and HTML reports, and a whole
 * runEvaluation over an in-process transport (runner overhead without network or model).
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadCheckedDataset } from '../eval/runner/catalog-check';
import { parseEvalResponse, type EvalResponse } from '../eval/runner/contract';
import { AGENTS, type EvalCase } from '../eval/runner/dataset';
import { toHtml } from '../eval/runner/report/html';
import { toJUnit } from '../eval/runner/report/junit';
import { runEvaluation } from '../eval/runner/run';
import { factLabel, scoreCase, summarise, type Fact } from '../eval/runner/scoring';
import { checkThresholds, SEED_THRESHOLDS } from '../eval/runner/thresholds';
import type { Transport } from '../eval/runner/transports/transport';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '10000' } } });
const N = Number(values.cases);
if (!Number.isInteger(N) || N < 1) throw new Error(`--cases: expected a positive whole number, got ${values.cases}`);

const PRICES = { inputPricePer1k: 0.003, outputPricePer1k: 0.015 };
const base = AGENTS.flatMap((a) => loadCheckedDataset(path.join(__dirname, '..', 'eval', 'datasets', `${a}.jsonl`)));
const cases: EvalCase[] = Array.from({ length: N }, (_, i) => ({ ...base[i % base.length], id: base[i % base.length].id }));

function replyFor(c: EvalCase, i: number): EvalResponse {
  const calls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
  const wrong = i % 13 === 0;
  return {
    answer: `Answer for ${c.query}: ${c.facts.map((f) => factLabel(f as Fact)).join(', ')}`,
    outcome: wrong && c.expected.outcome === 'refusal' ? 'answer' : c.expected.outcome,
    toolCalls: calls.map((call) => ({
      name: i % 17 === 0 ? `${c.agent}___getMarketData` : `${c.agent}___${call.tool}`,
      input: Object.fromEntries(Object.entries(call.parameters).map(([k, v]) => [k, wrong ? 'wrong' : typeof v === 'object' ? ('$oneOf' in v ? v.$oneOf[0] : '$contains' in v ? v.$contains.join(' ') : 'x') : v])),
    })),
    usage: { inputTokens: 1500 + (i % 700), outputTokens: 200 + (i % 300) },
  };
}

function time<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  return { value, ms };
}

async function mainBench() {
  const replies = cases.map(replyFor);
  const bodies = replies.map((r) => JSON.stringify(r));
  const parse = time(() => bodies.map((b) => parseEvalResponse(b)));
  const score = time(() => parse.value.map((r, i) => scoreCase({ case: cases[i], latencyMs: 500 + (i % 4000), response: r }, PRICES)));
  const summary = time(() => summarise(score.value));
  const run = { runId: 'bench', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), target: 'in-process', labels: { agent: 'all' }, prices: PRICES, summary: summary.value, results: score.value };
  const gates = checkThresholds(summary.value, SEED_THRESHOLDS);
  const junit = time(() => toJUnit(run, gates));
  const html = time(() => toHtml(run, gates));

  const byQuery = new Map(cases.map((c, i) => [c.query + c.context.asOf, bodies[i]]));
  const transport: Transport = {
    description: 'in-process',
    invoke: async (req) => ({ body: byQuery.get(req.prompt + req.context.asOf) as string, contentType: 'application/json', statusCode: 200 }),
  };
  const t0 = performance.now();
  await runEvaluation({ cases, transport, prices: PRICES, concurrency: 16 });
  const runnerMs = performance.now() - t0;

  const rate = (ms: number) => `${Math.round((N / ms) * 1000).toLocaleString('en-US')} cases/s`;
  const rows: [string, string, string][] = [
    ['parse + validate replies (zod)', `${parse.ms.toFixed(1)} ms`, rate(parse.ms)],
    ['score cases', `${score.ms.toFixed(1)} ms`, rate(score.ms)],
    ['summarise (ratios, percentiles, tags)', `${summary.ms.toFixed(1)} ms`, rate(summary.ms)],
    [`JUnit XML (${(junit.value.length / 1024).toFixed(0)} KiB)`, `${junit.ms.toFixed(1)} ms`, rate(junit.ms)],
    [`HTML report (${(html.value.length / 1024).toFixed(0)} KiB)`, `${html.ms.toFixed(1)} ms`, rate(html.ms)],
    ['runEvaluation, in-process transport, concurrency 16', `${runnerMs.toFixed(1)} ms`, rate(runnerMs)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  console.log(`eval scoring benchmark: ${N.toLocaleString('en-US')} synthetic cases (${base.length} distinct), node ${process.version}`);
  for (const [a, b, c] of rows) console.log(`  ${a.padEnd(w0)}  ${b.padStart(10)}  ${c.padStart(18)}`);
  console.log(`  summary: ${summary.value.passed}/${summary.value.trials} trials passed (${summary.value.cases} distinct cases), tool selection ${((summary.value.toolSelection.rate ?? 0) * 100).toFixed(1)}%, p95 ${summary.value.latencyMs.p95} ms`);
}

void mainBench();
