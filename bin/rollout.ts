#!/usr/bin/env node
/**
 * Rollout CLI: see and drive an agent release with your own AWS credentials.
 *
 *   npm run rollout -- status   --release <name> [--region <r>] [--json]
 *   npm run rollout -- start    --release <name> [--force]
 *   npm run rollout -- promote  --release <name>
 *   npm run rollout -- abort    --release <name> --reason "<why>"     (alias: rollback)
 *
 * The release's wiring is read from the SSM parameter /agentcore-kit/release/<name>/config, which the
 * ReleaseController construct writes at deploy time.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { parseReleaseConfig, type ReleaseConfig } from '../lambda/rollout/core/config';
import { beginPromotion, finishPromotion, promotionStatus, rollback, type ReleaseDeps } from '../lambda/rollout/core/operations';
import { SDK_CLIENT_DEFAULTS } from '../lambda/rollout/core/ports';
import { describeRoute, formatRoute } from '../lambda/rollout/core/routing';
import { createAwsClients, releaseDeps } from '../lambda/rollout/core/runtime-deps';

export const COMMANDS = ['status', 'start', 'promote', 'abort', 'rollback'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: Command;
  readonly release: string;
  readonly region?: string;
  readonly reason?: string;
  readonly force: boolean;
  readonly json: boolean;
  readonly configParameter?: string;
}

/** Wrong usage: exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run rollout -- <command> --release <name> [options]

Commands
  status     versions, weights, alarm states, current step and execution
  start      start a rollout of the canary endpoint's version (--force: even one rolled back before)
  promote    stop the rollout and promote the canary now (live pinned to its version, all traffic on live)
  abort      stop the rollout and roll back (all traffic on live at its last good version); needs --reason
  rollback   same as abort

Options
  --release <name>           release name (the ReleaseController's releaseName; usually the runtime name)
  --region <region>          AWS region (default: AWS_REGION or your profile's region)
  --reason <text>            why you abort (recorded in the release history and the notification)
  --force                    start even if this version was rolled back before
  --json                     status as JSON
  --config-parameter <name>  SSM parameter with the release wiring (default /agentcore-kit/release/<name>/config)
`;

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        release: { type: 'string' },
        region: { type: 'string' },
        reason: { type: 'string' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'config-parameter': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const problems: string[] = [];
  const command = positionals[0];
  if (!command) problems.push(`missing command: expected one of ${COMMANDS.join(', ')}`);
  else if (!(COMMANDS as readonly string[]).includes(command)) problems.push(`unknown command "${command}": expected one of ${COMMANDS.join(', ')}`);
  if (positionals.length > 1) problems.push(`unexpected argument "${positionals[1]}": options take the form --name value`);
  if (!values.release) problems.push('--release is required: the release name, e.g. --release supervisor');
  else if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(values.release)) problems.push(`--release: expected 1–64 letters, digits, "_", "." or "-", got "${values.release}"`);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region)) problems.push(`--region: expected an AWS region such as us-east-1, got "${values.region}"`);
  if ((command === 'abort' || command === 'rollback') && (!values.reason || values.reason.trim().length < 3)) {
    problems.push(`--reason is required for ${command}: say why, e.g. --reason "answers cite the wrong policy"`);
  }
  if (values.force && command !== 'start') problems.push('--force only applies to start');
  if (values.json && command !== 'status') problems.push('--json only applies to status');
  if (problems.length) throw new UsageError(problems.join('\n'));
  return {
    command: command as Command,
    release: values.release!,
    region: values.region,
    reason: values.reason?.trim(),
    force: values.force ?? false,
    json: values.json ?? false,
    configParameter: values['config-parameter'],
  };
}

/** What the commands need beyond the release operations. */
export interface Executions {
  describe(executionArn: string): Promise<{ status: string; startDate?: Date; stopDate?: Date; error?: string; cause?: string }>;
  start(stateMachineArn: string, name: string, input: Record<string, unknown>): Promise<string>;
  stop(executionArn: string, cause: string): Promise<void>;
}

