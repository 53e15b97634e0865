/** A release wired to dynalite and the fakes, with helpers to walk it into a given state. */
import { randomUUID } from 'node:crypto';
import type { ReleaseConfig } from '../../../../lambda/rollout/core/config';
import { setWeight, startRollout, type ReleaseDeps } from '../../../../lambda/rollout/core/operations';
import { describeRoute, type Route } from '../../../../lambda/rollout/core/routing';
import { ReleaseStateStore, type RollbackClaim } from '../../../../lambda/rollout/core/state';
import { createReleaseTable, type LocalDynamo } from './dynalite';
import { CONFIG, FakeAlarms, FakeControlPlane, FakeNotifier, FakeParameters } from './fakes';

export interface Fixture {
  readonly config: ReleaseConfig;
  readonly control: FakeControlPlane;
  readonly alarms: FakeAlarms;
  readonly notifier: FakeNotifier;
  readonly parameters: FakeParameters;
  readonly store: ReleaseStateStore;
  readonly deps: ReleaseDeps;
  /** Move the fake clock forward. */
  advance(ms: number): void;
  route(): Route;
}

export async function releaseFixture(db: LocalDynamo, overrides: Partial<ReleaseDeps> = {}, configOverrides: Partial<ReleaseConfig> = {}): Promise<Fixture> {
  const config = { ...CONFIG, ...configOverrides, tableName: `release-${randomUUID()}` };
  await createReleaseTable(db.client, config.tableName);
  const control = new FakeControlPlane(config);
  const alarms = new FakeAlarms();
  const notifier = new FakeNotifier();
  const parameters = new FakeParameters();
  const store = new ReleaseStateStore(db.doc, config.tableName);
  let now = Date.parse('2026-11-26T02:00:00Z');
  const deps: ReleaseDeps = {
    config,
    control,
    store,
    alarms,
    notifier,
    parameters,
    clock: () => new Date(now++), // ticks 1 ms per read so records keep their order
    retry: { sleep: async () => {}, attemptTimeoutMs: 500, attempts: 6 },
    ...overrides,
  };
  return {
    config,
    control,
    alarms,
    notifier,
    parameters,
    store,
    deps,
    advance: (ms) => {
      now += ms;
    },
    route: () => describeRoute(control.rule.actions, config),
  };
}

/** Start a rollout of canary v4 over live v3 and open it at `percent`. */
export async function rollingOutAt(f: Fixture, percent: number, releaseId = 'exec-1'): Promise<void> {
  await startRollout({ releaseId, who: 'test', executionArn: `arn:aws:states:us-east-1:111111111111:execution:rollout:${releaseId}` }, f.deps);
  const step = await setWeight({ releaseId, canaryPercent: percent, stepIndex: 0 }, f.deps);
  if (!step.applied) throw new Error(`fixture: step not applied: ${step.reason}`);
}

/** True when every rule the gateway held was complete: static, or two entries summing to 100 with weights 1–99. */
export function everyRuleWasComplete(control: FakeControlPlane): boolean {
  return control.ruleHistory.every((actions) => {
    const route = actions[0]?.routeToTarget;
    if (actions.length !== 1 || !route) return false;
    if (route.staticRoute) return !!route.staticRoute.targetName;
    const split = route.weightedRoute?.trafficSplit ?? [];
    return split.length === 2 && split.every((e) => (e.weight ?? 0) >= 1 && (e.weight ?? 0) <= 99) && split.reduce((t, e) => t + (e.weight ?? 0), 0) === 100;
  });
}

export function alarmEvent(id: string, alarmName: string, value = 'ALARM') {
  return {
    id,
    version: '0',
    source: 'aws.cloudwatch',
    account: '111111111111',
    region: 'us-east-1',
    time: '2026-11-26T02:00:00Z',
    resources: [`arn:aws:cloudwatch:us-east-1:111111111111:alarm:${alarmName}`],
    'detail-type': 'CloudWatch Alarm State Change',
    detail: { alarmName, state: { value, reason: `Threshold Crossed: canary errors above limit`, timestamp: '2026-11-26T02:00:00Z' }, previousState: { value: 'OK' } },
  };
}

/** A rollback claim taken at `now` (ISO) with a five-minute lease. */
export function claimAt(claimId: string, now: string, extra: Partial<RollbackClaim> = {}): RollbackClaim {
  const nowMs = Date.parse(now);
  return { claimId, now, nowMs, leaseUntilMs: nowMs + 300_000, ...extra };
}
