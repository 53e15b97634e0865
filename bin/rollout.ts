#!/usr/bin/env node
/**
 * Rollout CLI: see and drive an agent release with your own AWS credentials.
 *
 *   npm run rollout -- status   --release <name> [--region <r>] [--json]
 *   npm run rollout -- start    --release <name> [--force]
 *   npm run rollout -- promote  --release <name>
 *   npm run rollout -- abort    --release <name> --reason "<why>"     (alias: rollback)
 *   npm run rollout -- ab-test start  --release <name> --role-arn <arn> --live-eval-config <arn|id> --canary-eval-config <arn|id> [--treatment-percent 10]
 *   npm run rollout -- ab-test status --release <name> [--ab-test-id <id>] [--json]
 *   npm run rollout -- ab-test pause|resume --release <name> [--ab-test-id <id>]
 *   npm run rollout -- ab-test promote --release <name> [--force]
 *   npm run rollout -- ab-test stop   --release <name> [--ab-test-id <id>]
 *
 * The release's wiring is read from the SSM parameter /agentcore-kit/release/<name>/config, which the
 * ReleaseController construct writes at deploy time.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { pauseAbTest, readAbTest, resumeAbTest, sdkAbTestApi, startAbTest, stopAbTest, winnerOf, CONTROL_VARIANT, TREATMENT_VARIANT, type AbTestApi, type AbTestReport } from '../lambda/rollout/ab-test';
import { parseReleaseConfig, type ReleaseConfig } from '../lambda/rollout/core/config';
import { abTestRunningError, abTestStopCommand, beginPromotion, checkStartable, finishPromotion, promotionStatus, PROMOTION_TIMEOUT_SECONDS, ReleaseError, rollback, startRollout, type ReleaseDeps } from '../lambda/rollout/core/operations';
import { SDK_CLIENT_DEFAULTS } from '../lambda/rollout/core/ports';
import { describeRoute, formatRoute } from '../lambda/rollout/core/routing';
import { createAwsClients, releaseDeps } from '../lambda/rollout/core/runtime-deps';
import type { HistoryRecord } from '../lambda/rollout/core/state';
import { worstCaseRollbackTime } from '../lib/release/rollback-time';

export const COMMANDS = ['status', 'start', 'pause', 'resume', 'promote', 'abort', 'rollback', 'ab-test'] as const;
export type Command = (typeof COMMANDS)[number];
export const AB_TEST_ACTIONS = ['start', 'status', 'pause', 'resume', 'promote', 'stop'] as const;
export type AbTestAction = (typeof AB_TEST_ACTIONS)[number];
/** Share of sessions `ab-test start` sends to the canary when --treatment-percent is not given. */
export const DEFAULT_TREATMENT_PERCENT = 10;

export interface CliArgs {
  readonly command: Command;
  readonly release: string;
  readonly region?: string;
  readonly reason?: string;
  readonly force: boolean;
  /** Only for `start`: print the plan, the checks and the worst-case rollback time; start nothing. */
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly configParameter?: string;
  /** Only for `ab-test`: start, status, pause, resume, promote or stop. */
  readonly abTestAction?: AbTestAction;
  readonly abTestId?: string;
  readonly roleArn?: string;
  readonly treatmentPercent?: number;
  /** Online evaluation config (ARN or id) scoring the live endpoint's sessions (variant C). */
  readonly liveEvalConfig?: string;
  /** Online evaluation config (ARN or id) scoring the canary endpoint's sessions (variant T1). */
  readonly canaryEvalConfig?: string;
}

