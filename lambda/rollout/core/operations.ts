/**
 * What a release does, as plain functions over the ports: start a rollout, move a step, check health,
 * promote, roll back. The rollout state machine, the rollback function and the CLI all call these,
 * so a manual abort and an alarm-driven rollback follow the same path.
 */
import type { AbTestApi } from '../ab-test';
import type { ReleaseConfig } from './config';
import type { AlarmReader, EndpointSnapshot, Notifier, ParameterWriter, ReleaseControlPlane } from './ports';
import { retry, type RetryOptions } from './retry';
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
}

/** A release operation refused for a reason the caller must see (not a fault to retry). */
export class ReleaseError extends Error {
  constructor(
    readonly code: 'NotReady' | 'NothingToRelease' | 'RolloutInProgress' | 'AbTestRunning' | 'VersionRolledBack' | 'RolloutStopped' | 'PromotionFailed' | 'RuleNotApplied',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const ROLLBACK_LEASE_MS = 5 * 60_000;

function targets(c: ReleaseConfig): ReleaseTargets {
  return { liveTarget: c.liveTarget, canaryTarget: c.canaryTarget };
}

function ctx(deps: ReleaseDeps) {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? silent;
  const r = <T>(fn: () => Promise<T>) => retry(fn, { onRetry: (e, n, ms) => log.warn('retrying', { attempt: n, delayMs: ms, error: String((e as Error)?.name ?? e) }), ...deps.retry });
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
  /** Who asked: `alarm:<name>`, `rollout:<execution>`, `cli:<user>`. */
  readonly who: string;
  readonly why: string;
  /** Same id for retries of the same request (an EventBridge event id, an execution name). */
  readonly claimId: string;
}

export interface RollbackOutcome {
  readonly outcome: 'rolled-back' | 'already-rolled-back' | 'in-progress-elsewhere' | 'nothing-to-roll-back' | 'closed-stray-split' | 'stopped-ab-test';
  readonly route: string;
  readonly liveVersion?: string;
  readonly notified?: boolean;
}

/**
 * Put all traffic on `live` at its last good version. Idempotent: one caller claims the rollback with a
 * conditional write; the others return without touching anything. A claimant that dies is replaced
 * after its lease (5 minutes), and a retry of the same request (same claimId) resumes its own claim.
 */
export async function rollback(req: RollbackRequest, deps: ReleaseDeps): Promise<RollbackOutcome> {
  const { clock, log, r, c } = ctx(deps);
  const now = clock();
  const claimed = await r(() => deps.store.claimRollback(c.releaseName, req.claimId, now.getTime(), ROLLBACK_LEASE_MS, now.toISOString()));

  if (!claimed) {
    const s = await r(() => deps.store.get(c.releaseName));
    if (s?.phase === 'ROLLING_BACK') return { outcome: 'in-progress-elsewhere', route: 'being switched to live by another caller' };
    // No rollout, but an A/B test sends the canary its share: stopping the test is this release's rollback.
    if (s?.abTestId && deps.abTests) return stopRecordedAbTest(deps.abTests, s.abTestId, s.liveVersion, req, deps);
    // No rollout owns the rule: whatever it says, live-only is the only legitimate resting state.
    const { changed, before } = await ensureStaticLive(deps);
    if (changed) {
      log.warn('closed a split that no rollout owned', { before, phase: s?.phase });
      await notify(deps, `[${c.releaseName}] closed a traffic split outside a rollout`, { release: c.releaseName, who: req.who, why: req.why, before });
      return { outcome: 'closed-stray-split', route: 'static live', liveVersion: s?.liveVersion };
    }
    return { outcome: s?.phase === 'ROLLED_BACK' ? 'already-rolled-back' : 'nothing-to-roll-back', route: 'static live', liveVersion: s?.liveVersion };
  }

  log.info('rollback claimed', { release: c.releaseName, who: req.who, why: req.why, releaseId: claimed.releaseId });
  // 1. Stop new sessions reaching the canary: one call, the whole rule.
  const { before } = await ensureStaticLive(deps);
  // 2. Keep (or put back) live on the last good version, e.g. when a promotion was half way.
  const lastGood = claimed.liveVersion;
  let liveBefore: EndpointSnapshot | undefined;
  if (lastGood) {
    liveBefore = await r(() => deps.control.getEndpoint(c.runtimeId, c.liveEndpoint));
    const servesLastGood = liveBefore.liveVersion === lastGood && (!liveBefore.targetVersion || liveBefore.targetVersion === lastGood);
    if (!servesLastGood) await r(() => deps.control.pinEndpoint(c.runtimeId, c.liveEndpoint, lastGood));
  }
  // 3. Record and tell.
  const record: HistoryRecord = {
    action: 'rollback',
    releaseId: claimed.releaseId,
    who: req.who,
    when: clock().toISOString(),
    why: req.why,
    from: { route: before, phase: claimed.phase, canaryPercent: claimed.canaryPercent, liveVersion: liveBefore?.targetVersion ?? liveBefore?.liveVersion ?? lastGood, canaryVersion: claimed.canaryVersion },
    to: { route: `static → ${c.liveTarget} (100%)`, liveVersion: lastGood },
  };
  await r(() => deps.store.finishRollback(c.releaseName, req.claimId, claimed.canaryVersion, record));
  if (deps.parameters && c.liveVersionParameter && lastGood) await r(() => deps.parameters!.put(c.liveVersionParameter!, lastGood));
  const notified = await notify(deps, `[${c.releaseName}] rolled back to version ${lastGood ?? '?'}`, { release: c.releaseName, ...record });
  return { outcome: 'rolled-back', route: 'static live', liveVersion: lastGood, notified };
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
  const notified = await notify(deps, `[${c.releaseName}] stopped A/B test ${abTestId}: the canary is unhealthy`, { release: c.releaseName, ...record });
  return { outcome: 'stopped-ab-test', route: `A/B test stopped: all traffic on ${c.liveTarget}`, liveVersion, notified };
}

// ---------------------------------------------------------------------------------------------- rollout

/** The command that stops a release's recorded A/B test. */
export function abTestStopCommand(releaseName: string, abTestId: string): string {
  return `npm run rollout -- ab-test stop --release ${releaseName} --ab-test-id ${abTestId}`;
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

/** Open a rollout: both endpoints READY on different versions, no other rollout and no A/B test running. Moves no traffic. */
export async function startRollout(req: StartRequest, deps: ReleaseDeps): Promise<StartResult> {
  const { clock, r, c } = ctx(deps);
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
  const now = clock().toISOString();
  const ok = await r(() => deps.store.start(c.releaseName, { releaseId: req.releaseId, liveVersion: live.liveVersion!, canaryVersion: canary.liveVersion!, executionArn: req.executionArn, who: req.who, now }));
  if (!ok) {
    // Say what won, as it stands now: the state read above may predate it.
    const latest = (await r(() => deps.store.get(c.releaseName))) ?? state;
    if (latest?.abTestId) throw abTestRunningError(c.releaseName, latest.abTestId);
    throw new ReleaseError('RolloutInProgress', `release ${c.releaseName} is ${latest?.phase ?? 'busy'} (rollout ${latest?.releaseId ?? '?'}); wait for it or abort it`);
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
  const recorded = await r(() => deps.store.setStep(c.releaseName, req.releaseId, req.canaryPercent, req.stepIndex, clock().toISOString()));
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
}

/** After a bake: alarms quiet, rule still on this step's weights, canary still on the version under test. */
export async function checkHealth(req: { releaseId: string; canaryPercent: number }, deps: ReleaseDeps): Promise<HealthResult> {
  const { r, c, t } = ctx(deps);
  const reasons: string[] = [];
  const state = await r(() => deps.store.get(c.releaseName));
  if (state?.phase !== 'ROLLING_OUT' || state.releaseId !== req.releaseId) {
    return { healthy: false, reasons: [`the rollout is no longer running (release is ${state?.phase ?? 'unknown'})`] };
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
  return { healthy: reasons.length === 0, reasons };
}

/** Pin `live` to the canary's version (the split stays on meanwhile, so nothing flips twice). */
export async function beginPromotion(req: { releaseId: string }, deps: ReleaseDeps): Promise<{ canaryVersion: string }> {
  const { clock, r, c } = ctx(deps);
  const ok = await r(() => deps.store.beginPromote(c.releaseName, req.releaseId, clock().toISOString()));
  if (!ok) throw new ReleaseError('RolloutStopped', `rollout ${req.releaseId} is no longer running; nothing promoted`);
  const state = (await r(() => deps.store.get(c.releaseName))) as ReleaseState;
  await r(() => deps.control.pinEndpoint(c.runtimeId, c.liveEndpoint, state.canaryVersion!));
  return { canaryVersion: state.canaryVersion! };
}

/** Whether `live` serves the canary's version yet. Throws when the endpoint update failed. */
export async function promotionStatus(req: { releaseId: string }, deps: ReleaseDeps): Promise<{ ready: boolean; status: string }> {
  const { r, c } = ctx(deps);
  const state = await r(() => deps.store.get(c.releaseName));
  const live = await r(() => deps.control.getEndpoint(c.runtimeId, c.liveEndpoint));
  if (live.status === 'UPDATE_FAILED') throw new ReleaseError('PromotionFailed', `endpoint ${c.liveEndpoint} failed to move to version ${state?.canaryVersion}`);
  return { ready: live.status === 'READY' && live.liveVersion === state?.canaryVersion, status: live.status };
}

/** Route all traffic to `live` (now on the new version) and record the promotion. */
export async function finishPromotion(req: { releaseId: string; who: string }, deps: ReleaseDeps): Promise<{ promoted: boolean; liveVersion?: string }> {
  const { clock, r, c } = ctx(deps);
  const state = await r(() => deps.store.get(c.releaseName));
  const { before } = await ensureStaticLive(deps);
  if (state?.phase !== 'PROMOTING' || state.releaseId !== req.releaseId) return { promoted: false };
  const record: HistoryRecord = {
    action: 'promote',
    releaseId: req.releaseId,
    who: req.who,
    when: clock().toISOString(),
    why: 'all steps healthy',
    from: { route: before, liveVersion: state.liveVersion },
    to: { route: `static → ${c.liveTarget} (100%)`, liveVersion: state.canaryVersion },
  };
  const promoted = await r(() => deps.store.finishPromote(c.releaseName, req.releaseId, state.canaryVersion!, record));
  if (!promoted) return { promoted: false };
  if (deps.parameters && c.liveVersionParameter) await r(() => deps.parameters!.put(c.liveVersionParameter!, state.canaryVersion!));
  await notify(deps, `[${c.releaseName}] promoted version ${state.canaryVersion}`, { release: c.releaseName, ...record });
  return { promoted: true, liveVersion: state.canaryVersion };
}
