/**
 * `npm run eval -- --agent financial --endpoint <url|runtime ARN> [options]`
 *
 * Exit codes: 0 all gates met · 1 a threshold breached · 2 bad flags, dataset or result file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { KitError } from '../../lib/errors';
import { loadEnvironment } from '../../lib/config';
import { loadCheckedDataset } from './catalog-check';
import { AGENTS, DatasetError, type AgentName } from './dataset';
import { AgentCoreEvaluateJudge } from './judge';
import { ProgressBar, type ProgressStream } from './progress';
import { compareRuns, formatComparison } from './report/compare';
import { toHtml } from './report/html';
import { toJUnit } from './report/junit';
import { runEvaluation, type RunResult } from './run';
import { checkThresholds, parseThresholdOverrides, UsageError, type Thresholds } from './thresholds';
import { AgentCoreTransport, RUNTIME_ARN_PATTERN } from './transports/agentcore';
import { LocalHttpTransport } from './transports/local-http';
import type { Transport } from './transports/transport';

export const USAGE = `Usage:
  npm run eval -- --agent <financial|hr|it> --endpoint <url|runtime ARN> [options]
  npm run eval -- --validate [--dataset <file>]...
  npm run eval -- --compare <a.json> <b.json>

Options:
  --agent <name>         agent under test: ${AGENTS.join(', ')}
  --endpoint <target>    an AgentCore runtime ARN (InvokeAgentRuntime, AWS credentials), or a URL:
                         http://127.0.0.1:8080 (local agent) or
                         https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<URL-encoded ARN> (JWT auth)
  --qualifier <name>     runtime endpoint to invoke, e.g. live or canary [DEFAULT]
  --dataset <file>       JSONL dataset [eval/datasets/<agent>.jsonl]
  --env <name>           environment whose thresholds and model prices apply [dev]
  --model <which>        primary | candidate: which model's prices to cost with [primary]
  --concurrency <n>      cases in flight, 1–64 [4]
  --tag <tag>            only cases carrying this tag (repeatable)
  --threshold k=v        override a gate, e.g. --threshold latencyP95Ms=8000 (repeatable)
  --token-env <VAR>      environment variable holding a bearer token (JWT) sent to a URL endpoint
  --judge <ids>          comma-separated evaluator ids for LLM-as-judge, e.g. Builtin.Helpfulness
  --out <dir>            where results.json, junit.xml and report.html go [.eval-results/<run id>]
  --help                 this text
`;

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: ProgressStream;
  readonly cwd: string;
  /** Build the transport (tests inject a local one). */
  readonly transportFor?: (endpoint: string, qualifier: string | undefined, token: string | undefined) => Transport;
  /** Environment for --token-env. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface ParsedFlags {
  agent?: string;
  endpoint?: string;
  qualifier?: string;
  dataset?: string[];
  env?: string;
  model?: string;
  concurrency?: string;
  tag?: string[];
  threshold?: string[];
  judge?: string;
  'token-env'?: string;
  out?: string;
  validate?: boolean;
  compare?: boolean;
  help?: boolean;
}

function parseFlags(argv: readonly string[]): { flags: ParsedFlags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        agent: { type: 'string' },
        endpoint: { type: 'string' },
        qualifier: { type: 'string' },
        dataset: { type: 'string', multiple: true },
        env: { type: 'string' },
        model: { type: 'string' },
        concurrency: { type: 'string' },
        tag: { type: 'string', multiple: true },
        threshold: { type: 'string', multiple: true },
        judge: { type: 'string' },
        'token-env': { type: 'string' },
        out: { type: 'string' },
        validate: { type: 'boolean' },
        compare: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
    return { flags: values as ParsedFlags, positionals };
  } catch (e) {
    throw new UsageError([(e as Error).message.replace(/^TypeError[^:]*: /, '')]);
  }
}

function defaultTransport(endpoint: string, qualifier: string | undefined, token: string | undefined): Transport {
  if (/^https?:\/\//.test(endpoint)) {
    return new LocalHttpTransport({ url: endpoint, qualifier, ...(token ? { bearerToken: () => token } : {}) });
  }
  if (token) throw new UsageError(['--token-env: only applies to a URL endpoint (local, or https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<URL-encoded ARN> for JWT inbound auth); with a runtime ARN, InvokeAgentRuntime signs with your AWS credentials']);
  return new AgentCoreTransport({ runtimeArn: endpoint, qualifier });
}

function readRun(file: string): RunResult {
  let parsed: RunResult;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as RunResult;
  } catch (e) {
    throw new UsageError([`${file}: not a readable result file (${(e as Error).message})`]);
  }
  if (!parsed || typeof parsed !== 'object' || !parsed.summary || !Array.isArray(parsed.results)) {
    throw new UsageError([`${file}: not a result file of npm run eval (missing summary/results)`]);
  }
  return parsed;
}

/** Runs the CLI; returns the exit code (never throws for bad input). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${e.problems.map((p) => `error: ${p}`).join('\n')}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof DatasetError || e instanceof KitError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags(argv);
  if (flags.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (flags.compare) {
    if (positionals.length !== 2) throw new UsageError([`--compare: expected two result files, got ${positionals.length}`]);
    const [a, b] = positionals.map((p) => readRun(path.resolve(io.cwd, p)));
    io.stdout.write(formatComparison(compareRuns(a, b)));
    return 0;
  }
  if (positionals.length) throw new UsageError([`unexpected argument ${JSON.stringify(positionals[0])}`]);
  if (flags.validate) {
    const files = flags.dataset?.length ? flags.dataset : AGENTS.map((a) => `eval/datasets/${a}.jsonl`);
    let total = 0;
    for (const f of files) {
      const cases = loadCheckedDataset(path.resolve(io.cwd, f));
      total += cases.length;
      io.stdout.write(`${f}: ${cases.length} cases OK\n`);
    }
    io.stdout.write(`${total} cases valid\n`);
    return 0;
  }

  const problems: string[] = [];
  if (!flags.agent) problems.push(`--agent: required; expected one of ${AGENTS.join(', ')}`);
  else if (!AGENTS.includes(flags.agent as AgentName)) problems.push(`--agent: expected one of ${AGENTS.join(', ')}, got ${JSON.stringify(flags.agent)}`);
  if (!flags.endpoint) problems.push('--endpoint: required; expected http(s)://host:port or an AgentCore runtime ARN');
  else if (!/^https?:\/\//.test(flags.endpoint) && !RUNTIME_ARN_PATTERN.test(flags.endpoint)) {
    problems.push(`--endpoint: expected http(s)://host:port or an AgentCore runtime ARN (arn:aws:bedrock-agentcore:<region>:<account>:runtime/<name>-<id>), got ${JSON.stringify(flags.endpoint)}`);
  }
  if (flags.qualifier !== undefined && !/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/.test(flags.qualifier)) {
    problems.push(`--qualifier: expected an endpoint name (letters, digits, underscore; starts with a letter), got ${JSON.stringify(flags.qualifier)}`);
  }
  const concurrency = flags.concurrency === undefined ? 4 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) problems.push(`--concurrency: expected a whole number from 1 to 64, got ${JSON.stringify(flags.concurrency)}`);
  const model = flags.model ?? 'primary';
  if (model !== 'primary' && model !== 'candidate') problems.push(`--model: expected primary or candidate, got ${JSON.stringify(model)}`);
  if ((flags.dataset?.length ?? 0) > 1) problems.push('--dataset: give one dataset per run');
  let overrides: Partial<Thresholds> = {};
  try {
    overrides = parseThresholdOverrides(flags.threshold ?? []);
  } catch (e) {
    problems.push(...(e as UsageError).problems);
  }
  const judgeIds = flags.judge?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  for (const id of judgeIds) if (!/^(Builtin\.[A-Za-z]+|[A-Za-z][A-Za-z0-9_-]{0,99})$/.test(id)) problems.push(`--judge: expected evaluator ids such as Builtin.Helpfulness, got ${JSON.stringify(id)}`);
  let token: string | undefined;
  if (flags['token-env'] !== undefined) {
    token = (io.env ?? process.env)[flags['token-env']];
    if (!/^[A-Z_][A-Z0-9_]*$/.test(flags['token-env'])) problems.push(`--token-env: expected an environment variable name such as EVAL_TOKEN, got ${JSON.stringify(flags['token-env'])}`);
    else if (!token) problems.push(`--token-env: environment variable ${flags['token-env']} is not set or empty`);
  }
  if (problems.length) throw new UsageError(problems);

  const env = loadEnvironment(flags.env ?? 'dev');
  const prices = model === 'candidate' ? env.models.candidate : env.models.primary;
  if (!prices) throw new UsageError([`--model candidate: environment ${env.name} defines no candidate model`]);
  const thresholds: Thresholds = { ...env.evaluation.thresholds, ...overrides };

  const agent = flags.agent as AgentName;
  const datasetFile = path.resolve(io.cwd, flags.dataset?.[0] ?? `eval/datasets/${agent}.jsonl`);
  let cases = loadCheckedDataset(datasetFile);
  const foreign = cases.filter((c) => c.agent !== agent);
  if (foreign.length) throw new UsageError([`--dataset: ${foreign.length} case(s) belong to another agent (e.g. ${foreign[0].id} is ${foreign[0].agent}), expected ${agent}`]);
  if (flags.tag?.length) cases = cases.filter((c) => flags.tag!.some((t) => c.tags.includes(t)));
  if (!cases.length) throw new UsageError([`--tag: no case in ${path.relative(io.cwd, datasetFile)} carries ${flags.tag?.join(' or ')}`]);

  const transport = (io.transportFor ?? defaultTransport)(flags.endpoint!, flags.qualifier, token);
  const judge = judgeIds.length ? new AgentCoreEvaluateJudge(new BedrockAgentCoreClient({ region: env.region }), judgeIds) : undefined;
  const result = await runEvaluation({
    cases,
    transport,
    concurrency,
    prices,
    judge,
    progress: new ProgressBar(io.stderr),
    labels: { agent, dataset: path.relative(io.cwd, datasetFile), env: env.name, model: prices.modelId, endpoint: flags.qualifier ?? transport.description },
  });
  const gates = checkThresholds(result.summary, thresholds);
  const outDir = path.resolve(io.cwd, flags.out ?? path.join('.eval-results', result.runId));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify({ ...result, gates }, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'junit.xml'), toJUnit(result, gates));
  fs.writeFileSync(path.join(outDir, 'report.html'), toHtml(result, gates));

  const s = result.summary;
  io.stdout.write(
    [
      `${agent}: ${s.passed}/${s.cases} cases passed (${s.errors} errors) against ${result.target}`,
      ...gates.map((g) => `  ${g.passed ? 'ok  ' : 'FAIL'} ${g.message}`),
      `  cost $${s.costUsd.toFixed(4)} ($${s.costPerQueryUsd.toFixed(5)}/query, ${prices.modelId})`,
      `results: ${path.relative(io.cwd, outDir)}/{results.json,junit.xml,report.html}`,
      '',
    ].join('\n'),
  );
  return gates.every((g) => g.passed) ? 0 : 1;
}
