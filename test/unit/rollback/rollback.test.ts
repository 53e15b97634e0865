import { handle } from '../../../lambda/rollback';
import { FakeAbTests } from '../../support/fake-ab-tests';
import { startDynalite, type LocalDynamo } from '../rollout/support/dynalite';
import { alarmEvent, everyRuleWasComplete, releaseFixture, rollingOutAt } from '../rollout/support/release-fixture';

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

const STATIC_LIVE = { kind: 'static', target: 'supervisor-live' };

describe('rollback on a canary alarm', () => {
  test('switches routing to static live, keeps live on the last good version, records and notifies', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    expect(f.route()).toEqual({ kind: 'weighted', liveTarget: 'supervisor-live', canaryTarget: 'supervisor-canary', canaryPercent: 10 });

    const result = await handle(alarmEvent('evt-1', 'supervisor-canary-health'), f.deps);

    expect(result).toMatchObject({ outcome: 'rolled-back', liveVersion: '3', notified: true });
    expect(f.route()).toEqual(STATIC_LIVE);
    expect(f.control.endpoints.get('live')?.liveVersion).toBe('3');
    expect(f.control.calls.pinEndpoint).toBe(0);
    const state = await f.store.get(f.config.releaseName);
    expect(state).toMatchObject({ phase: 'ROLLED_BACK', canaryPercent: 0, liveVersion: '3', rolledBackVersion: '4', updatedBy: 'alarm:supervisor-canary-health' });
    const [record] = await f.store.history(f.config.releaseName, 1);
    expect(record).toMatchObject({
      action: 'rollback',
      who: 'alarm:supervisor-canary-health',
      why: 'Threshold Crossed: canary errors above limit',
      from: { route: 'supervisor-live 90% / supervisor-canary 10%', canaryVersion: '4', liveVersion: '3' },
      to: { route: 'static → supervisor-live (100%)', liveVersion: '3' },
    });
    expect(record.when).toMatch(/^2026-11-26T02:00:00\.\d{3}Z$/);
    expect(f.notifier.sent).toHaveLength(1);
    expect(f.notifier.sent[0].subject).toBe('[supervisor] rolled back to version 3');
    expect(f.parameters.values.get(f.config.liveVersionParameter!)).toBe('3');
  });

  test('retries throttling, server errors and conflicts with backoff and still ends on static live', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 50);
    f.control.inject('getRule', 'throttle', 'server-error').inject('updateRuleActions', 'throttle', 'conflict', 'throttle');
    const delays: number[] = [];
    const deps = { ...f.deps, retry: { ...f.deps.retry, sleep: async (ms: number) => void delays.push(ms), random: () => 1 } };

    const result = await handle(alarmEvent('evt-2', 'supervisor-canary-health'), deps);

    expect(result.outcome).toBe('rolled-back');
    expect(f.route()).toEqual(STATIC_LIVE);
    expect(delays).toEqual([200, 400, 200, 400, 800]); // exponential per call, capped jitter at random() = 1
    expect(everyRuleWasComplete(f.control)).toBe(true);
  });

  test('a write that lands but answers after the deadline is retried safely (timeout)', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 25);
    f.control.inject('updateRuleActions', 'applied-then-slow');

    const result = await handle(alarmEvent('evt-3', 'supervisor-canary-health'), f.deps);

    expect(result.outcome).toBe('rolled-back');
    expect(f.route()).toEqual(STATIC_LIVE);
    expect(f.control.calls.updateRuleActions).toBe(3); // open at 25%, the slow write, the retry
    expect(everyRuleWasComplete(f.control)).toBe(true);
  });

  test('a rule already on static live is left alone and the rollback is still recorded', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    f.control.rule = { ...f.control.rule, actions: [{ routeToTarget: { staticRoute: { targetName: 'supervisor-live' } } }] };
    const writesBefore = f.control.calls.updateRuleActions;

    const result = await handle(alarmEvent('evt-4', 'supervisor-canary-health'), f.deps);

    expect(result.outcome).toBe('rolled-back');
    expect(f.control.calls.updateRuleActions).toBe(writesBefore);
    const [record] = await f.store.history(f.config.releaseName, 1);
    expect(record.from.route).toBe('static → supervisor-live (100%)');
    expect((await f.store.get(f.config.releaseName))?.phase).toBe('ROLLED_BACK');
  });

  test('two alarms at once give one rollback, one record and one notification', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    f.control.latencyMs = 5;

    const results = await Promise.all([
      handle(alarmEvent('evt-a', 'supervisor-canary-errors'), f.deps),
      handle(alarmEvent('evt-b', 'supervisor-canary-latency'), f.deps),
      handle({ source: 'rollout', executionName: 'exec-1', reason: 'step check failed' }, f.deps),
    ]);

    const outcomes = results.map((r) => r.outcome).sort();
    expect(outcomes.filter((o) => o === 'rolled-back')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already-rolled-back')).toHaveLength(2); // each waited for the claimant, then found it done
    expect(f.notifier.sent).toHaveLength(1);
    expect((await f.store.history(f.config.releaseName, 10)).filter((h) => h.action === 'rollback')).toHaveLength(1);
    expect(f.route()).toEqual(STATIC_LIVE);
    expect(everyRuleWasComplete(f.control)).toBe(true);
  });

  test('a second alarm after the rollback is a no-op', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    await handle(alarmEvent('evt-5', 'supervisor-canary-health'), f.deps);
    const writes = f.control.calls.updateRuleActions;

    const again = await handle(alarmEvent('evt-6', 'supervisor-canary-latency'), f.deps);

    expect(again.outcome).toBe('already-rolled-back');
    expect(f.control.calls.updateRuleActions).toBe(writes);
    expect(f.notifier.sent).toHaveLength(1);
  });

  test('when retries run out the split stays whole, the claim stays, and the redelivered event finishes the job', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    f.control.inject('updateRuleActions', 'throttle', 'throttle', 'throttle', 'throttle', 'throttle', 'throttle');

    await expect(handle(alarmEvent('evt-7', 'supervisor-canary-health'), f.deps)).rejects.toThrow(/ThrottlingException/);
    expect(f.route()).toMatchObject({ kind: 'weighted', canaryPercent: 10 }); // untouched, not half-applied
    expect((await f.store.get(f.config.releaseName))?.phase).toBe('ROLLING_BACK');
    // A different alarm inside the lease does not take the claim over, but it does not leave the traffic
    // split either: it closes the split itself, waits while it has time, then throws to be retried…
    await expect(handle(alarmEvent('evt-8', 'supervisor-canary-latency'), { ...f.deps, remainingMs: () => 1_500 })).rejects.toThrow(/held by event:evt-7.*traffic is on static live/);
    expect(f.route()).toEqual(STATIC_LIVE);

    // …and the retry of the claimant's event (same id) records and announces the rollback, once.
    const retried = await handle(alarmEvent('evt-7', 'supervisor-canary-health'), f.deps);
    expect(retried.outcome).toBe('rolled-back');
    expect(f.route()).toEqual(STATIC_LIVE);
    expect(everyRuleWasComplete(f.control)).toBe(true);
    expect(f.notifier.sent).toHaveLength(1);
  });

  test('a claimant that died is replaced once its lease runs out', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    f.control.inject('updateRuleActions', 'denied');
    await expect(handle(alarmEvent('evt-9', 'supervisor-canary-health'), f.deps)).rejects.toThrow(/AccessDenied/);

    f.advance(6 * 60_000);
    const result = await handle(alarmEvent('evt-10', 'supervisor-canary-latency'), f.deps);

    expect(result.outcome).toBe('rolled-back');
    expect(f.route()).toEqual(STATIC_LIVE);
    expect((await f.store.get(f.config.releaseName))?.updatedBy).toBe('alarm:supervisor-canary-latency');
  });

  test('a half-done promotion is undone: live goes back to the last good version', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 50);
    await f.control.pinEndpoint('rt-1', 'live', '4'); // promotion had started
    await f.store.beginPromote(f.config.releaseName, 'exec-1', '2026-11-26T02:01:00Z', Date.parse('2026-11-26T02:01:00Z'));

    const result = await handle(alarmEvent('evt-11', 'supervisor-canary-health'), f.deps);

    expect(result).toMatchObject({ outcome: 'rolled-back', liveVersion: '3' });
    expect(f.control.endpoints.get('live')?.liveVersion).toBe('3');
    expect(f.route()).toEqual(STATIC_LIVE);
    const [record] = await f.store.history(f.config.releaseName, 1);
    expect(record.from).toMatchObject({ phase: 'PROMOTING', liveVersion: '4' });
  });

  test('with no rollout running, a static rule is left alone and nobody is paged', async () => {
    const f = await releaseFixture(db);

    const result = await handle(alarmEvent('evt-12', 'supervisor-canary-health'), f.deps);

    expect(result.outcome).toBe('nothing-to-roll-back');
    expect(f.control.calls.updateRuleActions).toBe(0);
    expect(f.notifier.sent).toHaveLength(0);
  });

  test('with no rollout running, a split someone opened by hand is closed and reported', async () => {
    const f = await releaseFixture(db);
    f.control.rule = {
      ...f.control.rule,
      actions: [{ routeToTarget: { weightedRoute: { trafficSplit: [
        { name: 'live', targetName: 'supervisor-live', weight: 70 },
        { name: 'canary', targetName: 'supervisor-canary', weight: 30 },
      ] } } }],
    };

    const result = await handle(alarmEvent('evt-13', 'supervisor-canary-health'), f.deps);

    expect(result.outcome).toBe('closed-stray-split');
    expect(f.route()).toEqual(STATIC_LIVE);
    expect(f.notifier.sent[0].subject).toMatch(/closed a traffic split outside a rollout/);
  });

  test('a notification failure does not undo the rollback', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    f.notifier.failuresLeft = 10;

    const result = await handle(alarmEvent('evt-14', 'supervisor-canary-health'), f.deps);

    expect(result).toMatchObject({ outcome: 'rolled-back', notified: false });
    expect((await f.store.get(f.config.releaseName))?.phase).toBe('ROLLED_BACK');
  });

  test('an alarm returning to OK is ignored', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);

    const result = await handle(alarmEvent('evt-15', 'supervisor-canary-health', 'OK'), f.deps);

    expect(result).toEqual({ outcome: 'ignored', reason: 'alarm supervisor-canary-health moved to OK' });
    expect(f.route()).toMatchObject({ kind: 'weighted', canaryPercent: 10 });
  });

  test('an unknown event is rejected with the fields that are wrong', async () => {
    const f = await releaseFixture(db);
    await expect(handle({ source: 'rollout', executionName: '' }, f.deps)).rejects.toThrow(/unrecognised event .*expected a CloudWatch alarm state change, a Step Functions execution status change or \{ source: "rollout", executionName, reason \}/);
  });
});