/** Wrong usage: exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run rollout -- <command> --release <name> [options]

Commands
  status     versions, weights, alarm states, current step and execution
  start      start a rollout of the canary endpoint's version (--force: even one rolled back before;
             --dry-run: print the plan, the checks and the worst-case rollback time, start nothing)
  pause      hold the running rollout after its current step's bake and check (alarms still roll back)
  resume     let a paused rollout, or one waiting at an approval step, go on
  promote    stop the rollout and promote the canary now (live pinned to its version, all traffic on live)
  abort      stop the rollout and roll back (all traffic on live at its last good version); needs --reason
  rollback   same as abort
  ab-test start   start an A/B test on the release's gateway: variant C = live target, T1 = canary target,
                  each scored by its own online evaluation config; records its id in the release state
                  (one test at a time; no rollout starts while it is recorded)
  ab-test status  variant weights, per-evaluator mean / change / p-value and a verdict (--json for scripts)
  ab-test pause   hold the A/B test (it stays recorded: still no rollout)
  ab-test resume  let a paused A/B test run again
  ab-test promote make the winner live through the release: the canary when it is significantly better on
                  an evaluator and worse on none (the test is stopped, its record cleared, live pinned to
                  the canary's version, all traffic on live, recorded like a rollout's promotion); live
                  when the canary is worse on any (the test is stopped, nothing changes); undecided
                  refuses (--force: promote the canary anyway)
  ab-test stop    stop the A/B test (routing returns to the gateway rule) and clear the release's record

Options
  --release <name>           release name (the ReleaseController's releaseName; usually the runtime name)
  --region <region>          AWS region (default: AWS_REGION or your profile's region)
  --reason <text>            why you abort (recorded in the release history and the notification)
  --force                    start even if this version was rolled back before; ab-test promote: promote
                             the canary although the test shows no significant difference yet
  --dry-run                  start: say what would happen, change nothing
  --json                     status as JSON
  --config-parameter <name>  SSM parameter with the release wiring (default /agentcore-kit/release/<name>/config)

A/B test options
  --role-arn <arn>                 ab-test start, required: IAM role the service runs the test with
  --live-eval-config <arn|id>      ab-test start, required: online evaluation config scoring live (C)
  --canary-eval-config <arn|id>    ab-test start, required: online evaluation config scoring canary (T1)
  --treatment-percent <1-99>       ab-test start: share of sessions on the canary (default ${DEFAULT_TREATMENT_PERCENT})
  --ab-test-id <id>                ab-test status / pause / resume / stop: the test to act on (default: the
                                   test recorded for the release by ab-test start; promote acts on that one only)
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
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'config-parameter': { type: 'string' },
        'ab-test-id': { type: 'string' },
        'role-arn': { type: 'string' },
        'treatment-percent': { type: 'string' },
        'live-eval-config': { type: 'string' },
        'canary-eval-config': { type: 'string' },
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
  const isAbTest = command === 'ab-test';
  const action = isAbTest ? positionals[1] : undefined;
  if (isAbTest && !action) problems.push(`ab-test needs a subcommand: expected one of ${AB_TEST_ACTIONS.join(', ')}`);
  else if (isAbTest && !(AB_TEST_ACTIONS as readonly string[]).includes(action!)) problems.push(`unknown ab-test subcommand "${action}": expected one of ${AB_TEST_ACTIONS.join(', ')}`);
  const extra = positionals[isAbTest ? 2 : 1];
  if (extra !== undefined) problems.push(`unexpected argument "${extra}": options take the form --name value`);
  const abStart = isAbTest && action === 'start';
  const onlyAbStart = (flag: string) => problems.push(`${flag} only applies to ab-test start`);
  let treatmentPercent: number | undefined;
  if (abStart) {
    if (!values['role-arn']) problems.push('--role-arn is required for ab-test start: the IAM role the service runs the test with, e.g. --role-arn arn:aws:iam::111111111111:role/ab-test');
    else if (!IAM_ROLE_ARN.test(values['role-arn'])) problems.push(`--role-arn: expected an IAM role ARN (arn:aws:iam::<account>:role/<name>), got "${values['role-arn']}"`);
    for (const flag of ['live-eval-config', 'canary-eval-config'] as const) {
      const v = values[flag];
      const which = flag === 'live-eval-config' ? 'live' : 'canary';
      if (!v) problems.push(`--${flag} is required for ab-test start: the online evaluation config (ARN or id) scoring the ${which} endpoint`);
      else if (!EVAL_CONFIG_ARN.test(v) && !EVAL_CONFIG_ID.test(v)) {
        problems.push(`--${flag}: expected an online evaluation config ARN (arn:aws:bedrock-agentcore:<region>:<account>:online-evaluation-config/<id>) or id (letters, digits, "_", "-"), got "${v}"`);
      }
    }
    if (values['live-eval-config'] && values['live-eval-config'] === values['canary-eval-config']) {
      problems.push('--canary-eval-config: must differ from --live-eval-config (each variant is scored by its own config)');
    }
    const raw = values['treatment-percent'];
    treatmentPercent = raw === undefined ? DEFAULT_TREATMENT_PERCENT : /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isInteger(treatmentPercent) || treatmentPercent < 1 || treatmentPercent > 99) {
      problems.push(`--treatment-percent: expected a whole number 1–99 (share of sessions on the canary), got "${raw}"`);
    }
  } else {
    if (values['role-arn'] !== undefined) onlyAbStart('--role-arn');
    if (values['live-eval-config'] !== undefined) onlyAbStart('--live-eval-config');
    if (values['canary-eval-config'] !== undefined) onlyAbStart('--canary-eval-config');
    if (values['treatment-percent'] !== undefined) onlyAbStart('--treatment-percent');
  }
  if (isAbTest && (action === 'status' || action === 'stop' || action === 'pause' || action === 'resume')) {
    if (values['ab-test-id'] !== undefined && !AB_TEST_ID.test(values['ab-test-id'])) problems.push(`--ab-test-id: expected letters, digits, "_" or "-", got "${values['ab-test-id']}"`);
  } else if (values['ab-test-id'] !== undefined) {
    problems.push(`--ab-test-id only applies to ab-test status, pause, resume and stop${isAbTest && action === 'promote' ? ' (promote acts on the test recorded for the release)' : ''}`);
  }
  if (!values.release) problems.push('--release is required: the release name, e.g. --release supervisor');
  else if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(values.release)) problems.push(`--release: expected 1–64 letters, digits, "_", "." or "-", got "${values.release}"`);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region)) problems.push(`--region: expected an AWS region such as us-east-1, got "${values.region}"`);
  if ((command === 'abort' || command === 'rollback') && (!values.reason || values.reason.trim().length < 3)) {
    problems.push(`--reason is required for ${command}: say why, e.g. --reason "answers cite the wrong policy"`);
  }
  if (values.force && command !== 'start' && !(isAbTest && action === 'promote')) problems.push('--force only applies to start and ab-test promote');
  if (values['dry-run'] && command !== 'start') problems.push('--dry-run only applies to start');
  if (values.json && command !== 'status' && !(isAbTest && action === 'status')) problems.push('--json only applies to status and ab-test status');
  if (problems.length) throw new UsageError(problems.join('\n'));
  return {
    command: command as Command,
    release: values.release!,
    region: values.region,
    reason: values.reason?.trim(),
    force: values.force ?? false,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    configParameter: values['config-parameter'],
    abTestAction: action as AbTestAction | undefined,
    abTestId: values['ab-test-id'],
    roleArn: values['role-arn'],
    treatmentPercent,
    liveEvalConfig: values['live-eval-config'],
    canaryEvalConfig: values['canary-eval-config'],
  };
}

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const EVAL_CONFIG_ARN = /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:online-evaluation-config\/[A-Za-z0-9_-]+$/;
const EVAL_CONFIG_ID = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
const AB_TEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** What the commands need beyond the release operations. */
export interface Executions {
  describe(executionArn: string): Promise<{ status: string; startDate?: Date; stopDate?: Date; error?: string; cause?: string }>;
  start(stateMachineArn: string, name: string, input: Record<string, unknown>): Promise<string>;
  stop(executionArn: string, cause: string): Promise<void>;
  /** Answer a held rollout's task token: it goes on with its next step. */
  resume(taskToken: string, output: Record<string, unknown>): Promise<void>;
}

