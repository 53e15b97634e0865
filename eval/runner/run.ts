/**
 * Runs a dataset against one agent endpoint with bounded concurrency, timing each case on the
 * client side, and scores the replies.
 */
import { randomUUID } from 'node:crypto';
import { ContractError, parseEvalResponse, type EvalRequest, type EvalResponse } from './contract';
import type { EvalCase } from './dataset';
import type { Judge } from './judge';
import { resolvePersona } from './personas';
import { silentProgress, type ProgressSink } from './progress';
import { scoreCase, summarise, type CaseResult, type ModelPrices, type Observation, type Summary } from './scoring';
import { sessionIdFor, type Transport } from './transports/transport';

export interface RunOptions {
  readonly cases: readonly EvalCase[];
  readonly transport: Transport;
  /** Cases in flight at once. @default 4 */
  readonly concurrency?: number;
  readonly prices: ModelPrices;
  readonly judge?: Judge;
  readonly progress?: ProgressSink;
  /** Labels the run (defaults to a random id). */
  readonly runId?: string;
  /** Free-form labels recorded in the result file (agent, dataset, env, model...). */
  readonly labels?: Record<string, string>;
  readonly now?: () => number;
}

export interface RunResult {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly target: string;
  readonly labels: Record<string, string>;
  readonly prices: ModelPrices;
  readonly summary: Summary;
  readonly results: readonly CaseResult[];
}

/** Run `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await worker(items[index], index);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** The request of a case; `context.persona` is always set (see personas.ts). */
export function requestFor(c: EvalCase): EvalRequest {
  return { prompt: c.query, context: { ...c.context, persona: resolvePersona(c) }, evaluation: { caseId: c.id } };
}

export async function runEvaluation(options: RunOptions): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const runId = options.runId ?? randomUUID().slice(0, 8);
  const progress = options.progress ?? silentProgress;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new Error(`concurrency: expected a whole number from 1 to 64, got ${concurrency}`);
  }
  const startedAt = new Date(now()).toISOString();
  progress.start(options.cases.length);
  const results = await mapBounded(options.cases, concurrency, async (c) => {
    const obs = await observe(c, options.transport, runId, now, options.judge);
    const result = scoreCase(obs, options.prices);
    progress.tick(result.passed);
    return result;
  });
  progress.done();
  return {
    runId,
    startedAt,
    finishedAt: new Date(now()).toISOString(),
    target: options.transport.description,
    labels: options.labels ?? {},
    prices: options.prices,
    summary: summarise(results),
    results,
  };
}

async function observe(c: EvalCase, transport: Transport, runId: string, now: () => number, judge?: Judge): Promise<Observation> {
  const started = now();
  let response: EvalResponse;
  try {
    const reply = await transport.invoke(requestFor(c), sessionIdFor(runId, c.id));
    const latencyMs = now() - started;
    if (reply.statusCode >= 400) return { case: c, latencyMs, error: `HTTP ${reply.statusCode}: ${reply.body.slice(0, 300)}` };
    response = parseEvalResponse(reply.body, reply.contentType);
    const scores = judge ? await judge.score(c, response) : undefined;
    return { case: c, latencyMs, response, judge: scores };
  } catch (e) {
    const message = e instanceof ContractError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
    return { case: c, latencyMs: now() - started, error: message };
  }
}
