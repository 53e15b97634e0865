import { handle as rollbackHandle } from '../../../lambda/rollback';
import { ReleaseError, startRollout } from '../../../lambda/rollout/core/operations';
import type { HistoryRecord } from '../../../lambda/rollout/core/state';
import { startDynalite, type LocalDynamo } from './support/dynalite';
import { alarmEvent, claimAt, releaseFixture, rollingOutAt, type Fixture } from './support/release-fixture';

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

let tick = 0;
function rec(action: 'ab-start' | 'ab-stop', abTestId: string): HistoryRecord {
  const when = new Date(Date.parse('2026-11-26T03:00:00Z') + tick++).toISOString();
  return { action, who: 'cli:alice', when, why: `A/B test ${abTestId} ${action === 'ab-start' ? 'started' : 'stopped'}`, from: {}, to: { abTestId } };
}

const STOP_AB_1 = 'npm run rollout -- ab-test stop --release supervisor --ab-test-id ab-1';

async function phaseOf(f: Fixture) {
  return (await f.store.get(f.config.releaseName))?.phase;
}

describe('release state: the A/B test on the gateway', () => {
  test('recording a test on a release with no item yet leaves it at rest (IDLE, canary 0 %) with the id and an ab-start record', async () => {
    const f = await releaseFixture(db);

    expect(await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'))).toBe(true);

    expect(await f.store.get('supervisor')).toMatchObject({ release: 'supervisor', phase: 'IDLE', canaryPercent: 0, abTestId: 'ab-1', updatedBy: 'cli:alice' });
    const [h] = await f.store.history('supervisor', 1);
    expect(h).toMatchObject({ action: 'ab-start', who: 'cli:alice', why: 'A/B test ab-1 started', to: { abTestId: 'ab-1' } });
  });

  test('a second test is refused while one is recorded; recording the same test again (a retried write) succeeds', async () => {
    const f = await releaseFixture(db);
    await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'));

    expect(await f.store.recordAbTest('supervisor', 'ab-2', rec('ab-start', 'ab-2'))).toBe(false);
    expect((await f.store.get('supervisor'))?.abTestId).toBe('ab-1');
    expect(await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'))).toBe(true);
    expect((await f.store.history('supervisor', 10)).map((h) => h.to.abTestId)).toEqual(['ab-1', 'ab-1']);
  });

  test('no test is recorded while a rollout runs, promotes or rolls back; after a promotion or a rollback it is', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10, 'exec-1');
    expect(await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'))).toBe(false);

    await f.store.beginPromote('supervisor', 'exec-1', '2026-11-26T03:00:00Z', Date.parse('2026-11-26T03:00:00Z'));
    expect(await phaseOf(f)).toBe('PROMOTING');
    expect(await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'))).toBe(false);

    await f.store.claimRollback('supervisor', claimAt('claim-1', '2026-11-26T03:00:00Z'));
    expect(await phaseOf(f)).toBe('ROLLING_BACK');
    expect(await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'))).toBe(false);
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();

    await f.store.finishRollback('supervisor', { claimId: 'claim-1', claimedAt: '2026-11-26T03:00:00Z' }, { rolledBackVersion: '4' }, { action: 'rollback', who: 'test', when: '2026-11-26T03:00:01Z', why: 'test', from: {}, to: {} });
    expect(await phaseOf(f)).toBe('ROLLED_BACK');
    expect(await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'))).toBe(true);
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'ROLLED_BACK', abTestId: 'ab-1', liveVersion: '3', canaryVersion: '4' });
  });

  test('after a promotion a test is recorded, and the promoted state is kept', async () => {
    const f = await releaseFixture(db);
    await f.store.start('supervisor', { releaseId: 'exec-1', liveVersion: '3', canaryVersion: '4', who: 'test', now: '2026-11-26T02:00:00Z' });
    await f.store.beginPromote('supervisor', 'exec-1', '2026-11-26T02:10:00Z', Date.parse('2026-11-26T02:10:00Z'));
    await f.store.finishPromote('supervisor', 'exec-1', '4', { action: 'promote', releaseId: 'exec-1', who: 'test', when: '2026-11-26T02:11:00Z', why: 'test', from: {}, to: {} }, Date.parse('2026-11-26T02:11:00Z'));

    expect(await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'))).toBe(true);
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'PROMOTED', liveVersion: '4', abTestId: 'ab-1' });
  });

  test('the record is cleared only by its own id, once, with an ab-stop record', async () => {
    const f = await releaseFixture(db);
    await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'));

    expect(await f.store.clearAbTest('supervisor', 'ab-2', rec('ab-stop', 'ab-2'))).toBe(false);
    expect((await f.store.get('supervisor'))?.abTestId).toBe('ab-1');

    expect(await f.store.clearAbTest('supervisor', 'ab-1', rec('ab-stop', 'ab-1'))).toBe(true);
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'IDLE', canaryPercent: 0 });
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();
    expect(await f.store.clearAbTest('supervisor', 'ab-1', rec('ab-stop', 'ab-1'))).toBe(false);
    expect((await f.store.history('supervisor', 10)).map((h) => h.action)).toEqual(['ab-stop', 'ab-start']);
  });

  test('clearing a release that never recorded a test is refused and writes nothing', async () => {
    const f = await releaseFixture(db);
    expect(await f.store.clearAbTest('supervisor', 'ab-1', rec('ab-stop', 'ab-1'))).toBe(false);
    expect(await f.store.get('supervisor')).toBeUndefined();
    expect(await f.store.history('supervisor')).toEqual([]);
  });

  test('the start condition itself refuses a rollout while a test is recorded', async () => {
    const f = await releaseFixture(db);
    await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'));

    expect(await f.store.start('supervisor', { releaseId: 'exec-1', liveVersion: '3', canaryVersion: '4', who: 'test', now: '2026-11-26T03:00:00Z' })).toBe(false);
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'IDLE', abTestId: 'ab-1' });
    expect((await f.store.get('supervisor'))?.releaseId).toBeUndefined();
  });
});