export interface CliDeps {
  readonly release: ReleaseDeps;
  readonly executions: Executions;
  readonly who: string;
  readonly region: string;
  /** The data-plane A/B test API (ab-test commands only). */
  readonly abTests?: AbTestApi;
  /** Client token for CreateABTest. @default a random UUID */
  readonly clientToken?: () => string;
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
  if (state?.phase === 'ROLLING_OUT') io.out(`  Step      ${(state.stepIndex ?? -1) + 1} (canary ${state.canaryPercent}%)${state.holdToken ? `, holding: ${state.holdReason} (resume to go on)` : state.paused ? ', paused: holds after this step' : ''}`);
  if (state?.abTestId) io.out(`  A/B test  ${state.abTestId} running on the gateway (no rollout starts until it is stopped: ${abTestStopCommand(c.releaseName, state.abTestId)})`);
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

/**
 * `start --dry-run`: the plan as the state machine runs it, the versions it would move, the checks after
 * each bake, the worst-case time from a canary breach to all traffic on live, and whether it would
 * start now. Reads only.
 */
export async function dryRun(args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  const c = deps.release.config;
  const lines: string[] = [`Dry run of release ${c.releaseName}: nothing is started or changed.`];
  const steps = c.plan ?? [];
  const plan = steps.map((s) => `${s.canaryPercent}% for ${s.bakeSeconds / 60} min`);
  lines.push(`Plan        ${[...plan, 'promote (live pinned to the canary version, all traffic on live)'].join(' → ')}`);
  lines.push(`            ${steps.reduce((t, s) => t + s.bakeSeconds, 0) / 60} min of bakes; promotion times out after ${(c.promotionTimeoutSeconds ?? PROMOTION_TIMEOUT_SECONDS) / 60} min`);
  const alarms = await deps.release.alarms.states(c.alarmNames);
  lines.push('Checks      after each bake: no alarm in ALARM, routing unchanged, canary on the version under test');
  for (const name of c.alarmNames) {
    const a = alarms.find((x) => x.name === name);
    lines.push(`            alarm ${name}: ${a ? a.state : 'not found'}${a?.periodSeconds ? ` (${a.datapointsToAlarm} × ${a.periodSeconds} s)` : ''}`);
  }
  if (c.scoreCheck) lines.push(`            ${c.scoreCheck.metricName} of the canary over the bake ≥ ${c.scoreCheck.minimum} (a bake with no scored session passes)`);
  const timed = alarms.filter((a) => a.periodSeconds && a.datapointsToAlarm);
  if (timed.length && c.rollbackTimeoutSeconds !== undefined && c.rollbackAsyncRetries !== undefined) {
    const worst = timed
      .map((a) => ({ a, t: worstCaseRollbackTime({ alarmPeriodSeconds: a.periodSeconds!, datapointsToAlarm: a.datapointsToAlarm!, functionTimeoutSeconds: c.rollbackTimeoutSeconds!, asyncRetries: c.rollbackAsyncRetries! }) }))
      .sort((x, y) => y.t.totalSeconds - x.t.totalSeconds)[0];
    lines.push(`Rollback    worst case ${Math.ceil(worst.t.totalSeconds / 60)} min from a breach of ${worst.a.name}: ${worst.t.explain}`);
  } else {
    lines.push('Rollback    worst case unknown: the release config or the alarms do not say their periods (redeploy the ReleaseController)');
  }
  let ready = 0;
  try {
    const v = await checkStartable({ force: args.force }, deps.release);
    lines.push(`Would start yes: live v${v.liveVersion} → canary v${v.canaryVersion}`);
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    lines.push(`Would start no (${e.code}): ${e.message}`);
    ready = 1;
  }
  for (const l of lines) io.out(l);
  return ready;
}

export async function start(args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  if (args.dryRun) return dryRun(args, deps, io);
  const c = deps.release.config;
  if (!c.stateMachineArn) throw new Error(`the config of release ${c.releaseName} has no stateMachineArn; redeploy the ReleaseController`);
  // The rollout's first task refuses too (atomically); saying it here spares a failed execution.
  const state = await deps.release.store.get(c.releaseName);
  if (state?.abTestId) {
    io.out(`Not started: ${abTestRunningError(c.releaseName, state.abTestId).message}`);
    return 1;
  }
  const name = `${c.releaseName}-${new Date().toISOString().replace(/[:.]/g, '-')}`.slice(0, 80);
  const arn = await deps.executions.start(c.stateMachineArn, name, { force: args.force });
  io.out(`Started rollout ${name}\n  ${arn}\nFollow it with: npm run rollout -- status --release ${c.releaseName}`);
  return 0;
}

/** Hold the running rollout after its current step's check. */
export async function pause(args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  const d = deps.release;
  const record: HistoryRecord = { action: 'pause', who: deps.who, when: (d.clock?.() ?? new Date()).toISOString(), why: args.reason ?? 'paused by hand', from: {}, to: {} };
  if (!(await d.store.pause(d.config.releaseName, record))) {
    const s = await d.store.get(d.config.releaseName);
    io.out(`Nothing to pause: release ${d.config.releaseName} is ${s?.phase ?? 'IDLE'}.`);
    return 1;
  }
  io.out(`Paused: the rollout holds after its current step's bake and check (canary alarms still roll it back). Go on with: npm run rollout -- resume --release ${d.config.releaseName}`);
  return 0;
}

/** Let a held rollout go on: clear the pause, answer its task token if it is already waiting. */
export async function resume(_args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  const d = deps.release;
  const s = await d.store.get(d.config.releaseName);
  if (s?.phase !== 'ROLLING_OUT' || (!s.paused && !s.holdToken)) {
    io.out(`Nothing to resume: release ${d.config.releaseName} is ${s?.phase ?? 'IDLE'}${s?.phase === 'ROLLING_OUT' ? ' and not held' : ''}.`);
    return 1;
  }
  const record: HistoryRecord = { action: 'resume', releaseId: s.releaseId, who: deps.who, when: (d.clock?.() ?? new Date()).toISOString(), why: s.holdReason ? `resumed: ${s.holdReason}` : 'pause lifted before the step held', from: {}, to: {} };
  // Clear first: a token answered twice is refused by the service, a state cleared twice is refused here.
  if (!(await d.store.clearHold(d.config.releaseName, s.holdToken, record))) {
    io.out('The hold was answered meanwhile; run status.');
    return 1;
  }
  if (s.holdToken) await deps.executions.resume(s.holdToken, { resumedBy: deps.who });
  io.out(s.holdToken ? `Resumed rollout ${s.releaseId} (${s.holdReason}).` : `Pause lifted: rollout ${s.releaseId} goes on after its current step.`);
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
  return promoteRelease(state.releaseId!, deps, io);
}

/** Pin live to the canary's version, wait until it serves it, route all traffic to live and record the promotion. */
async function promoteRelease(releaseId: string, deps: CliDeps, io: Output): Promise<number> {
  const d = deps.release;
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
    ignored: `A newer rollout owns the release; nothing changed (${r.route}).`,
    'alarm-after-promotion': 'The release is promoted and at rest; nothing changed.',
    'nothing-to-roll-back': 'No rollout is running and all traffic is on live; nothing changed.',
    'closed-stray-split': 'No rollout was running, but the rule split traffic; it is closed now (all traffic on live).',
    'stopped-ab-test': `No rollout was running; the release's A/B test is stopped (${r.route}).`,
  };
  io.out(lines[r.outcome]);
  return 0;
}