export interface CliDeps {
  readonly release: ReleaseDeps;
  readonly executions: Executions;
  readonly who: string;
  readonly region: string;
  /** Pause between promotion polls. @default 10 s */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Output {
  out(line: string): void;
}

function ago(iso: string | undefined, now: Date): string {
  if (!iso) return '';
  const s = Math.round((now.getTime() - Date.parse(iso)) / 1000);
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

export async function status(args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  const { config: c, store, control, alarms } = deps.release;
  const now = new Date();
  const [state, rule, live, canary, alarmStates, history] = await Promise.all([
    store.get(c.releaseName),
    control.getRule(c.gatewayId, c.ruleId),
    control.getEndpoint(c.runtimeId, c.liveEndpoint),
    control.getEndpoint(c.runtimeId, c.canaryEndpoint),
    alarms.states(c.alarmNames),
    store.history(c.releaseName, 5),
  ]);
  const route = describeRoute(rule.actions, c);
  const execution = state?.executionArn?.startsWith('arn:') ? await deps.executions.describe(state.executionArn).catch(() => undefined) : undefined;
  if (args.json) {
    io.out(JSON.stringify({ release: c.releaseName, region: deps.region, state: state ?? null, route, live, canary, alarms: alarmStates, execution: execution ?? null, history }, null, 2));
    return 0;
  }
  const version = (e: typeof live) => `v${e.liveVersion ?? '?'}${e.targetVersion && e.targetVersion !== e.liveVersion ? ` → v${e.targetVersion}` : ''} (${e.status})`;
  io.out(`Release ${c.releaseName} (${deps.region})`);
  io.out(`  Phase     ${state?.phase ?? 'IDLE (no rollout yet)'}${state?.releaseId ? `  rollout ${state.releaseId}` : ''}${state?.updatedAt ? `, updated ${ago(state.updatedAt, now)}` : ''}`);
  io.out(`  Live      ${c.liveEndpoint} ${version(live)}   last good: v${state?.liveVersion ?? live.liveVersion ?? '?'}`);
  io.out(`  Canary    ${c.canaryEndpoint} ${version(canary)}${state?.rolledBackVersion ? `   rolled back before: v${state.rolledBackVersion}` : ''}`);
  io.out(`  Routing   ${formatRoute(route)}   (rule ${c.ruleId}, ${rule.status ?? 'ACTIVE'})`);
  if (state?.phase === 'ROLLING_OUT') io.out(`  Step      ${(state.stepIndex ?? -1) + 1} (canary ${state.canaryPercent}%)`);
  if (execution) io.out(`  Execution ${execution.status}${execution.startDate ? `, started ${ago(execution.startDate.toISOString(), now)}` : ''}${execution.error ? ` — ${execution.error}: ${execution.cause ?? ''}` : ''}`);
  io.out('  Alarms');
  for (const name of c.alarmNames) {
    const a = alarmStates.find((x) => x.name === name);
    io.out(`    ${(a?.state ?? 'NOT FOUND').padEnd(17)} ${name}`);
  }
  if (history.length) {
    io.out('  History (newest first)');
    for (const h of history) io.out(`    ${h.when}  ${h.action.padEnd(8)} by ${h.who}: ${h.why}${h.to.liveVersion ? ` (live → v${h.to.liveVersion})` : ''}`);
  }
  return 0;
}

async function stopRunning(deps: CliDeps, cause: string): Promise<void> {
  const state = await deps.release.store.get(deps.release.config.releaseName);
  if (!state?.executionArn?.startsWith('arn:')) return;
  const e = await deps.executions.describe(state.executionArn);
  if (e.status === 'RUNNING') await deps.executions.stop(state.executionArn, cause);
}

export async function start(args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  const c = deps.release.config;
  if (!c.stateMachineArn) throw new Error(`the config of release ${c.releaseName} has no stateMachineArn; redeploy the ReleaseController`);
  const name = `${c.releaseName}-${new Date().toISOString().replace(/[:.]/g, '-')}`.slice(0, 80);
  const arn = await deps.executions.start(c.stateMachineArn, name, { force: args.force });
  io.out(`Started rollout ${name}\n  ${arn}\nFollow it with: npm run rollout -- status --release ${c.releaseName}`);
  return 0;
}

export async function promote(_args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  const d = deps.release;
  const state = await d.store.get(d.config.releaseName);
  if (state?.phase !== 'ROLLING_OUT' && state?.phase !== 'PROMOTING') {
    io.out(`Nothing to promote: release ${d.config.releaseName} is ${state?.phase ?? 'IDLE'}.`);
    return 1;
  }
  await stopRunning(deps, `promoted by hand (${deps.who})`);
  const releaseId = state.releaseId!;
  const { canaryVersion } = await beginPromotion({ releaseId }, d);
  io.out(`Pinning ${d.config.liveEndpoint} to v${canaryVersion}…`);
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let i = 0; ; i++) {
    const s = await promotionStatus({ releaseId }, d);
    if (s.ready) break;
    if (i >= 60) throw new Error(`${d.config.liveEndpoint} is still ${s.status} after ${60 * (deps.pollMs ?? 10_000) / 1000}s; check it, then run promote again`);
    await sleep(deps.pollMs ?? 10_000);
  }
  const done = await finishPromotion({ releaseId, who: deps.who }, d);
  io.out(done.promoted ? `Promoted: ${d.config.liveEndpoint} serves v${done.liveVersion}; all traffic on live.` : 'The release changed while promoting (a rollback won); run status.');
  return done.promoted ? 0 : 1;
}

export async function abort(args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  await stopRunning(deps, `aborted by ${deps.who}: ${args.reason}`);
  const r = await rollback({ who: deps.who, why: args.reason!, claimId: `cli:${randomUUID()}` }, deps.release);
  const lines: Record<string, string> = {
    'rolled-back': `Rolled back: all traffic on ${deps.release.config.liveEndpoint} at v${r.liveVersion}.`,
    'already-rolled-back': 'Already rolled back; nothing changed.',
    'in-progress-elsewhere': 'A rollback is already under way (an alarm fired); run status in a minute.',
    'nothing-to-roll-back': 'No rollout is running and all traffic is on live; nothing changed.',
    'closed-stray-split': 'No rollout was running, but the rule split traffic; it is closed now (all traffic on live).',
  };
  io.out(lines[r.outcome]);
  return 0;
}

/** Turn an SDK failure into one line a person can act on. */
export function explain(e: unknown, region: string): string {
  const err = e as { name?: string; message?: string; Code?: string };
  const name = err.name ?? err.Code ?? '';
  const msg = err.message ?? String(e);
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(msg)) {
    return 'No AWS credentials found. Sign in first (aws sso login, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then run the command again.';
  }
  if (/Region is missing/i.test(msg)) return 'No AWS region: pass --region <region> or set AWS_REGION.';
  if (name === 'ParameterNotFound') return `No release config found in ${region}: is the release name right and the ReleaseController deployed in this region?`;
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || /not authorized/i.test(msg)) return `Access denied: ${msg}`;
  if (name === 'ExpiredTokenException' || /expired/i.test(msg)) return 'Your AWS session has expired; sign in again.';
  return `${name ? `${name}: ` : ''}${msg}`;
}

