import { abort, parseCliArgs, promote, start, status, type Executions } from '../../../bin/rollout';
import { startDynalite, type LocalDynamo } from '../rollout/support/dynalite';
import { releaseFixture, rollingOutAt, type Fixture } from '../rollout/support/release-fixture';
import { cliHarness } from './support/cli-harness';

class FakeExecutions implements Executions {
  readonly started: Array<{ arn: string; name: string; input: Record<string, unknown> }> = [];
  readonly stopped: string[] = [];
  status = 'RUNNING';
  async describe() {
    return { status: this.status, startDate: new Date(Date.now() - 120_000) };
  }
  async start(arn: string, name: string, input: Record<string, unknown>) {
    this.started.push({ arn, name, input });
    return `arn:aws:states:us-east-1:111111111111:execution:rollout:${name}`;
  }
  async stop(arn: string) {
    this.stopped.push(arn);
    this.status = 'ABORTED';
  }
  async resume() {
    throw new Error('not held');
  }
}

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

function cli(f: Fixture) {
  const executions = new FakeExecutions();
  return { executions, ...cliHarness(f, { executions, pollMs: 1, sleep: async () => {} }) };
}

describe('rollout CLI commands', () => {
  test('status shows versions, weights, step, execution, alarm states and history', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    f.alarms.set('supervisor-canary-health', 'OK');
    const c = cli(f);

    expect(await status(parseCliArgs(['status', '--release', 'supervisor']), c.deps, c.io)).toBe(0);

    const text = c.lines.join('\n');
    expect(text).toMatch(/^Release supervisor \(us-east-1\)/);
    expect(text).toMatch(/Phase +ROLLING_OUT +rollout exec-1/);
    expect(text).toMatch(/Live +live v3 \(READY\) +last good: v3/);
    expect(text).toMatch(/Canary +canary v4 \(READY\)/);
    expect(text).toContain('Routing   supervisor-live 90% / supervisor-canary 10%');
    expect(text).toContain('Step      1 (canary 10%)');
    expect(text).toMatch(/Execution RUNNING, started 2 min ago/);
    expect(text).toMatch(/OK +supervisor-canary-health/);
    expect(text).toMatch(/start +by test: rollout started/);
  });

  test('status --json gives the same facts to scripts', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await status(parseCliArgs(['status', '--release', 'supervisor', '--json']), c.deps, c.io);
    const json = JSON.parse(c.lines.join('\n'));
    expect(json).toMatchObject({ release: 'supervisor', state: null, route: { kind: 'static', target: 'supervisor-live' }, live: { liveVersion: '3' }, canary: { liveVersion: '4' } });
  });

  test('abort stops the execution and rolls back, recording who and why', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 25);
    const c = cli(f);

    expect(await abort(parseCliArgs(['abort', '--release', 'supervisor', '--reason', 'answers cite the wrong policy']), c.deps, c.io)).toBe(0);

    expect(c.executions.stopped).toEqual(['arn:aws:states:us-east-1:111111111111:execution:rollout:exec-1']);
    expect(c.lines).toEqual(['Rolled back: all traffic on live at v3.']);
    expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
    const [h] = await f.store.history('supervisor', 1);
    expect(h).toMatchObject({ action: 'rollback', who: 'cli:alice', why: 'answers cite the wrong policy' });
  });

  test('promote stops the execution, pins live to the canary version and routes everything to live', async () => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    const c = cli(f);

    expect(await promote(parseCliArgs(['promote', '--release', 'supervisor']), c.deps, c.io)).toBe(0);

    expect(c.executions.stopped).toHaveLength(1);
    expect(c.lines).toEqual(['Pinning live to v4…', 'Promoted: live serves v4; all traffic on live.']);
    expect(f.control.endpoints.get('live')?.liveVersion).toBe('4');
    expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
    expect((await f.store.get('supervisor'))?.phase).toBe('PROMOTED');
  });

  test('promote with no rollout running says so and changes nothing', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    expect(await promote(parseCliArgs(['promote', '--release', 'supervisor']), c.deps, c.io)).toBe(1);
    expect(c.lines).toEqual(['Nothing to promote: release supervisor is IDLE.']);
    expect(f.control.calls.pinEndpoint).toBe(0);
  });

  test('start begins an execution of the rollout state machine, passing --force through', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    expect(await start(parseCliArgs(['start', '--release', 'supervisor', '--force']), c.deps, c.io)).toBe(0);
    expect(c.executions.started).toEqual([{ arn: 'arn:aws:states:us-east-1:111111111111:stateMachine:rollout', name: expect.stringMatching(/^supervisor-\d{4}-/), input: { force: true } }]);
    expect(c.lines[0]).toMatch(/^Started rollout supervisor-/);
  });
});