/** Partition, region and account of the release's resources, read from an ARN in its config. */
function releaseArnParts(c: ReleaseConfig, region: string): { partition: string; region: string; account: string } {
  for (const arn of [c.gatewayId, c.stateMachineArn, c.topicArn]) {
    const m = arn && /^arn:(aws[a-z-]*):[a-z0-9-]+:([a-z0-9-]*):(\d{12}):/.exec(arn);
    if (m) return { partition: m[1], region: m[2] || region, account: m[3] };
  }
  throw new Error(`the config of release ${c.releaseName} holds no ARN to read the account from (stateMachineArn or topicArn); redeploy the ReleaseController`);
}

/** The gateway ARN of a release, and an online evaluation config ARN from an ARN or an id (pure). */
export function abTestArns(c: ReleaseConfig, region: string, evalConfigs: { live: string; canary: string }) {
  const p = releaseArnParts(c, region);
  const base = `arn:${p.partition}:bedrock-agentcore:${p.region}:${p.account}`;
  const evalArn = (v: string) => (v.startsWith('arn:') ? v : `${base}:online-evaluation-config/${v}`);
  return {
    gatewayArn: c.gatewayId.startsWith('arn:') ? c.gatewayId : `${base}:gateway/${c.gatewayId}`,
    live: evalArn(evalConfigs.live),
    canary: evalArn(evalConfigs.canary),
  };
}

