import { handle as rollbackHandle } from '../../../lambda/rollback';
import { handle } from '../../../lambda/rollout';
import { planRollout } from '../../../lib/release/rollout-plan';
import { startDynalite, type LocalDynamo } from './support/dynalite';
import { alarmEvent, claimAt, everyRuleWasComplete, releaseFixture, rollingOutAt } from './support/release-fixture';

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

describe('rollout actions', () => {
  test('a whole linear rollout: each step sets a two-entry split, then live is pinned to the canary version and routing returns to static', async () => {
    const f = await releaseFixture(db);
    f.alarms.set('supervisor-canary-health', 'OK');
    const start = (await handle({ action: 'start', executionName: 'exec-1' }, f.deps)) as { releaseId: string; liveVersion: string; canaryVersion: string };
    expect(start).toEqual({ releaseId: 'exec-1', liveVersion: '3', canaryVersion: '4' });

    const seen: number[] = [];
    for (const [i, step] of planRollout('LINEAR_25PERCENT_EVERY_5MINUTES').steps.entries()) {
      expect(await handle({ action: 'setWeight', releaseId: 'exec-1', canaryPercent: step.canaryPercent, stepIndex: i }, f.deps)).toEqual({ applied: true });
      const route = f.route();
      seen.push(route.kind === 'weighted' ? route.canaryPercent : -1);
      expect(await handle({ action: 'check', releaseId: 'exec-1', canaryPercent: step.canaryPercent }, f.deps)).toEqual({ healthy: true, reasons: [], summary: 'healthy', hold: false, holdReason: '' });
    }
    expect(seen).toEqual([25, 50, 75]);

    expect(await handle({ action: 'beginPromotion', releaseId: 'exec-1' }, f.deps)).toEqual({ canaryVersion: '4' });
    expect(f.control.endpoints.get('live')?.liveVersion).toBe('4');
    expect(f.route()).toMatchObject({ kind: 'weighted', canaryPercent: 75 }); // split stays until live serves the new version
    expect(await handle({ action: 'promotionStatus', releaseId: 'exec-1' }, f.deps)).toEqual({ ready: true, status: 'READY' });
    expect(await handle({ action: 'finishPromotion', releaseId: 'exec-1' }, f.deps)).toEqual({ promoted: true, liveVersion: '4' });

    expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
    expect(await f.store.get(f.config.releaseName)).toMatchObject({ phase: 'PROMOTED', liveVersion: '4', canaryPercent: 0 });
    expect(f.parameters.values.get(f.config.liveVersionParameter!)).toBe('4');
    expect(f.notifier.sent.map((m) => m.subject)).toEqual(['[supervisor] promoted version 4']);
    expect(everyRuleWasComplete(f.control)).toBe(true);
  });

  test('start refuses when the canary serves the same version as live', async () => {
    const f = await releaseFixture(db);
    await f.control.pinEndpoint('rt-1', 'canary', '3');
    await expect(handle({ action: 'start', executionName: 'exec-1' }, f.deps)).rejects.toThrow(/canary and live both serve version 3; deploy the new version to the canary endpoint first/);
  });

  test('start refuses while another rollout runs', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    await expect(handle({ action: 'start', executionName: 'exec-2' }, f.deps)).rejects.toThrow(/release supervisor is ROLLING_OUT \(rollout exec-1\); wait for it or abort it/);
  });

  test('start refuses an endpoint that is not READY', async () => {
    const f = await releaseFixture(db);
    f.control.endpoints.set('canary', { name: 'canary', liveVersion: '3', targetVersion: '4', status: 'UPDATING' });
    await expect(handle({ action: 'start', executionName: 'exec-1' }, f.deps)).rejects.toThrow(/endpoint canary is UPDATING; wait until it is READY/);
  });

  test('after a rollback the same version cannot be started again without force', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    await rollbackHandle(alarmEvent('evt-1', 'supervisor-canary-health'), f.deps);

    await expect(handle({ action: 'start', executionName: 'exec-2' }, f.deps)).rejects.toThrow(/version 4 was rolled back .*deploy a fixed version or start with force/);
    expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });

    await expect(handle({ action: 'start', executionName: 'exec-3', force: true }, f.deps)).resolves.toMatchObject({ canaryVersion: '4' });
  });

  test('a step after a rollback does not re-open the canary', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    await rollbackHandle(alarmEvent('evt-1', 'supervisor-canary-health'), f.deps);
    const writes = f.control.calls.updateRuleActions;

    const step = await handle({ action: 'setWeight', releaseId: 'exec-1', canaryPercent: 50, stepIndex: 1 }, f.deps);

    expect(step).toEqual({ applied: false, reason: 'the rollout is no longer running' });
    expect(f.control.calls.updateRuleActions).toBe(writes);
    expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
  });

  test('a rollback that lands while a step is being applied wins: the step closes the split again', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    // The rollback claims the release between the step's state write and its rule write.
    const original = f.control.updateRuleActions.bind(f.control);
    let raced = false;
    f.control.updateRuleActions = async (gw, rule, actions) => {
      if (!raced) {
        raced = true;
        await f.store.claimRollback(f.config.releaseName, claimAt('other', '2026-11-26T02:00:00Z'));
      }
      return original(gw, rule, actions);
    };

    const step = await handle({ action: 'setWeight', releaseId: 'exec-1', canaryPercent: 50, stepIndex: 1 }, f.deps);

    expect(step).toMatchObject({ applied: false });
    expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
  });

  test('check reports a firing alarm, routing changed outside the rollout, and a canary that moved', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    f.alarms.set('supervisor-canary-health', 'ALARM', 'canary error rate 7% > 5%');
    f.control.rule = { ...f.control.rule, actions: [{ routeToTarget: { staticRoute: { targetName: 'supervisor-live' } } }] };
    await f.control.pinEndpoint('rt-1', 'canary', '5');

    const result = (await handle({ action: 'check', releaseId: 'exec-1', canaryPercent: 10 }, f.deps)) as { healthy: boolean; reasons: string[] };

    expect(result.healthy).toBe(false);
    expect(result.reasons).toEqual([
      'alarm supervisor-canary-health is in ALARM: canary error rate 7% > 5%',
      'routing changed outside the rollout: expected canary 10%, found static → supervisor-live (100%)',
      'the canary endpoint moved from version 4 to 5 during the rollout',
    ]);
  });

  test('check scores the canary over its own bake window: a low average fails the step, no scored session passes', async () => {
    const SCORE = { namespace: 'Bedrock-AgentCore/Evaluations', metricName: 'Builtin.GoalSuccessRate', dimensions: { 'service.name': 'supervisor.canary' }, minimum: 0.85 };
    const windows: Array<{ from: number; to: number }> = [];
    let score: { average?: number; samples: number } = { average: 0.62, samples: 14 };
    const metrics = {
      average: async (m: { metricName: string }, from: Date, to: Date) => {
        expect(m.metricName).toBe('Builtin.GoalSuccessRate');
        windows.push({ from: from.getTime(), to: to.getTime() });
        return score;
      },
    };
    const f = await releaseFixture(db, { metrics }, { scoreCheck: SCORE });
    await rollingOutAt(f, 10, 'exec-1');
    const stepStarted = (await f.store.get('supervisor'))!.stepStartedMs!;
    f.advance(600_000); // the bake

    const low = (await handle({ action: 'check', releaseId: 'exec-1', canaryPercent: 10 }, f.deps)) as { healthy: boolean; reasons: string[] };
    expect(low.healthy).toBe(false);
    expect(low.reasons).toEqual(['Builtin.GoalSuccessRate of the canary endpoint averaged 0.620 over 14 scored sessions in this bake, below 0.85']);
    expect(windows[0].from).toBe(stepStarted);
    expect(windows[0].to - windows[0].from).toBeGreaterThanOrEqual(600_000);

    score = { samples: 0 };
    expect(await handle({ action: 'check', releaseId: 'exec-1', canaryPercent: 10 }, f.deps)).toMatchObject({ healthy: true });
    score = { average: 0.9, samples: 3 };
    expect(await handle({ action: 'check', releaseId: 'exec-1', canaryPercent: 10 }, f.deps)).toMatchObject({ healthy: true });
  });

  test('promotion is refused once the rollout was rolled back', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    await rollbackHandle(alarmEvent('evt-1', 'supervisor-canary-health'), f.deps);

    await expect(handle({ action: 'beginPromotion', releaseId: 'exec-1' }, f.deps)).rejects.toThrow(/rollout exec-1 is no longer running; nothing promoted/);
    expect(f.control.endpoints.get('live')?.liveVersion).toBe('3');
  });

  test('a failed endpoint update stops the promotion with a clear error', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    await handle({ action: 'beginPromotion', releaseId: 'exec-1' }, f.deps);
    f.control.endpoints.set('live', { name: 'live', liveVersion: '3', status: 'UPDATE_FAILED' });
    await expect(handle({ action: 'promotionStatus', releaseId: 'exec-1' }, f.deps)).rejects.toThrow(/endpoint live failed to move to version 4/);
  });

  test('task input is validated: a weight of 100 is not a split', async () => {
    const f = await releaseFixture(db);
    await expect(handle({ action: 'setWeight', releaseId: 'exec-1', canaryPercent: 100, stepIndex: 0 }, f.deps)).rejects.toThrow(/invalid task input \(canaryPercent: .*99/);
    await expect(handle({ action: 'deploy' }, f.deps)).rejects.toThrow(/invalid task input \(action: /);
  });
});
