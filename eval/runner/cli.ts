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
import { loadCheckedDataset, loadCheckedDatasets } from './catalog-check';
import { AGENTS, DatasetError, datasetFiles, type AgentName } from './dataset';
import type { Model } from '@strands-agents/sdk';
import { bedrockModel } from '../../agents/shared/model';
import { KIT_JUDGE_EVALUATORS } from '../../lib/evaluation/judge-definitions';
import { AgentCoreEvaluateJudge, type Judge } from './judge';
import { Judges, LocalJudge } from './local-judge';
import { ProgressBar, type ProgressStream } from './progress';
import { compareRuns, comparisonHtml, formatComparison } from './report/compare';
import { toHtml } from './report/html';
import { toJUnit } from './report/junit';
import { PAIRED_METRICS, RESULTS_SCHEMA_VERSION, runEvaluation, type PairedMetric, type RunResult } from './run';
import { DEFAULT_REGRESSION_DESIGN, pairsNeeded, type RegressionDesign } from './stats';
import { checkThresholds, parseThresholdOverrides, repeatsFor, RUNNER_THRESHOLDS, UsageError, type InconclusivePolicy, type Thresholds } from './thresholds';
import { CLIENT_ID_PATTERN, CognitoTokenProvider, tokenUrlFromDomain, USER_POOL_ID_PATTERN, type DescribeUserPoolClientSender } from './auth/cognito';
import { EnvTokenProvider, TokenError, type TokenProvider } from './auth/token-provider';
import { personaOf, resolvePersona } from './personas';
import type { EvalRequest } from './contract';
import type { CaseResult } from './scoring';
import { A2ATransport } from './transports/a2a';
import { AgentCoreTransport, RUNTIME_ARN_PATTERN, runtimeInvocationUrl } from './transports/agentcore';
import { LocalHttpTransport } from './transports/local-http';
import type { Transport } from './transports/transport';