/** A/B test name: the release name plus the start minute, within CreateABTest's 48 characters. */
export function abTestName(releaseName: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `${releaseName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 48 - stamp.length - 1)}-${stamp}`;
}

/** One reading of all evaluators together, for people. */
export function overallVerdict(r: AbTestReport): string {
  const worse = r.evaluators.filter((e) => e.verdict === 'treatment worse').length;
  const better = r.evaluators.filter((e) => e.verdict === 'treatment better').length;
  const withData = r.evaluators.filter((e) => e.verdict !== 'no data').length;
  if (worse) return `canary worse on ${worse} of ${r.evaluators.length} evaluator(s): do not roll it out`;
  if (!withData) return 'no results yet: let the test run longer';
  if (better) return `canary better on ${better} of ${r.evaluators.length} evaluator(s), worse on none`;
  return 'no significant difference yet';
}

function printAbReport(r: AbTestReport, io: Output): void {
  const num = (n: number | undefined, digits = 3) => (n === undefined ? '–' : n.toFixed(digits));
  const signed = (n: number | undefined) => (n === undefined ? '–' : `${n >= 0 ? '+' : ''}${n.toFixed(3)}`);
  io.out(`A/B test ${r.abTestId} (${r.name})`);
  io.out(`  Status    ${r.executionStatus} (${r.status})${r.analysedAt ? `   analysed ${r.analysedAt}` : ''}`);
  const label: Record<string, string> = { [CONTROL_VARIANT]: 'live', [TREATMENT_VARIANT]: 'canary' };
  io.out(`  Weights   ${Object.entries(r.weights).map(([v, w]) => `${v}${label[v] ? ` (${label[v]})` : ''} ${w}%`).join(' / ')}`);
  if (r.evaluators.length) {
    io.out(`  ${'Evaluator'.padEnd(40)} ${'live mean (n)'.padStart(13)} ${'canary mean (n)'.padStart(15)} ${'change'.padStart(8)} ${'change %'.padStart(9)} ${'p-value'.padStart(8)}  verdict`);
    for (const e of r.evaluators) {
      const t = e.treatment;
      const pct = t?.percentChange === undefined ? '–' : `${t.percentChange >= 0 ? '+' : ''}${t.percentChange.toFixed(1)}%`;
      io.out(
        `  ${e.evaluatorArn.replace(/^.*[:/]/, '').padEnd(40)} ${`${num(e.control.mean)} (${e.control.sessions})`.padStart(13)} ${`${num(t?.mean)} (${t?.sessions ?? 0})`.padStart(15)} ${signed(t?.change).padStart(8)} ${pct.padStart(9)} ${num(t?.pValue, 4).padStart(8)}  ${e.verdict}`,
      );
    }
  } else io.out('  Results   none yet (the service analyses sessions as they are scored)');
  for (const e of r.errors) io.out(`  Error     ${e}`);
  io.out(`  Verdict   ${overallVerdict(r)}`);
}