describe('rollback on a canary alarm during an A/B test', () => {
  const abRecord = (id: string) => ({ action: 'ab-start' as const, who: 'cli:ops', when: '2026-11-26T01:00:00.000Z', why: 'compare', from: {}, to: { abTestId: id } });

  async function withRunningTest() {
    const abTests = new FakeAbTests();
    const f = await releaseFixture(db, { abTests });
    const { abTestId } = await abTests.create({ name: 'supervisor-test', gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/gw', variants: [], evaluationConfig: undefined, roleArn: 'arn:aws:iam::111111111111:role/ab', enableOnCreate: true });
    expect(await f.store.recordAbTest(f.config.releaseName, abTestId, abRecord(abTestId))).toBe(true);
    return { f, abTests, abTestId };
  }

  test('stops the recorded test (all traffic back on live), clears the record, records and notifies', async () => {
    const { f, abTests, abTestId } = await withRunningTest();

    const result = await handle(alarmEvent('evt-ab', 'supervisor-canary-health'), f.deps);

    expect(result).toMatchObject({ outcome: 'stopped-ab-test', notified: true });
    expect(abTests.updates).toEqual([{ abTestId, executionStatus: 'STOPPED' }]);
    expect((await abTests.get(abTestId)).executionStatus).toBe('STOPPED');
    expect((await f.store.get(f.config.releaseName))?.abTestId).toBeUndefined();
    const [record] = await f.store.history(f.config.releaseName, 1);
    expect(record).toMatchObject({ action: 'ab-stop', who: 'alarm:supervisor-canary-health', from: { abTestId } });
    expect(f.notifier.sent.map((n) => n.subject)).toEqual([`[supervisor] stopped A/B test ${abTestId}: the canary is unhealthy`]);
    // The rule was not the test's to touch, and no rollout was rolled back.
    expect(f.control.calls.updateRuleActions).toBe(0);
  });

  test('a stop the service refuses is thrown (the alarm delivery retries it) and the record stays', async () => {
    const { f, abTests, abTestId } = await withRunningTest();
    abTests.update = async () => {
      throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    };

    await expect(handle(alarmEvent('evt-ab-2', 'supervisor-canary-health'), f.deps)).rejects.toThrow('not authorized');
    expect((await f.store.get(f.config.releaseName))?.abTestId).toBe(abTestId);
  });

  test('without an A/B client the rollback only reports what it found, as before', async () => {
    const { f, abTestId } = await withRunningTest();
    const result = await handle(alarmEvent('evt-ab-3', 'supervisor-canary-health'), { ...f.deps, abTests: undefined });
    expect(result.outcome).toBe('nothing-to-roll-back');
    expect((await f.store.get(f.config.releaseName))?.abTestId).toBe(abTestId);
  });
});