export const PROTOCOLS = ['http', 'a2a'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const AUTH_MODES = ['none', 'env', 'cognito'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const USAGE = `Usage:
  npm run eval -- --agent <financial|hr|it> --endpoint <url|runtime ARN> [options]
  npm run eval -- --validate [--dataset <file>]...
  npm run eval -- --compare <baseline.json> <candidate.json> [--out <dir>]

Options:
  --agent <name>         dataset (and agent) under test: ${AGENTS.join(', ')}
  --endpoint <target>    an AgentCore runtime ARN, or a URL: http://127.0.0.1:9001 (a local specialist),
                         http://127.0.0.1:8080 (the local supervisor, with --protocol http)
  --protocol <p>         a2a: JSON-RPC message/send, the specialists' contract (trace from the agentTrace part)
                         http: POST /invocations, the supervisor's contract [a2a]
  --qualifier <name>     runtime endpoint to invoke, e.g. live or canary [DEFAULT]
  --auth <mode>          bearer token per case, as the case's persona (eval/runner/personas.ts):
                         none: no token (a runtime ARN with --protocol http is signed with SigV4)
                         env: token of persona <p> from variable EVAL_TOKEN_<P> (e.g. EVAL_TOKEN_ALEX)
                         cognito: client-credentials grant of the evaluation app client [none]
                         (a runtime ARN with env/cognito is invoked over HTTPS with the token, no SigV4)
  --user-pool-id <id>    cognito: user pool of the client; its secret is read with DescribeUserPoolClient
                         [env EVAL_USER_POOL_ID]
  --client-id <id>       cognito: evaluation app client id [env EVAL_CLIENT_ID]
  --token-url <url>      cognito: https://<domain>/oauth2/token [env EVAL_TOKEN_URL]
  --cognito-domain <d>   cognito: instead of --token-url, e.g. my-prefix.auth.us-east-1.amazoncognito.com
                         [env EVAL_COGNITO_DOMAIN]
  --scope <scope>        cognito: scope to request, e.g. agentcore-tools/invoke [env EVAL_SCOPE; all of the client's]
  --dataset <file>       JSONL dataset (repeatable) [eval/datasets/<agent>.jsonl and <agent>.more.jsonl]
  --env <name>           environment whose thresholds and model prices apply [dev]
  --model <which>        primary | candidate: which model's prices to cost with [primary]
  --concurrency <n>      cases in flight, 1–64 [4]
  --tag <tag>            only cases carrying this tag (repeatable)
  --threshold k=v        override a gate, e.g. --threshold latencyP95Ms=8000, factRecall=0.9,
                         judge.Builtin.Correctness=0.7 (repeatable)
  --baseline <qualifier> also run every trial on this endpoint of the same agent (e.g. live) and fail on a
                         significant drop of the canary against it (paired sign test, sequential) [none]
  --baseline-endpoint <target>  the baseline is another URL or runtime ARN [--endpoint]
  --repeat <n|auto>      trials per case; auto: as many as the regression test needs [auto with a baseline, else 1]
  --gate-metrics <list>  metrics the regression test gates on: ${Object.keys(PAIRED_METRICS).join(', ')} [toolSelection]
  --drop <d>             smallest drop the regression test must catch, e.g. 0.05 [${DEFAULT_REGRESSION_DESIGN.drop}]
  --base-rate <p>        live success rate to plan for [${DEFAULT_REGRESSION_DESIGN.base}]
  --alpha <a>            false-alarm rate of the regression test [${DEFAULT_REGRESSION_DESIGN.alpha}]
  --power <p>            power to plan the repeats for [${DEFAULT_REGRESSION_DESIGN.power}]
  --fixed-sample         run every planned round (no early stop)
  --inconclusive <p>     pass | fail: exit code of a gate that cannot tell either way [pass]
  --attempts <n>         transport attempts per trial (backoff between), 1–10 [3]
  --token-env <VAR>      environment variable holding one bearer token (JWT) sent with every case (--auth none only)
  --judge <ids>          comma-separated LLM-as-judge evaluators: the kit's custom judges by name
                         (${KIT_JUDGE_EVALUATORS.map((j) => j.name).join(', ')}), judged here by --judge-model with the
                         instructions and rating scale online evaluation deploys; any other id (Builtin.Helpfulness,
                         a deployed evaluator's id) is scored by the AgentCore Evaluate API on the reply's spans
  --judge-model <id>     Bedrock model id or inference profile that judges the kit's judges [--env's primary model]
  --out <dir>            where results.json, junit.xml and report.html go [.eval-results/<run id>]
  --help                 this text
`;

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: ProgressStream;
  readonly cwd: string;
  /** Build the transport (tests inject a local one). */
  readonly transportFor?: (spec: TransportSpec) => Transport;
  /** Environment for --token-env, --auth env and the EVAL_* defaults. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Cognito client for DescribeUserPoolClient (tests inject one). @default - an SDK client in the pool's region */
  readonly cognitoClient?: DescribeUserPoolClientSender;
  /** The judge model of the kit's judges (tests inject a scripted one). @default - Bedrock, temperature 0 */
  readonly judgeModel?: (modelId: string) => Model;
}

/** What the flags ask the transport to be. */
export interface TransportSpec {
  readonly endpoint: string;
  readonly qualifier?: string;
  readonly protocol: Protocol;
  /** Bearer token per case (by persona), when an auth mode or --token-env gives one. */
  readonly tokens?: TokenProvider;
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
  'judge-model'?: string;
  protocol?: string;
  auth?: string;
  'user-pool-id'?: string;
  'client-id'?: string;
  'token-url'?: string;
  'cognito-domain'?: string;
  scope?: string;
  'token-env'?: string;
  out?: string;
  baseline?: string;
  'baseline-endpoint'?: string;
  repeat?: string;
  'gate-metrics'?: string;
  drop?: string;
  'base-rate'?: string;
  alpha?: string;
  power?: string;
  'fixed-sample'?: boolean;
  inconclusive?: string;
  attempts?: string;
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
        'judge-model': { type: 'string' },
        protocol: { type: 'string' },
        auth: { type: 'string' },
        'user-pool-id': { type: 'string' },
        'client-id': { type: 'string' },
        'token-url': { type: 'string' },
        'cognito-domain': { type: 'string' },
        scope: { type: 'string' },
        'token-env': { type: 'string' },
        out: { type: 'string' },
        baseline: { type: 'string' },
        'baseline-endpoint': { type: 'string' },
        repeat: { type: 'string' },
        'gate-metrics': { type: 'string' },
        drop: { type: 'string' },
        'base-rate': { type: 'string' },
        alpha: { type: 'string' },
        power: { type: 'string' },
        'fixed-sample': { type: 'boolean' },
        inconclusive: { type: 'string' },
        attempts: { type: 'string' },
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

/**
 * The transport the flags describe. A runtime ARN with a token source is invoked over HTTPS with the
 * bearer token (runtimes with JWT inbound auth refuse SigV4); without one, `--protocol http` uses
 * `InvokeAgentRuntime` signed with the AWS credentials.
 */
export function defaultTransport(spec: TransportSpec): Transport {
  const { endpoint, qualifier, protocol, tokens } = spec;
  const bearerToken = tokens ? (request: EvalRequest) => tokens.token(personaOf(request)) : undefined;
  if (/^https?:\/\//.test(endpoint)) {
    if (protocol === 'http') return new LocalHttpTransport({ url: endpoint, qualifier, bearerToken });
    const url = new URL(endpoint);
    if (qualifier) url.searchParams.set('qualifier', qualifier);
    return new A2ATransport({ url: url.href, tokens });
  }
  if (protocol === 'a2a') {
    if (!tokens) throw new UsageError(['--protocol a2a with a runtime ARN: expected --auth cognito or --auth env (A2A runtimes with JWT inbound auth take a bearer token; SigV4 InvokeAgentRuntime is used only with --protocol http and --auth none)']);
    return A2ATransport.forRuntime(endpoint, { qualifier, tokens });
  }
  if (tokens) {
    const base = runtimeInvocationUrl(endpoint).href.replace(/\/invocations$/, '');
    return new LocalHttpTransport({ url: base, qualifier, bearerToken });
  }
  return new AgentCoreTransport({ runtimeArn: endpoint, qualifier });
}

/** A flag, else its environment variable, trimmed; undefined when neither is set. */
function flagOrEnv(value: string | undefined, env: Readonly<Record<string, string | undefined>>, variable: string): string | undefined {
  const v = (value ?? env[variable])?.trim();
  return v ? v : undefined;
}

/** The token source of `--auth` (problems go to `problems`, nothing is fetched here). */
function tokenProviderFor(flags: ParsedFlags, io: CliIo, problems: string[]): TokenProvider | undefined {
  const env = io.env ?? process.env;
  const auth = (flags.auth ?? 'none') as AuthMode;
  if (!AUTH_MODES.includes(auth)) {
    problems.push(`--auth: expected one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(flags.auth)}`);
    return undefined;
  }
  const cognitoFlags = (['user-pool-id', 'client-id', 'token-url', 'cognito-domain', 'scope'] as const).filter((f) => flags[f] !== undefined);
  if (auth !== 'cognito' && cognitoFlags.length) problems.push(`--${cognitoFlags[0]}: only applies with --auth cognito (got --auth ${auth})`);
  if (auth !== 'none' && flags['token-env'] !== undefined) problems.push(`--token-env: one static token for every case; it cannot be combined with --auth ${auth}`);
  if (auth === 'env') return new EnvTokenProvider(env);
  if (auth !== 'cognito') return undefined;

  const userPoolId = flagOrEnv(flags['user-pool-id'], env, 'EVAL_USER_POOL_ID');
  const clientId = flagOrEnv(flags['client-id'], env, 'EVAL_CLIENT_ID');
  const tokenUrlFlag = flagOrEnv(flags['token-url'], env, 'EVAL_TOKEN_URL');
  const domain = flagOrEnv(flags['cognito-domain'], env, 'EVAL_COGNITO_DOMAIN');
  const scope = flagOrEnv(flags.scope, env, 'EVAL_SCOPE');
  const before = problems.length;
  if (!userPoolId) problems.push('--user-pool-id (or EVAL_USER_POOL_ID): required with --auth cognito; expected the user pool id, e.g. us-east-1_AbCdEf123');
  else if (!USER_POOL_ID_PATTERN.test(userPoolId)) problems.push(`--user-pool-id (or EVAL_USER_POOL_ID): expected a user pool id such as us-east-1_AbCdEf123, got ${JSON.stringify(userPoolId)}`);
  if (!clientId) problems.push('--client-id (or EVAL_CLIENT_ID): required with --auth cognito; expected the evaluation app client id');
  else if (!CLIENT_ID_PATTERN.test(clientId)) problems.push(`--client-id (or EVAL_CLIENT_ID): expected an app client id (letters, digits, +, _), got ${JSON.stringify(clientId)}`);
  if (scope !== undefined && !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)) problems.push(`--scope (or EVAL_SCOPE): expected one scope such as agentcore-tools/invoke, got ${JSON.stringify(scope)}`);
  let tokenUrl: string | undefined;
  if (tokenUrlFlag && domain) problems.push('--token-url and --cognito-domain (or EVAL_TOKEN_URL and EVAL_COGNITO_DOMAIN): give one of them');
  else if (!tokenUrlFlag && !domain) problems.push('--token-url (or EVAL_TOKEN_URL): required with --auth cognito; expected https://<domain>/oauth2/token (or give --cognito-domain)');
  else if (domain) {
    try {
      tokenUrl = tokenUrlFromDomain(domain);
    } catch (e) {
      problems.push(`${(e as Error).message.replace(/^--cognito-domain/, '--cognito-domain (or EVAL_COGNITO_DOMAIN)')}`);
    }
  } else {
    tokenUrl = tokenUrlFlag;
    let url: URL | undefined;
    try {
      url = new URL(tokenUrl!);
    } catch {
      // reported below
    }
    const loopback = url?.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (!url || (url.protocol !== 'https:' && !loopback) || !url.pathname.endsWith('/oauth2/token')) {
      problems.push(`--token-url (or EVAL_TOKEN_URL): expected https://<domain>/oauth2/token, got ${JSON.stringify(tokenUrl)}`);
    }
  }
  if (problems.length > before) return undefined;
  return new CognitoTokenProvider({ tokenUrl: tokenUrl!, clientId: clientId!, userPoolId: userPoolId!, scope, client: io.cognitoClient });
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
  const version = parsed.schemaVersion ?? 1;
  if (version > RESULTS_SCHEMA_VERSION) throw new UsageError([`${file}: schemaVersion ${version} is newer than this runner reads (${RESULTS_SCHEMA_VERSION}); update the kit`]);
  // Version 1 files: one trial per case, errors marked only by `error`.
  const results = parsed.results.map((r) => ({ ...r, repeat: r.repeat ?? 1, status: r.status ?? (r.error ? 'error' : r.passed ? 'pass' : 'fail') }) as CaseResult);
  return { ...parsed, results };
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
    if (e instanceof DatasetError || e instanceof KitError || e instanceof TokenError) {
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
    const comparison = compareRuns(a, b);
    io.stdout.write(formatComparison(comparison));
    if (flags.out) {
      const outDir = path.resolve(io.cwd, flags.out);
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, 'compare.html'), comparisonHtml(comparison));
      fs.writeFileSync(path.join(outDir, 'compare.json'), `${JSON.stringify({ schemaVersion: RESULTS_SCHEMA_VERSION, ...comparison }, null, 2)}\n`);
      io.stdout.write(`report: ${path.relative(io.cwd, outDir)}/{compare.html,compare.json}\n`);
    }
    return comparison.verdict === 'regression' ? 1 : 0;
  }
  if (positionals.length) throw new UsageError([`unexpected argument ${JSON.stringify(positionals[0])}`]);
  if (flags.validate) {
    const files = flags.dataset?.length ? flags.dataset : AGENTS.flatMap((a) => datasetFiles(a));
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
  let overrides: Partial<Thresholds> = {};
  try {
    overrides = parseThresholdOverrides(flags.threshold ?? []);
  } catch (e) {
    problems.push(...(e as UsageError).problems);
  }
  const judgeIds = flags.judge?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  for (const id of judgeIds) if (!/^(Builtin\.[A-Za-z]+|[A-Za-z][A-Za-z0-9_-]{0,99})$/.test(id)) problems.push(`--judge: expected evaluator ids such as Builtin.Helpfulness, got ${JSON.stringify(id)}`);
  const localJudges = KIT_JUDGE_EVALUATORS.filter((j) => judgeIds.includes(j.name));
  const serviceJudgeIds = judgeIds.filter((id) => !localJudges.some((j) => j.name === id));
  if (flags['judge-model'] !== undefined && !localJudges.length) problems.push(`--judge-model: only applies with one of the kit's judges in --judge (${KIT_JUDGE_EVALUATORS.map((j) => j.name).join(', ')})`);
  if (flags['judge-model'] !== undefined && !/^([a-z-]+\.)?[a-z0-9-]+\.[\w.:-]+$/.test(flags['judge-model'])) problems.push(`--judge-model: expected a Bedrock model id or inference profile id, e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0, got ${JSON.stringify(flags['judge-model'])}`);
  const protocol = (flags.protocol ?? 'a2a') as Protocol;
  if (!PROTOCOLS.includes(protocol)) problems.push(`--protocol: expected a2a (the specialists' A2A runtimes) or http (POST /invocations, the supervisor), got ${JSON.stringify(flags.protocol)}`);
  let tokens = tokenProviderFor(flags, io, problems);
  let token: string | undefined;
  if (flags['token-env'] !== undefined) {
    token = (io.env ?? process.env)[flags['token-env']];
    if (!/^[A-Z_][A-Z0-9_]*$/.test(flags['token-env'])) problems.push(`--token-env: expected an environment variable name such as EVAL_TOKEN, got ${JSON.stringify(flags['token-env'])}`);
    else if (!token) problems.push(`--token-env: environment variable ${flags['token-env']} is not set or empty`);
  }
  if (token) tokens = { description: `the token in ${flags['token-env']}`, token: async () => token };
  if (!problems.length && flags.endpoint && RUNTIME_ARN_PATTERN.test(flags.endpoint) && protocol === 'a2a' && !tokens) {
    problems.push('--protocol a2a with a runtime ARN: expected --auth cognito or --auth env (A2A runtimes with JWT inbound auth take a bearer token; SigV4 InvokeAgentRuntime is used only with --protocol http and --auth none)');
  }
  const fraction = (flag: 'drop' | 'base-rate' | 'alpha' | 'power', fallback: number, max = 1): number => {
    const raw = flags[flag];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || v <= 0 || v >= max) problems.push(`--${flag}: expected a number between 0 and ${max} (exclusive), got ${JSON.stringify(raw)}`);
    return v;
  };
  const design: RegressionDesign = {
    ...DEFAULT_REGRESSION_DESIGN,
    drop: fraction('drop', DEFAULT_REGRESSION_DESIGN.drop),
    base: fraction('base-rate', DEFAULT_REGRESSION_DESIGN.base, 1.0000001),
    alpha: fraction('alpha', DEFAULT_REGRESSION_DESIGN.alpha, 0.5),
    power: fraction('power', DEFAULT_REGRESSION_DESIGN.power),
  };
  if (design.base - design.drop <= 0) problems.push(`--drop: must be smaller than --base-rate (${design.base}), got ${design.drop}`);
  if (design.alpha <= design.interimAlpha * 3) problems.push(`--alpha: expected more than ${design.interimAlpha * 3} (the interim looks spend ${design.interimAlpha} each), got ${design.alpha}`);
  const gateMetrics = (flags['gate-metrics'] ?? 'toolSelection').split(',').map((m) => m.trim()).filter(Boolean) as PairedMetric[];
  for (const m of gateMetrics) if (!(m in PAIRED_METRICS)) problems.push(`--gate-metrics: expected some of ${Object.keys(PAIRED_METRICS).join(', ')}, got ${JSON.stringify(m)}`);
  if (!gateMetrics.length) problems.push(`--gate-metrics: expected at least one of ${Object.keys(PAIRED_METRICS).join(', ')}`);
  const inconclusive = (flags.inconclusive ?? 'pass') as InconclusivePolicy;
  if (inconclusive !== 'pass' && inconclusive !== 'fail') problems.push(`--inconclusive: expected pass or fail, got ${JSON.stringify(flags.inconclusive)}`);
  const attempts = flags.attempts === undefined ? 3 : Number(flags.attempts);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) problems.push(`--attempts: expected a whole number from 1 to 10, got ${JSON.stringify(flags.attempts)}`);
  const repeatFlag = flags.repeat ?? (flags.baseline !== undefined ? 'auto' : '1');
  const repeatN = repeatFlag === 'auto' ? undefined : Number(repeatFlag);
  if (repeatN !== undefined && (!Number.isInteger(repeatN) || repeatN < 1 || repeatN > 1000)) problems.push(`--repeat: expected auto or a whole number from 1 to 1000, got ${JSON.stringify(flags.repeat)}`);
  if (repeatFlag === 'auto' && flags.baseline === undefined) problems.push('--repeat auto: needs --baseline (it plans the repeats of the regression test); give a number instead');
  if (flags.baseline !== undefined && !/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/.test(flags.baseline)) problems.push(`--baseline: expected an endpoint name such as live (letters, digits, underscore; starts with a letter), got ${JSON.stringify(flags.baseline)}`);
  if (flags['baseline-endpoint'] !== undefined && flags.baseline === undefined) problems.push('--baseline-endpoint: needs --baseline <qualifier> (e.g. --baseline live)');
  const baselineEndpoint = flags['baseline-endpoint'] ?? flags.endpoint;
  if (flags['baseline-endpoint'] !== undefined && !/^https?:\/\//.test(flags['baseline-endpoint']) && !RUNTIME_ARN_PATTERN.test(flags['baseline-endpoint'])) {
    problems.push(`--baseline-endpoint: expected http(s)://host:port or an AgentCore runtime ARN, got ${JSON.stringify(flags['baseline-endpoint'])}`);
  }
  if (flags.baseline !== undefined && flags.baseline === flags.qualifier && baselineEndpoint === flags.endpoint) problems.push(`--baseline: the baseline is the endpoint under test (${flags.baseline}); expected another qualifier, e.g. --qualifier canary --baseline live`);
  if (problems.length) throw new UsageError(problems);

  const env = loadEnvironment(flags.env ?? 'dev');
  const prices = model === 'candidate' ? env.models.candidate : env.models.primary;
  if (!prices) throw new UsageError([`--model candidate: environment ${env.name} defines no candidate model`]);
  const thresholds: Thresholds = { ...RUNNER_THRESHOLDS, ...env.evaluation.thresholds, ...overrides };

  const agent = flags.agent as AgentName;
  const datasetFiles_ = (flags.dataset?.length ? flags.dataset : datasetFiles(agent)).map((f) => path.resolve(io.cwd, f));
  const datasetLabel = datasetFiles_.map((f) => path.relative(io.cwd, f)).join(' + ');
  let cases = loadCheckedDatasets(datasetFiles_);
  const foreign = cases.filter((c) => c.agent !== agent);
  if (foreign.length) throw new UsageError([`--dataset: ${foreign.length} case(s) belong to another agent (e.g. ${foreign[0].id} is ${foreign[0].agent}), expected ${agent}`]);
  if (flags.tag?.length) cases = cases.filter((c) => flags.tag!.some((t) => c.tags.includes(t)));
  if (!cases.length) throw new UsageError([`--tag: no case in ${datasetLabel} carries ${flags.tag?.join(' or ')}`]);

  // Every persona's token up front: a wrong client id or secret stops the run before any case.
  if (tokens) for (const persona of new Set(cases.map(resolvePersona))) await tokens.token(persona);
  const transport = (io.transportFor ?? defaultTransport)({ endpoint: flags.endpoint!, qualifier: flags.qualifier, protocol, tokens });
  const baseline = flags.baseline !== undefined ? (io.transportFor ?? defaultTransport)({ endpoint: baselineEndpoint!, qualifier: flags.baseline, protocol, tokens }) : undefined;
  // Repeats: enough pairs on the cases that measure the first gated metric for the design's power.
  const measuring = cases.filter((c) => (gateMetrics[0] === 'toolSelection' || gateMetrics[0] === 'parameters' ? 'calls' in c.expected && (c.expected.calls?.length ?? 0) > 0 : gateMetrics[0] === 'refusals' ? c.expected.outcome === 'refusal' : true)).length;
  const splitAlpha = design.alpha / gateMetrics.length;
  const repeat = repeatN ?? repeatsFor({ ...design, alpha: splitAlpha }, measuring);
  if (baseline) {
    const needed = pairsNeeded(design.base, design.drop, splitAlpha, design.power);
    const planned = repeat * measuring;
    io.stderr.write(
      `regression test vs ${flags.baseline}: ${repeat} repeat(s) × ${measuring} cases measuring ${gateMetrics[0]} = ${planned} pairs; ` +
        `${needed} needed to catch ${(design.base * 100).toFixed(0)}% → ${((design.base - design.drop) * 100).toFixed(0)}% with ${(design.power * 100).toFixed(0)}% power at ${(splitAlpha * 100).toFixed(1)}% false alarms` +
        `${planned < needed ? ` — UNDERPOWERED: use --repeat ${Math.ceil(needed / Math.max(1, measuring))} (or auto)` : ''}\n`,
    );
  }
  const judgeModelId = flags['judge-model'] ?? env.models.primary.modelId;
  const judgeModel = io.judgeModel ?? ((modelId: string) => bedrockModel({ modelId, temperature: 0, maxTokens: 1024 }, env.region));
  const judges: Judge[] = [
    ...(localJudges.length ? [new LocalJudge(localJudges, () => judgeModel(judgeModelId))] : []),
    ...(serviceJudgeIds.length ? [new AgentCoreEvaluateJudge(new BedrockAgentCoreClient({ region: env.region }), serviceJudgeIds)] : []),
  ];
  const judge = judges.length ? new Judges(judges) : undefined;
  const result = await runEvaluation({
    cases,
    transport,
    concurrency,
    prices,
    judge,
    baseline,
    repeat,
    gateMetrics,
    design,
    sequential: !flags['fixed-sample'],
    retry: { attempts },
    progress: new ProgressBar(io.stderr),
    labels: {
      agent,
      dataset: datasetLabel,
      env: env.name,
      model: prices.modelId,
      endpoint: flags.qualifier ?? transport.description,
      ...(flags.baseline ? { baseline: flags.baseline } : {}),
      protocol,
      auth: tokens?.description ?? 'none',
    },
  });
  const gates = checkThresholds(result.summary, thresholds, { inconclusive, comparison: result.comparison });
  const outDir = path.resolve(io.cwd, flags.out ?? path.join('.eval-results', result.runId));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify({ ...result, schemaVersion: RESULTS_SCHEMA_VERSION, gates }, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'junit.xml'), toJUnit(result, gates));
  fs.writeFileSync(path.join(outDir, 'report.html'), toHtml(result, gates));

  const s = result.summary;
  io.stdout.write(
    [
      `${agent}: ${s.passed}/${s.trials - s.errors} trials passed (${s.cases} cases × ${result.comparison?.rounds ?? repeat} repeat(s); ${s.errors} errors, not counted as failures) against ${result.target}`,
      ...gates.map((g) => `  ${g.status === 'inconclusive' ? (g.passed ? 'warn' : 'FAIL') : g.passed ? 'ok  ' : 'FAIL'} ${g.message}`),
      `  cost $${s.costUsd.toFixed(4)} ($${s.costPerQueryUsd.toFixed(5)}/query, ${prices.modelId})`,
      `results: ${path.relative(io.cwd, outDir)}/{results.json,junit.xml,report.html}`,
      '',
    ].join('\n'),
  );
  return gates.every((g) => g.passed) ? 0 : 1;
}