function abRecord(deps: CliDeps, action: 'ab-start' | 'ab-stop', why: string, abTestId: string): HistoryRecord {
  // The release's clock, like every other record of the release, so the history keeps its order.
  return { action, who: deps.who, when: (deps.release.clock?.() ?? new Date()).toISOString(), why, from: action === 'ab-start' ? {} : { abTestId }, to: action === 'ab-start' ? { abTestId } : {} };
}

function isNotFound(e: unknown): boolean {
  return (e as { name?: string })?.name === 'ResourceNotFoundException';
}

async function abTestStart(args: CliArgs, api: AbTestApi, deps: CliDeps, io: Output): Promise<number> {
  const c = deps.release.config;
  const { store } = deps.release;
  const state = await store.get(c.releaseName);
  if (state?.phase === 'ROLLING_OUT' || state?.phase === 'PROMOTING' || state?.phase === 'ROLLING_BACK') {
    const wait = state.phase === 'ROLLING_BACK' ? 'wait for the rollback to finish' : 'wait for the rollout to end or abort it';
    io.out(`Not started: release ${c.releaseName} is ${state.phase} and an A/B test would route the same gateway; ${wait}.`);
    return 1;
  }
  if (state?.abTestId) {
    io.out(`Not started: A/B test ${state.abTestId} already routes the gateway of release ${c.releaseName} (one test at a time); stop it first: ${abTestStopCommand(c.releaseName, state.abTestId)}`);
    return 1;
  }
  const arns = abTestArns(c, deps.region, { live: args.liveEvalConfig!, canary: args.canaryEvalConfig! });
  const name = abTestName(c.releaseName, new Date());
  const percent = args.treatmentPercent ?? DEFAULT_TREATMENT_PERCENT;
  const r = await startAbTest(
    {
      name,
      release: c.releaseName,
      description: `live (${c.liveTarget}) vs canary (${c.canaryTarget}) of release ${c.releaseName}, started by ${deps.who}`,
      gatewayArn: arns.gatewayArn,
      roleArn: args.roleArn!,
      controlTarget: c.liveTarget,
      treatmentTarget: c.canaryTarget,
      treatmentPercent: percent,
      controlEvaluationConfigArn: arns.live,
      treatmentEvaluationConfigArn: arns.canary,
    },
    api,
    (deps.clientToken ?? randomUUID)(),
  );
  // Record it; a rollout or another test may have taken the release since the check above.
  let lost: string | undefined;
  try {
    const recorded = await store.recordAbTest(c.releaseName, r.abTestId, abRecord(deps, 'ab-start', `A/B test ${r.abTestId} (${name}) started: canary ${percent}%`, r.abTestId));
    if (!recorded) {
      const now = await store.get(c.releaseName);
      lost = now?.abTestId && now.abTestId !== r.abTestId ? `A/B test ${now.abTestId} was recorded meanwhile` : `the release moved to ${now?.phase ?? 'an unknown phase'} meanwhile`;
    }
  } catch (e) {
    lost = `recording it in the release state failed (${explain(e, deps.region)})`;
  }
  if (lost) {
    try {
      const stopped = await stopAbTest(r.abTestId, api);
      io.out(`Not started: ${lost}, so A/B test ${r.abTestId} (${name}) was stopped again (${stopped.executionStatus}). Run status, then try again.`);
    } catch (e) {
      io.out(`Not started: ${lost}, and stopping the A/B test ${r.abTestId} just created failed (${explain(e, deps.region)}). Stop it yourself: ${abTestStopCommand(c.releaseName, r.abTestId)}`);
    }
    return 1;
  }
  io.out(`Started A/B test ${r.abTestId} (${name}): ${r.executionStatus}`);
  io.out(`  ${CONTROL_VARIANT}  (live)   ${c.liveTarget} ${100 - percent}%   scored by ${arns.live}`);
  io.out(`  ${TREATMENT_VARIANT} (canary) ${c.canaryTarget} ${percent}%   scored by ${arns.canary}`);
  io.out(`Recorded for release ${c.releaseName}: no rollout starts until it is stopped.`);
  io.out(`Read results: npm run rollout -- ab-test status --release ${c.releaseName}`);
  io.out(`Stop it:      npm run rollout -- ab-test stop --release ${c.releaseName}`);
  return 0;
}