function sdkExecutions(client: SFNClient): Executions {
  return {
    async describe(executionArn) {
      const r = await client.send(new DescribeExecutionCommand({ executionArn }));
      return { status: r.status ?? 'UNKNOWN', startDate: r.startDate, stopDate: r.stopDate, error: r.error, cause: r.cause };
    },
    async start(stateMachineArn, name, input) {
      const r = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return r.executionArn!;
    },
    async stop(executionArn, cause) {
      await client.send(new StopExecutionCommand({ executionArn, error: 'StoppedByOperator', cause: cause.slice(0, 32_000) }));
    },
  };
}

/** Build real clients with the user's credentials, failing fast (and clearly) when there are none. */
export async function connect(args: CliArgs): Promise<CliDeps> {
  const clients = createAwsClients(args.region);
  const region = await clients.ssm.config.region();
  await clients.ssm.config.credentials(); // throws CredentialsProviderError without credentials, before any request
  const name = args.configParameter ?? `/agentcore-kit/release/${args.release}/config`;
  const p = await clients.ssm.send(new GetParameterCommand({ Name: name }));
  const config: ReleaseConfig = parseReleaseConfig(p.Parameter?.Value, `SSM parameter ${name}`);
  return {
    release: releaseDeps(config, clients),
    executions: sdkExecutions(new SFNClient({ ...SDK_CLIENT_DEFAULTS, region })),
    who: `cli:${process.env.USER ?? userInfo().username}`,
    region,
  };
}

export async function run(argv: string[], io: { out(l: string): void; err(l: string): void }, connectFn: (a: CliArgs) => Promise<CliDeps> = connect): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) io.err(`rollout: ${e.message.split('\n').join('\nrollout: ')}\n`);
      io.err(USAGE);
      return 2;
    }
    throw e;
  }
  let region = args.region ?? process.env.AWS_REGION ?? '?';
  try {
    const deps = await connectFn(args);
    region = deps.region;
    switch (args.command) {
      case 'status':
        return await status(args, deps, io);
      case 'start':
        return await start(args, deps, io);
      case 'promote':
        return await promote(args, deps, io);
      case 'abort':
      case 'rollback':
        return await abort(args, deps, io);
    }
  } catch (e) {
    io.err(`rollout: ${explain(e, region)}`);
    return 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then((code) => {
    process.exitCode = code;
  });
}
