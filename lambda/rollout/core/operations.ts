/**
 * What a release does, as plain functions over the ports: start a rollout, move a step, check health,
 * promote, roll back. The rollout state machine, the rollback function and the CLI all call these,
 * so a manual abort and an alarm-driven rollback follow the same path.
 */
import type { AbTestApi } from '../ab-test';
import type { ReleaseConfig } from './config';
import type { AlarmReader, EndpointSnapshot, MetricReader, Notifier, ParameterWriter, ReleaseControlPlane } from './ports';
import { realSleep, retry, type RetryOptions } from './retry';
import { describeRoute, formatRoute, isStaticLive, staticLiveActions, weightedActions, type ReleaseTargets } from './routing';
import type { HistoryRecord, ReleaseState, ReleaseStateStore } from './state';

/** The slice of a logger release code uses (Powertools' Logger fits). */
export interface Log {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export interface ReleaseDeps {
  readonly config: ReleaseConfig;
  readonly control: ReleaseControlPlane;
  readonly store: ReleaseStateStore;
  readonly alarms: AlarmReader;
  /** Reads the canary's score over a bake window (`config.scoreCheck`). @default - no score check */
  readonly metrics?: MetricReader;
  readonly notifier: Notifier;
  readonly parameters?: ParameterWriter;
  /**
   * Stops the release's A/B test when the canary turns unhealthy during one (a stopped test sends all
   * traffic to the control variant, live).
   * @default - an A/B test is left running; the rollback only reports it
   */
  readonly abTests?: Pick<AbTestApi, 'update'>;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  readonly retry?: RetryOptions;
  readonly log?: Log;
  /**
   * Milliseconds this caller has left (a Lambda invocation's remaining time). A rollback claim is leased
   * for that long, and a caller waiting on another's claim gives up (throws, to be retried) before it ends.
   * @default - two minutes
   */
  readonly remainingMs?: () => number;
}

/** A release operation refused for a reason the caller must see (not a fault to retry). */
export class ReleaseError extends Error {
  constructor(
    readonly code:
      | 'NotReady'
      | 'NothingToRelease'
      | 'RolloutInProgress'
      | 'AbTestRunning'
      | 'VersionRolledBack'
      | 'RolloutStopped'
      | 'PromotionFailed'
      | 'PromotionTimedOut'
      | 'RuleNotApplied'
      | 'RollbackInProgress',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

function targets(c: ReleaseConfig): ReleaseTargets {
  return { liveTarget: c.liveTarget, canaryTarget: c.canaryTarget };
}

function ctx(deps: ReleaseDeps) {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? silent;
  const r = <T>(fn: () => Promise<T>) =>
    retry(fn, { onRetry: (e, n, ms) => log.warn('retrying', { attempt: n, delayMs: ms, error: String((e as Error)?.name ?? e) }), remainingMs: deps.remainingMs, ...deps.retry });
  return { clock, log, r, c: deps.config, t: targets(deps.config) };
}

/** Write the static-live route if the rule is not already on it, and read it back. */
async function ensureStaticLive(deps: ReleaseDeps): Promise<{ changed: boolean; before: string }> {
  const { r, c, t } = ctx(deps);
  const rule = await r(() => deps.control.getRule(c.gatewayId, c.ruleId));
  const before = describeRoute(rule.actions, t);
  if (isStaticLive(before, t)) return { changed: false, before: formatRoute(before) };
  await r(async () => {
    await deps.control.updateRuleActions(c.gatewayId, rule, staticLiveActions(t));
    const after = describeRoute((await deps.control.getRule(c.gatewayId, c.ruleId)).actions, t);
    if (!isStaticLive(after, t)) throw Object.assign(new ReleaseError('RuleNotApplied', `rule ${c.ruleId} reads ${formatRoute(after)} after the update`), { $retryable: true });
  });
  return { changed: true, before: formatRoute(before) };
}

/**
 * Announce once per `key`: concurrent duplicates race on a conditional write and one sends. A send that
 * fails gives the key back, so a retry of the same request sends it.
 */
async function notifyOnce(deps: ReleaseDeps, key: string, subject: string, body: Record<string, unknown>): Promise<boolean> {
  const { r, c } = ctx(deps);
  if (!(await r(() => deps.store.claimNotification(c.releaseName, key)))) return false;
  const sent = await notify(deps, subject, body);
  if (!sent) await r(() => deps.store.releaseNotification(c.releaseName, key));
  return sent;
}

async function notify(deps: ReleaseDeps, subject: string, body: Record<string, unknown>): Promise<boolean> {
  const { r, log } = ctx(deps);
  try {
    await r(() => deps.notifier.publish(subject, JSON.stringify(body, null, 2)));
    return true;
  } catch (e) {
    log.error('notification failed; the state record holds what happened', { error: String(e) });
    return false;
  }
}

// ---------------------------------------------------------------------------------------------- rollback

export interface RollbackRequest {
  /** Who asked: `alarm:<name>`, `rollout:<execution>`, `execution:<name>`, `cli:<user>`. */
  readonly who: string;
  readonly why: string;
  /** Same id for retries and duplicate deliveries of the same request (an EventBridge event id, an execution name). */
  readonly claimId: string;
  /**
   * The rollout this request is about (an execution's name). Only that rollout is rolled back: a request
   * from an old execution is recorded and ignored while a newer rollout runs.
   * @default - whatever rollout is running (an alarm names none)
   */
  readonly releaseId?: string;
  /** Time of the request, the same for every delivery of it (an event's time). @default - now */
  readonly at?: string;
  /**
   * A canary alarm: within `lateAlarmWindowSeconds` of a promotion it rolls the promoted version back
   * (its data came from the bake); later it is announced, and nothing is switched.
   */
  readonly fromAlarm?: boolean;
}

export interface RollbackOutcome {
  readonly outcome:
    | 'rolled-back'
    | 'already-rolled-back'
    | 'nothing-to-roll-back'
    | 'closed-stray-split'
    | 'stopped-ab-test'
    | 'ignored'
    | 'alarm-after-promotion';
  readonly route: string;
  readonly liveVersion?: string;
  readonly notified?: boolean;
}

/** How long a claim may be held by a caller that does not say how long it has (a CLI run). */
const DEFAULT_LEASE_MS = 2 * 60_000;
/** How often a caller that found another's claim looks again. */
const CLAIM_POLL_MS = 2_000;
/** Default of `lateAlarmWindowSeconds`. */
export const LATE_ALARM_WINDOW_SECONDS = 900;

/**
 * Put all traffic on `live` at its last good version, and return only when it is there.
 *
 * One caller claims the rollback with a conditional write and records and announces it, once per claim.
 * A caller that finds someone else's claim switches the rule to static live itself (the same complete
 * write, safe to repeat) and waits for the claimant to finish, taking the claim over when its lease runs
 * out: a claimant's lease ends with its own invocation, so a dead claimant is replaced within seconds.
 * A request for an older rollout than the one running is recorded and ignored.
 */
export async function rollback(req: RollbackRequest, deps: ReleaseDeps): Promise<RollbackOutcome> {
  const { clock, r, c } = ctx(deps);
  const sleep = deps.retry?.sleep ?? realSleep;
  for (;;) {
    const now = clock();
    const nowMs = now.getTime();
    const remaining = deps.remainingMs?.() ?? DEFAULT_LEASE_MS;
    const lateWindowMs = (c.lateAlarmWindowSeconds ?? LATE_ALARM_WINDOW_SECONDS) * 1000;
    const claimed = await r(() =>
      deps.store.claimRollback(c.releaseName, {
        claimId: req.claimId,
        releaseId: req.releaseId,
        now: now.toISOString(),
        nowMs,
        leaseUntilMs: nowMs + remaining,
        lateSinceMs: req.fromAlarm ? nowMs - lateWindowMs : undefined,
      }),
    );
    if (claimed) return finishClaimedRollback(claimed as ReleaseState & { claimId: string; claimedAt: string }, req, deps);

    const s = await r(() => deps.store.get(c.releaseName));
    const active = s?.phase === 'ROLLING_OUT' || s?.phase === 'PROMOTING' || s?.phase === 'ROLLING_BACK';
    if (active && req.releaseId && s.releaseId !== req.releaseId) return ignoreStale(s, req, deps);
    if (s?.phase === 'ROLLING_BACK') {
      // Someone else holds the claim: make the traffic safe now, then wait for them (or their lease).
      await ensureStaticLive(deps);
      const wait = Math.min(CLAIM_POLL_MS, Math.max(0, (s.leaseUntil ?? 0) - nowMs) + 1);
      if (deps.remainingMs && deps.remainingMs() < wait + 1_000) {
        throw new ReleaseError('RollbackInProgress', `rollback of ${c.releaseName} is held by ${s.claimId} until ${new Date(s.leaseUntil ?? 0).toISOString()}; traffic is on static live; retry to see it finished`);
      }
      await sleep(wait);
      continue;
    }
    // No rollout, but an A/B test sends the canary its share: stopping the test is this release's rollback.
    if (s?.abTestId && deps.abTests) return stopRecordedAbTest(deps.abTests, s.abTestId, s.liveVersion, req, deps);
    await repairLiveParameter(s, deps);
    // No rollout owns the rule: whatever it says, live-only is the only legitimate resting state.
    const { changed, before } = await ensureStaticLive(deps);
    if (changed) {
      deps.log?.warn('closed a split that no rollout owned', { before, phase: s?.phase });
      const notified = await notifyOnce(deps, `split:${req.claimId}`, `[${c.releaseName}] closed a traffic split outside a rollout`, { release: c.releaseName, who: req.who, why: req.why, before });
      return { outcome: 'closed-stray-split', route: 'static live', liveVersion: s?.liveVersion, notified };
    }
    if (req.fromAlarm && s?.phase === 'PROMOTED') {
      // Past the window the alarm says something about the version everyone now uses: a person decides.
      const notified = await notifyOnce(deps, `late:${req.claimId}`, `[${c.releaseName}] canary alarm after version ${s.liveVersion} was promoted`, {
        release: c.releaseName,
        who: req.who,
        why: req.why,
        promotedAt: s.promotedAtMs ? new Date(s.promotedAtMs).toISOString() : undefined,
        action: `nothing switched: promoted more than ${lateWindowMs / 60_000} min ago (previous version ${s.previousLiveVersion ?? 'unknown'}); look at the alarm, then release a fix or the previous version as a new rollout`,
      });
      return { outcome: 'alarm-after-promotion', route: 'static live', liveVersion: s.liveVersion, notified };
    }
    const done = s?.phase === 'ROLLED_BACK' && (!req.releaseId || s.releaseId === req.releaseId);
    return { outcome: done ? 'already-rolled-back' : 'nothing-to-roll-back', route: 'static live', liveVersion: s?.liveVersion };
  }
}

/** The claimant's part: static live, live on the last good version, parameter, record, announcement. */
async function finishClaimedRollback(claimed: ReleaseState & { claimId: string; claimedAt: string }, req: RollbackRequest, deps: ReleaseDeps): Promise<RollbackOutcome> {
  const { clock, log, r, c } = ctx(deps);
  log.info('rollback claimed', { release: c.releaseName, who: req.who, why: req.why, releaseId: claimed.releaseId, phase: claimed.phase });
  // 1. Stop new sessions reaching the canary: one call, the whole rule.
  const { before } = await ensureStaticLive(deps);
  // 2. Keep (or put back) live on the last good version, e.g. when a promotion was half way. A promoted
  //    release rolled back by a late alarm goes back to the version before the promotion.
  const promoted = claimed.phase === 'PROMOTED';
  const lastGood = promoted ? claimed.previousLiveVersion : claimed.liveVersion;
  const rolledBack = promoted ? claimed.liveVersion : claimed.canaryVersion;
  let liveBefore: EndpointSnapshot | undefined;
  if (lastGood) {
    liveBefore = await r(() => deps.control.getEndpoint(c.runtimeId, c.liveEndpoint));
    const servesLastGood = liveBefore.liveVersion === lastGood && (!liveBefore.targetVersion || liveBefore.targetVersion === lastGood);
    if (!servesLastGood) await r(() => deps.control.pinEndpoint(c.runtimeId, c.liveEndpoint, lastGood));
    // 3. The parameter a deploy pins live to, before the state says the rollback is done.
    if (deps.parameters && c.liveVersionParameter) await r(() => deps.parameters!.put(c.liveVersionParameter!, lastGood));
  }
  // 4. Record (once per claim) and tell (once per claim).
  const record: HistoryRecord = {
    action: 'rollback',
    releaseId: claimed.releaseId,
    who: req.who,
    when: clock().toISOString(),
    why: promoted ? `${req.why} (alarm within ${(c.lateAlarmWindowSeconds ?? LATE_ALARM_WINDOW_SECONDS) / 60} min of the promotion)` : req.why,
    from: { route: before, phase: claimed.phase, canaryPercent: claimed.canaryPercent, liveVersion: liveBefore?.targetVersion ?? liveBefore?.liveVersion ?? lastGood, canaryVersion: claimed.canaryVersion },
    to: { route: `static → ${c.liveTarget} (100%)`, liveVersion: lastGood },
  };
  await r(() => deps.store.finishRollback(c.releaseName, claimed, { liveVersion: lastGood, rolledBackVersion: rolledBack }, record));
  const notified = await notifyOnce(deps, `rollback:${claimed.claimId}:${claimed.claimedAt}`, `[${c.releaseName}] rolled back to version ${lastGood ?? '?'}`, { release: c.releaseName, ...record });
  return { outcome: 'rolled-back', route: 'static live', liveVersion: lastGood, notified };
}

/** A request about an older rollout than the one in the state: written down, nothing switched. */
async function ignoreStale(s: ReleaseState, req: RollbackRequest, deps: ReleaseDeps): Promise<RollbackOutcome> {
  const { clock, log, r, c } = ctx(deps);
  const record: HistoryRecord = {
    action: 'ignored',
    releaseId: req.releaseId,
    who: req.who,
    when: clock().toISOString(),
    why: `${req.why}: rollback request for rollout ${req.releaseId} ignored, rollout ${s.releaseId} is ${s.phase}`,
    from: { releaseId: req.releaseId },
    to: { releaseId: s.releaseId, phase: s.phase },
  };
  await r(() => deps.store.appendHistory(c.releaseName, record, req.at ?? record.when));
  log.warn('ignored a rollback request for another rollout', { release: c.releaseName, requested: req.releaseId, current: s.releaseId, phase: s.phase });
  return { outcome: 'ignored', route: `left to rollout ${s.releaseId}`, liveVersion: s.liveVersion };
}

/**
 * At rest, the live-version parameter must say what the state says: a promotion or rollback that stopped
 * between its two writes is finished here, so the next deploy cannot move `live` behind the release's back.
 */
export async function repairLiveParameter(s: ReleaseState | undefined, deps: ReleaseDeps): Promise<boolean> {
  const { r, c, log } = ctx(deps);
  if (!deps.parameters || !c.liveVersionParameter || !s?.liveVersion) return false;
  if (s.phase !== 'PROMOTED' && s.phase !== 'ROLLED_BACK' && s.phase !== 'IDLE') return false;
  const current = await r(() => deps.parameters!.get(c.liveVersionParameter!));
  if (current === s.liveVersion) return false;
  await r(() => deps.parameters!.put(c.liveVersionParameter!, s.liveVersion!));
  log.warn('repaired the live-version parameter', { release: c.releaseName, was: current, now: s.liveVersion });
  return true;
}

/**
 * Stop the release's A/B test (all traffic back on the control variant, live) and clear its record. A
 * failed stop is thrown, so the alarm's delivery retries it (and dead-letters it in the end).
 */
async function stopRecordedAbTest(abTests: Pick<AbTestApi, 'update'>, abTestId: string, liveVersion: string | undefined, req: RollbackRequest, deps: ReleaseDeps): Promise<RollbackOutcome> {
  const { clock, log, r, c } = ctx(deps);
  await r(() => abTests.update({ abTestId, executionStatus: 'STOPPED' }));
  const record: HistoryRecord = {
    action: 'ab-stop',
    who: req.who,
    when: clock().toISOString(),
    why: `${req.why}: A/B test ${abTestId} stopped, all traffic on ${c.liveTarget}`,
    from: { abTestId },
    to: { route: `${c.liveTarget} (100%)` },
  };
  await r(() => deps.store.clearAbTest(c.releaseName, abTestId, record));
  log.warn('stopped the A/B test instead of a rollout', { release: c.releaseName, abTestId, who: req.who, why: req.why });
  const notified = await notifyOnce(deps, `ab-stop:${abTestId}`, `[${c.releaseName}] stopped A/B test ${abTestId}: the canary is unhealthy`, { release: c.releaseName, ...record });
  return { outcome: 'stopped-ab-test', route: `A/B test stopped: all traffic on ${c.liveTarget}`, liveVersion, notified };
}

// ---------------------------------------------------------------------------------------------- rollout

/** The command that stops a release's recorded A/B test. */
export function abTestStopCommand(releaseName: string, abTestId: string): string {
  return `npm run rollout -- ab-test stop --release ${releaseName} --ab-test-id ${abTestId}`;
}

/** Why a rollout cannot start while another one runs, promotes or rolls back. */
function rolloutInProgressError(releaseName: string, state: ReleaseState | undefined): ReleaseError {
  return new ReleaseError('RolloutInProgress', `release ${releaseName} is ${state?.phase ?? 'busy'} (rollout ${state?.releaseId ?? '?'}); wait for it or abort it`);
}

/** Why a rollout cannot start while an A/B test routes the release's gateway. */
export function abTestRunningError(releaseName: string, abTestId: string): ReleaseError {
  return new ReleaseError('AbTestRunning', `release ${releaseName} has A/B test ${abTestId} routing its gateway; stop it first: ${abTestStopCommand(releaseName, abTestId)}`);
}

export interface StartRequest {
  readonly releaseId: string;
  readonly who: string;
  readonly executionArn?: string;
  /** Start even though the canary's version was rolled back before. */
  readonly force?: boolean;
}

export interface StartResult {
  readonly releaseId: string;
  readonly liveVersion: string;
  readonly canaryVersion: string;
}

/**
 * Whether a rollout could start now, read-only: both endpoints READY on different versions, no A/B test
 * recorded, the canary's version not rolled back before (unless forced), no other rollout running.
 * Throws the ReleaseError `start` would.
 */
export async function checkStartable(req: Pick<StartRequest, 'force'>, deps: ReleaseDeps): Promise<{ liveVersion: string; canaryVersion: string }> {
  const { c } = ctx(deps);
  const { live, canary, state } = await readStartable(req, deps);
  if (state?.phase === 'ROLLING_OUT' || state?.phase === 'PROMOTING' || state?.phase === 'ROLLING_BACK') {
    throw rolloutInProgressError(c.releaseName, state);
  }
  return { liveVersion: live.liveVersion!, canaryVersion: canary.liveVersion! };
}

async function readStartable(req: Pick<StartRequest, 'force'>, deps: ReleaseDeps) {
  const { r, c } = ctx(deps);
  const [live, canary] = await Promise.all([
    r(() => deps.control.getEndpoint(c.runtimeId, c.liveEndpoint)),
    r(() => deps.control.getEndpoint(c.runtimeId, c.canaryEndpoint)),
  ]);
  for (const ep of [live, canary]) {
    if (ep.status !== 'READY' || !ep.liveVersion) throw new ReleaseError('NotReady', `endpoint ${ep.name} is ${ep.status}${ep.liveVersion ? '' : ' with no version'}; wait until it is READY`);
  }
  if (live.liveVersion === canary.liveVersion) {
    throw new ReleaseError('NothingToRelease', `canary and live both serve version ${live.liveVersion}; deploy the new version to the ${c.canaryEndpoint} endpoint first`);
  }
  const state = await r(() => deps.store.get(c.releaseName));
  if (state?.abTestId) throw abTestRunningError(c.releaseName, state.abTestId);
  if (state?.rolledBackVersion === canary.liveVersion && !req.force) {
    throw new ReleaseError('VersionRolledBack', `version ${canary.liveVersion} was rolled back (${state?.updatedAt ?? 'earlier'}); deploy a fixed version or start with force`);
  }
  return { live, canary, state };
}

/** Open a rollout: both endpoints READY on different versions, no other rollout and no A/B test running. Moves no traffic. */
export async function startRollout(req: StartRequest, deps: ReleaseDeps): Promise<StartResult> {
  const { clock, r, c } = ctx(deps);
  const { live, canary, state } = await readStartable(req, deps);
  await repairLiveParameter(state, deps);
  const now = clock().toISOString();
  const ok = await r(() => deps.store.start(c.releaseName, { releaseId: req.releaseId, liveVersion: live.liveVersion!, canaryVersion: canary.liveVersion!, executionArn: req.executionArn, who: req.who, now }));
  if (!ok) {
    // Say what won, as it stands now: the state read above may predate it.
    const latest = (await r(() => deps.store.get(c.releaseName))) ?? state;
    if (latest?.abTestId) throw abTestRunningError(c.releaseName, latest.abTestId);
    throw rolloutInProgressError(c.releaseName, latest);
  }
  await ensureStaticLive(deps);
  await deps.store.appendHistory(c.releaseName, {
    action: 'start',
    releaseId: req.releaseId,
    who: req.who,
    when: now,
    why: 'rollout started',
    from: { liveVersion: live.liveVersion },
    to: { canaryVersion: canary.liveVersion },
  });
  return { releaseId: req.releaseId, liveVersion: live.liveVersion!, canaryVersion: canary.liveVersion! };
}

export interface StepResult {
  readonly applied: boolean;
  readonly reason?: string;
}

/**
 * Move the split to `canaryPercent`. The weight is recorded first (only while this rollout runs), then
 * applied, then the state is read again: if a rollback claimed the release in between, the split is
 * closed again here, so a step can never re-open a canary that was rolled back.
 */
export async function setWeight(req: { releaseId: string; canaryPercent: number; stepIndex: number }, deps: ReleaseDeps): Promise<StepResult> {
  const { clock, r, c, t } = ctx(deps);
  const actions = weightedActions(t, req.canaryPercent); // validates 1–99 before anything is written
  const now = clock();
  const recorded = await r(() => deps.store.setStep(c.releaseName, req.releaseId, req.canaryPercent, req.stepIndex, now.toISOString(), now.getTime()));
  if (!recorded) return { applied: false, reason: 'the rollout is no longer running' };
  const rule = await r(() => deps.control.getRule(c.gatewayId, c.ruleId));
  await r(() => deps.control.updateRuleActions(c.gatewayId, rule, actions));
  const after = await r(() => deps.store.get(c.releaseName));
  if (after?.phase !== 'ROLLING_OUT' || after.releaseId !== req.releaseId) {
    await ensureStaticLive(deps);
    return { applied: false, reason: `the release moved to ${after?.phase} while the step was applied; routing put back to live` };
  }
  return { applied: true };
}

export interface HealthResult {
  readonly healthy: boolean;
  readonly reasons: string[];
  /** Healthy, and the rollout must wait for a person before going on (a pause, or an approval step). */
  readonly hold: boolean;
  readonly holdReason: string;
  /** The reasons as one line: the cause of the state machine's failure (a plain path, no intrinsic). */
  readonly summary: string;
}

/** After a bake: alarms quiet, rule still on this step's weights, canary still on the version under test. */
export async function checkHealth(req: { releaseId: string; canaryPercent: number; approval?: boolean }, deps: ReleaseDeps): Promise<HealthResult> {
  const { clock, r, c, t } = ctx(deps);
  const reasons: string[] = [];
  const state = await r(() => deps.store.get(c.releaseName));
  if (state?.phase !== 'ROLLING_OUT' || state.releaseId !== req.releaseId) {
    const reasons = [`the rollout is no longer running (release is ${state?.phase ?? 'unknown'})`];
    return { healthy: false, reasons, summary: reasons[0], hold: false, holdReason: '' };
  }
  const alarms = await r(() => deps.alarms.states(c.alarmNames));
  for (const a of alarms) if (a.state === 'ALARM') reasons.push(`alarm ${a.name} is in ALARM: ${a.reason ?? ''}`.trim());
  const route = describeRoute((await r(() => deps.control.getRule(c.gatewayId, c.ruleId))).actions, t);
  if (route.kind !== 'weighted' || route.canaryPercent !== req.canaryPercent) {
    reasons.push(`routing changed outside the rollout: expected canary ${req.canaryPercent}%, found ${formatRoute(route)}`);
  }
  const canary = await r(() => deps.control.getEndpoint(c.runtimeId, c.canaryEndpoint));
  if (canary.liveVersion !== state.canaryVersion) {
    reasons.push(`the ${c.canaryEndpoint} endpoint moved from version ${state.canaryVersion} to ${canary.liveVersion} during the rollout`);
  }
  // The score of the sessions the canary served during this bake, not an hourly alarm that lags behind it.
  if (c.scoreCheck && deps.metrics && state.stepStartedMs !== undefined) {
    const { namespace, metricName, dimensions, minimum } = c.scoreCheck;
    const score = await r(() => deps.metrics!.average({ namespace, metricName, dimensions }, new Date(state.stepStartedMs!), clock()));
    if (score.average !== undefined && score.average < minimum) {
      reasons.push(`${metricName} of the ${c.canaryEndpoint} endpoint averaged ${score.average.toFixed(3)} over ${score.samples} scored sessions in this bake, below ${minimum}`);
    }
  }
  const healthy = reasons.length === 0;
  const holdReason = state.paused ? 'paused by a person' : req.approval ? `step at ${req.canaryPercent}% needs approval` : '';
  return { healthy, reasons, summary: reasons.join('; ') || 'healthy', hold: healthy && holdReason !== '', holdReason };
}

/**
 * The rollout waits for a person: its task token is recorded (so `resume` can answer it) and the hold
 * announced once. Throws when the rollout no longer runs (it was rolled back while the step checked).
 */
export async function holdRollout(req: { releaseId: string; taskToken: string; reason: string }, deps: ReleaseDeps): Promise<{ holding: true }> {
  const { clock, r, c } = ctx(deps);
  const record: HistoryRecord = { action: 'hold', releaseId: req.releaseId, who: `rollout:${req.releaseId}`, when: clock().toISOString(), why: req.reason, from: {}, to: {} };
  const ok = await r(() => deps.store.recordHold(c.releaseName, req.releaseId, req.taskToken, req.reason, record));
  if (!ok) throw new ReleaseError('RolloutStopped', `rollout ${req.releaseId} is no longer running; nothing to hold`);
  await notifyOnce(deps, `hold:${req.releaseId}:${record.when}`, `[${c.releaseName}] rollout ${req.releaseId} is waiting: ${req.reason}`, {
    release: c.releaseName,
    releaseId: req.releaseId,
    why: req.reason,
    next: `npm run rollout -- resume --release ${c.releaseName} (or abort --reason "…")`,
  });
  return { holding: true };
}

/** Pin `live` to the canary's version (the split stays on meanwhile, so nothing flips twice). */
export async function beginPromotion(req: { releaseId: string }, deps: ReleaseDeps): Promise<{ canaryVersion: string }> {
  const { clock, r, c } = ctx(deps);
  const now = clock();
  const ok = await r(() => deps.store.beginPromote(c.releaseName, req.releaseId, now.toISOString(), now.getTime()));
  if (!ok) throw new ReleaseError('RolloutStopped', `rollout ${req.releaseId} is no longer running; nothing promoted`);
  const state = (await r(() => deps.store.get(c.releaseName))) as ReleaseState;
  await r(() => deps.control.pinEndpoint(c.runtimeId, c.liveEndpoint, state.canaryVersion!));
  return { canaryVersion: state.canaryVersion! };
}

/** Default of `promotionTimeoutSeconds`. */
export const PROMOTION_TIMEOUT_SECONDS = 900;

/**
 * Whether `live` serves the canary's version yet. Throws when the endpoint update failed, when the
 * rollout was stopped meanwhile, or when `live` has not moved within the promotion timeout — so the
 * state machine's wait loop always ends in a state it can catch, never in the execution's own timeout.
 */
export async function promotionStatus(req: { releaseId: string }, deps: ReleaseDeps): Promise<{ ready: boolean; status: string }> {
  const { clock, r, c } = ctx(deps);
  const state = await r(() => deps.store.get(c.releaseName));
  if (state?.releaseId !== req.releaseId || state.phase !== 'PROMOTING') {
    throw new ReleaseError('RolloutStopped', `rollout ${req.releaseId} is no longer promoting (release is ${state?.phase ?? 'unknown'}, rollout ${state?.releaseId ?? '?'})`);
  }
  const live = await r(() => deps.control.getEndpoint(c.runtimeId, c.liveEndpoint));
  if (live.status === 'UPDATE_FAILED') throw new ReleaseError('PromotionFailed', `endpoint ${c.liveEndpoint} failed to move to version ${state.canaryVersion}`);
  const ready = live.status === 'READY' && live.liveVersion === state.canaryVersion;
  const timeoutMs = (c.promotionTimeoutSeconds ?? PROMOTION_TIMEOUT_SECONDS) * 1000;
  if (!ready && state.promotionStartedMs !== undefined && clock().getTime() - state.promotionStartedMs > timeoutMs) {
    throw new ReleaseError('PromotionTimedOut', `endpoint ${c.liveEndpoint} is still ${live.status} on version ${live.liveVersion} after ${timeoutMs / 1000} s; expected version ${state.canaryVersion}`);
  }
  return { ready, status: live.status };
}

/**
 * Route all traffic to `live` (now on the new version) and record the promotion. The live-version
 * parameter is written before the state says PROMOTED, and a retry after either write finishes the other:
 * the parameter a deploy reads never lags behind a promotion the state records.
 */
export async function finishPromotion(req: { releaseId: string; who: string }, deps: ReleaseDeps): Promise<{ promoted: boolean; liveVersion?: string }> {
  const { clock, r, c } = ctx(deps);
  const state = await r(() => deps.store.get(c.releaseName));
  const ours = state?.releaseId === req.releaseId && (state.phase === 'PROMOTING' || state.phase === 'PROMOTED');
  if (!ours) return { promoted: false };
  // A retry of a promotion that landed: the version it promoted is live now.
  const version = state.phase === 'PROMOTED' ? state.liveVersion! : state.canaryVersion!;
  const { before } = await ensureStaticLive(deps);
  if (deps.parameters && c.liveVersionParameter) await r(() => deps.parameters!.put(c.liveVersionParameter!, version));
  const now = clock();
  const record: HistoryRecord = {
    action: 'promote',
    releaseId: req.releaseId,
    who: req.who,
    when: now.toISOString(),
    why: 'all steps healthy',
    from: { route: before, liveVersion: state.phase === 'PROMOTED' ? state.previousLiveVersion : state.liveVersion },
    to: { route: `static → ${c.liveTarget} (100%)`, liveVersion: version },
  };
  const promoted = await r(() => deps.store.finishPromote(c.releaseName, req.releaseId, version, record, now.getTime()));
  if (!promoted) return { promoted: false };
  await notifyOnce(deps, `promote:${req.releaseId}`, `[${c.releaseName}] promoted version ${version}`, { release: c.releaseName, ...record });
  return { promoted: true, liveVersion: version };
}