/**
 * Pause or resume a test. The release's record stays either way: a paused test still owns the gateway,
 * so no rollout starts until it is stopped. A stopped test can be neither (the service refuses).
 */
async function abTestPauseResume(action: 'pause' | 'resume', id: string, api: AbTestApi, deps: CliDeps, io: Output): Promise<number> {
  const c = deps.release.config;
  const before = (await api.get(id)).executionStatus;
  const target = action === 'pause' ? 'PAUSED' : 'RUNNING';
  if (before === 'STOPPED') {
    io.out(`A/B test ${id} is STOPPED and cannot be ${action === 'pause' ? 'paused' : 'resumed'}; start a new one: npm run rollout -- ab-test start --release ${c.releaseName} …`);
    return 1;
  }
  if (before === target) {
    io.out(`A/B test ${id} is already ${target}; nothing changed.`);
    return 0;
  }
  const r = action === 'pause' ? await pauseAbTest(id, api) : await resumeAbTest(id, api);
  io.out(
    action === 'pause'
      ? `Paused A/B test ${id}: ${r.executionStatus}. It stays recorded for release ${c.releaseName} (no rollout starts). Go on with: npm run rollout -- ab-test resume --release ${c.releaseName}`
      : `Resumed A/B test ${id}: ${r.executionStatus}. Read results: npm run rollout -- ab-test status --release ${c.releaseName}`,
  );
  return 0;
}

/**
 * Make the winner of the recorded test live, through the release state like any promotion: the test is
 * stopped and its record cleared (`ab-stop`), then — if the canary won — a rollout of the canary's version
 * is opened (`start`, with every check a rollout start makes) and promoted at once (`promote`: live pinned
 * to the canary's version, the live-version parameter written, all traffic on live). If live won, the
 * test is stopped and nothing else changes. An undecided test is refused unless --force.
 */