describe('rollout start while an A/B test routes the gateway', () => {
  test('is refused before anything is written, naming the test and the stop command; the rule is not touched', async () => {
    const f = await releaseFixture(db);
    await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'));
    const ruleWrites = f.control.calls.updateRuleActions;

    const started = startRollout({ releaseId: 'exec-1', who: 'rollout:exec-1' }, f.deps);

    await expect(started).rejects.toBeInstanceOf(ReleaseError);
    await expect(started).rejects.toMatchObject({ code: 'AbTestRunning', message: `release supervisor has A/B test ab-1 routing its gateway; stop it first: ${STOP_AB_1}` });
    expect(f.control.calls.updateRuleActions).toBe(ruleWrites);
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'IDLE', abTestId: 'ab-1' });
    expect((await f.store.history('supervisor', 10)).map((h) => h.action)).toEqual(['ab-start']);
  });

  test('a test recorded between the check and the write still wins: the rollout is refused with the same message', async () => {
    const f = await releaseFixture(db);
    // The test is recorded right after startRollout read the state (which then had no test).
    const read = f.store.get.bind(f.store);
    let raced = false;
    f.store.get = async (release) => {
      const s = await read(release);
      if (!raced) {
        raced = true;
        expect(await f.store.recordAbTest(release, 'ab-1', rec('ab-start', 'ab-1'))).toBe(true);
      }
      return s;
    };
    const ruleWrites = f.control.calls.updateRuleActions;

    await expect(startRollout({ releaseId: 'exec-1', who: 'rollout:exec-1' }, f.deps)).rejects.toMatchObject({
      code: 'AbTestRunning',
      message: `release supervisor has A/B test ab-1 routing its gateway; stop it first: ${STOP_AB_1}`,
    });
    expect(raced).toBe(true);
    expect(f.control.calls.updateRuleActions).toBe(ruleWrites);
    expect(await read('supervisor')).toMatchObject({ phase: 'IDLE', abTestId: 'ab-1' });
  });

  test('a rollout that won the race is named as it stands now, not as first read', async () => {
    const f = await releaseFixture(db);
    const read = f.store.get.bind(f.store);
    let raced = false;
    f.store.get = async (release) => {
      const s = await read(release);
      if (!raced) {
        raced = true;
        await f.store.start(release, { releaseId: 'exec-0', liveVersion: '3', canaryVersion: '4', who: 'test', now: '2026-11-26T03:00:00Z' });
      }
      return s;
    };

    await expect(startRollout({ releaseId: 'exec-1', who: 'rollout:exec-1' }, f.deps)).rejects.toMatchObject({
      code: 'RolloutInProgress',
      message: 'release supervisor is ROLLING_OUT (rollout exec-0); wait for it or abort it',
    });
  });

  test('once the test is cleared the rollout starts', async () => {
    const f = await releaseFixture(db);
    await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'));
    await f.store.clearAbTest('supervisor', 'ab-1', rec('ab-stop', 'ab-1'));

    await expect(startRollout({ releaseId: 'exec-1', who: 'rollout:exec-1' }, f.deps)).resolves.toEqual({ releaseId: 'exec-1', liveVersion: '3', canaryVersion: '4' });
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'ROLLING_OUT', releaseId: 'exec-1' });
  });

  test('an alarm during an A/B test finds no rollout to roll back and leaves the record alone', async () => {
    const f = await releaseFixture(db);
    await f.store.recordAbTest('supervisor', 'ab-1', rec('ab-start', 'ab-1'));

    expect(await rollbackHandle(alarmEvent('evt-1', 'supervisor-canary-health'), f.deps)).toMatchObject({ outcome: 'nothing-to-roll-back' });
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'IDLE', abTestId: 'ab-1' });
  });
});