async function abTestPromote(args: CliArgs, id: string, api: AbTestApi, deps: CliDeps, io: Output): Promise<number> {
  const d = deps.release;
  const c = d.config;
  const report = await readAbTest(id, api);
  const { winner, why } = winnerOf(report);
  if (winner === 'undecided' && !args.force) {
    io.out(`Not promoted: ${why} in A/B test ${id}. Let it run longer (npm run rollout -- ab-test status --release ${c.releaseName}), or pass --force to promote the canary anyway.`);
    return 1;
  }
  if (report.executionStatus !== 'STOPPED') await stopAbTest(id, api);
  const promoteCanary = winner !== 'control';
  const cleared = await d.store.clearAbTest(c.releaseName, id, abRecord(deps, 'ab-stop', `A/B test ${id} stopped: ${promoteCanary ? `canary promoted (${winner === 'treatment' ? why : `forced: ${why}`})` : `live won (${why})`}`, id));
  if (!cleared) {
    io.out(`A/B test ${id} is stopped, but release ${c.releaseName} no longer recorded it (a rollback or another operator cleared it meanwhile); nothing promoted. Run status.`);
    return 1;
  }
  if (!promoteCanary) {
    io.out(`Live won A/B test ${id} (${why}): the test is stopped and live keeps all traffic; nothing promoted.`);
    return 0;
  }
  io.out(`Canary won A/B test ${id} (${winner === 'treatment' ? why : `forced: ${why}`}): the test is stopped; promoting the canary through release ${c.releaseName}.`);
  const releaseId = `ab-${id}-${Date.now().toString(36)}`.slice(0, 80);
  try {
    await startRollout({ releaseId, who: deps.who, force: args.force }, d);
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    io.out(`Not promoted (${e.code}): ${e.message}`);
    return 1;
  }
  return promoteRelease(releaseId, deps, io);
}

export async function abTest(args: CliArgs, deps: CliDeps, io: Output): Promise<number> {
  const api = deps.abTests;
  if (!api) throw new Error('no A/B test client configured');
  if (args.abTestAction === 'start') return abTestStart(args, api, deps, io);
  const c = deps.release.config;
  const recorded = (await deps.release.store.get(c.releaseName))?.abTestId;
  const id = args.abTestId ?? recorded;
  if (!id && args.abTestAction === 'promote') {
    io.out(`No A/B test is recorded for release ${c.releaseName}: nothing to promote.`);
    return 1;
  }
  if (!id) {
    io.out(`No A/B test is recorded for release ${c.releaseName}: pass --ab-test-id <id> (the id ab-test start printed).`);
    return 1;
  }
  if (args.abTestAction === 'pause' || args.abTestAction === 'resume') return abTestPauseResume(args.abTestAction, id, api, deps, io);
  if (args.abTestAction === 'promote') return abTestPromote(args, id, api, deps, io);
  if (args.abTestAction === 'stop') {
    let stopped: string;
    try {
      const before = await api.get(id);
      stopped = before.executionStatus === 'STOPPED' ? 'already STOPPED' : (await stopAbTest(id, api)).executionStatus;
    } catch (e) {
      // A recorded test the service no longer knows would block rollouts forever: forget it.
      if (!isNotFound(e) || id !== recorded) throw e;
      await deps.release.store.clearAbTest(c.releaseName, id, abRecord(deps, 'ab-stop', `A/B test ${id} not found on the service; record cleared`, id));
      io.out(`A/B test ${id} no longer exists on the service; release ${c.releaseName} records no A/B test now.`);
      return 0;
    }
    const cleared = await deps.release.store.clearAbTest(c.releaseName, id, abRecord(deps, 'ab-stop', `A/B test ${id} stopped`, id));
    io.out(`Stopped A/B test ${id}: ${stopped}. Final reading:`);
    printAbReport(await readAbTest(id, api), io);
    io.out(
      cleared
        ? `Release ${c.releaseName} records no A/B test now: a rollout may start.`
        : `A/B test ${id} was not the test recorded for release ${c.releaseName} (${recorded ? `recorded: ${recorded}, still running` : 'none recorded'}); the record is unchanged.`,
    );
    return 0;
  }
  const report = await readAbTest(id, api);
  if (args.json) {
    io.out(JSON.stringify({ ...report, verdict: overallVerdict(report) }, null, 2));
    return 0;
  }
  printAbReport(report, io);
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
    async resume(taskToken, output) {
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
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
    abTests: args.command === 'ab-test' ? sdkAbTestApi(clients.data) : undefined,
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
      case 'pause':
        return await pause(args, deps, io);
      case 'resume':
        return await resume(args, deps, io);
      case 'promote':
        return await promote(args, deps, io);
      case 'abort':
      case 'rollback':
        return await abort(args, deps, io);
      case 'ab-test':
        return await abTest(args, deps, io);
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
