import { abort, abTest, parseCliArgs, run, start, status } from '../../../bin/rollout';
import { startDynalite, type LocalDynamo } from '../rollout/support/dynalite';
import { claimAt, releaseFixture, rollingOutAt, type Fixture } from '../rollout/support/release-fixture';
import { cliHarness } from './support/cli-harness';
import { FakeAbTests } from '../../support/fake-ab-tests';

const ROLE = 'arn:aws:iam::111111111111:role/ab-test';
const LIVE_EVAL = 'arn:aws:bedrock-agentcore:us-east-1:111111111111:online-evaluation-config/live-eval';
const START = ['ab-test', 'start', '--release', 'supervisor', '--role-arn', ROLE, '--live-eval-config', LIVE_EVAL, '--canary-eval-config', 'canary_eval'];

describe('ab-test arguments', () => {
  test('start reads the role, both evaluation configs and the treatment share, 10 % by default', () => {
    expect(parseCliArgs(START)).toMatchObject({ command: 'ab-test', abTestAction: 'start', roleArn: ROLE, liveEvalConfig: LIVE_EVAL, canaryEvalConfig: 'canary_eval', treatmentPercent: 10 });
    expect(parseCliArgs([...START, '--treatment-percent', '25']).treatmentPercent).toBe(25);
  });

  test('start names every missing or malformed flag at once', () => {
    expect(() => parseCliArgs(['ab-test', 'start', '--release', 'supervisor', '--live-eval-config', 'arn:aws:s3:::bucket', '--treatment-percent', '100'])).toThrow(
      new RegExp(
        [
          '--role-arn is required for ab-test start',
          '--live-eval-config: expected an online evaluation config ARN \\(arn:aws:bedrock-agentcore:<region>:<account>:online-evaluation-config/<id>\\) or id .*got "arn:aws:s3:::bucket"',
          '--canary-eval-config is required for ab-test start: the online evaluation config \\(ARN or id\\) scoring the canary endpoint',
          '--treatment-percent: expected a whole number 1–99 \\(share of sessions on the canary\\), got "100"',
        ].join('[\\s\\S]*'),
      ),
    );
  });

  test.each([['0'], ['12.5'], ['ten'], ['-5']])('start refuses --treatment-percent=%s', (v) => {
    expect(() => parseCliArgs([...START, `--treatment-percent=${v}`])).toThrow(`--treatment-percent: expected a whole number 1–99 (share of sessions on the canary), got "${v}"`);
  });

  test('start refuses a non-role ARN and the same config for both variants', () => {
    const args = ['ab-test', 'start', '--release', 'supervisor', '--role-arn', 'arn:aws:iam::111111111111:user/alice', '--live-eval-config', 'same', '--canary-eval-config', 'same'];
    expect(() => parseCliArgs(args)).toThrow(/--role-arn: expected an IAM role ARN \(arn:aws:iam::<account>:role\/<name>\), got "arn:aws:iam::111111111111:user\/alice"[\s\S]*--canary-eval-config: must differ from --live-eval-config/);
  });

  test('status and stop take an optional test id (default: the recorded one); start-only flags are refused there', () => {
    expect(parseCliArgs(['ab-test', 'status', '--release', 'supervisor', '--ab-test-id', 'ab-1', '--json'])).toMatchObject({ abTestAction: 'status', abTestId: 'ab-1', json: true });
    expect(parseCliArgs(['ab-test', 'stop', '--release', 'supervisor'])).toMatchObject({ abTestAction: 'stop', abTestId: undefined });
    expect(() => parseCliArgs(['ab-test', 'stop', '--release', 'supervisor', '--treatment-percent', '20'])).toThrow('--treatment-percent only applies to ab-test start');
    expect(() => parseCliArgs(['ab-test', 'stop', '--release', 'supervisor', '--ab-test-id', 'ab 1'])).toThrow('--ab-test-id: expected letters, digits, "_" or "-", got "ab 1"');
  });

  test('a missing or unknown subcommand is named; ab-test flags are refused on other commands', () => {
    expect(() => parseCliArgs(['ab-test', '--release', 'supervisor'])).toThrow('ab-test needs a subcommand: expected one of start, status, pause, resume, promote, stop');
    expect(() => parseCliArgs(['ab-test', 'split', '--release', 'supervisor'])).toThrow('unknown ab-test subcommand "split": expected one of start, status, pause, resume, promote, stop');
    expect(() => parseCliArgs(['ab-test', 'status', 'now', '--release', 'supervisor', '--ab-test-id', 'ab-1'])).toThrow('unexpected argument "now"');
    expect(() => parseCliArgs(['status', '--release', 'supervisor', '--ab-test-id', 'ab-1', '--role-arn', ROLE])).toThrow(
      /--role-arn only applies to ab-test start[\s\S]*--ab-test-id only applies to ab-test status, pause, resume and stop/,
    );
    expect(() => parseCliArgs(['ab-test', 'stop', '--release', 'supervisor', '--ab-test-id', 'ab-1', '--json'])).toThrow('--json only applies to status and ab-test status');
  });

  test('bad flags exit 2 with the usage (which documents the default share) and never connect', async () => {
    const err: string[] = [];
    const connect = jest.fn();
    expect(await run(['ab-test', 'start', '--release', 'supervisor'], { out: () => {}, err: (l) => err.push(l) }, connect)).toBe(2);
    expect(err.join('\n')).toMatch(/rollout: --role-arn is required[\s\S]*--treatment-percent <1-99> +ab-test start: share of sessions on the canary \(default 10\)/);
    expect(connect).not.toHaveBeenCalled();
  });
});

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

function cli(f: Fixture) {
  const abTests = new FakeAbTests();
  return { abTests, ...cliHarness(f, { executions: { describe: jest.fn(), start: jest.fn(), stop: jest.fn(), resume: jest.fn() }, abTests, clientToken: () => 'token-1' }, { abTests }) };
}

function withResults(api: FakeAbTests, id: string) {
  const t = api.tests.get(id)!;
  api.tests.set(id, {
    ...t,
    results: {
      analysisTimestamp: new Date('2026-11-26T02:00:00Z'),
      evaluatorMetrics: [
        {
          evaluatorArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:evaluator/helpfulness',
          controlStats: { variantName: 'C', sampleSize: 400, mean: 0.82 },
          variantResults: [{ variantName: 'T1', sampleSize: 100, mean: 0.88, absoluteChange: 0.06, percentChange: 7.3, pValue: 0.01, isSignificant: true }],
        },
        {
          evaluatorArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:evaluator/correctness',
          controlStats: { variantName: 'C', sampleSize: 400, mean: 0.9 },
          variantResults: [{ variantName: 'T1', sampleSize: 100, mean: 0.7, absoluteChange: -0.2, percentChange: -22.2, pValue: 0.001, isSignificant: true }],
        },
      ],
    },
  });
}

describe('ab-test commands', () => {
  test('start creates a test on the release gateway: C = live target, T1 = canary target, one evaluation config each', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);

    expect(await abTest(parseCliArgs([...START, '--treatment-percent', '20']), c.deps, c.io)).toBe(0);

    expect(c.abTests.created).toHaveLength(1);
    expect(c.abTests.created[0]).toMatchObject({
      name: expect.stringMatching(/^supervisor-\d{8}T\d{4}$/),
      gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/gw-1',
      roleArn: ROLE,
      clientToken: 'token-1',
      enableOnCreate: true,
      // The release's stopping roles may stop only tests with this tag.
      tags: { 'agentcore-kit:release': 'supervisor' },
      variants: [
        { name: 'C', weight: 80, variantConfiguration: { target: { name: f.config.liveTarget } } },
        { name: 'T1', weight: 20, variantConfiguration: { target: { name: f.config.canaryTarget } } },
      ],
      evaluationConfig: {
        perVariantOnlineEvaluationConfig: [
          { name: 'C', onlineEvaluationConfigArn: LIVE_EVAL },
          { name: 'T1', onlineEvaluationConfigArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:online-evaluation-config/canary_eval' },
        ],
      },
    });
    expect(c.lines[0]).toMatch(/^Started A\/B test ab-1 \(supervisor-\d{8}T\d{4}\): RUNNING$/);
    expect(c.lines[1]).toContain(`${f.config.liveTarget} 80%`);
    expect(c.lines[2]).toContain(`${f.config.canaryTarget} 20%`);
    expect(c.lines).toContain('Recorded for release supervisor: no rollout starts until it is stopped.');
    expect(c.lines).toContain('Read results: npm run rollout -- ab-test status --release supervisor');
    expect(c.lines).toContain('Stop it:      npm run rollout -- ab-test stop --release supervisor');
  });

  test('start records the test id in the release state, with an ab-start history record', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);

    expect(await abTest(parseCliArgs(START), c.deps, c.io)).toBe(0);

    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'IDLE', abTestId: 'ab-1', updatedBy: 'cli:alice' });
    const [h] = await f.store.history('supervisor', 1);
    expect(h).toMatchObject({ action: 'ab-start', who: 'cli:alice', why: expect.stringMatching(/^A\/B test ab-1 \(supervisor-\d{8}T\d{4}\) started: canary 10%$/), to: { abTestId: 'ab-1' } });
  });

  test('a second start is refused while a test is recorded, naming it and the stop command, and creates nothing', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(START), c.deps, c.io)).toBe(1);

    expect(c.lines).toEqual([
      'Not started: A/B test ab-1 already routes the gateway of release supervisor (one test at a time); stop it first: npm run rollout -- ab-test stop --release supervisor --ab-test-id ab-1',
    ]);
    expect(c.abTests.created).toHaveLength(1);
    expect((await f.store.get('supervisor'))?.abTestId).toBe('ab-1');
  });

  test('a test recorded by someone else while this one was created: the new test is stopped again, exit 1', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    const create = c.abTests.create.bind(c.abTests);
    c.abTests.create = async (input) => {
      const created = await create(input);
      // Another operator's start lands between our check and our record.
      await f.store.recordAbTest('supervisor', 'ab-other', { action: 'ab-start', who: 'cli:bob', when: new Date().toISOString(), why: 'A/B test ab-other started', from: {}, to: { abTestId: 'ab-other' } });
      return created;
    };

    expect(await abTest(parseCliArgs(START), c.deps, c.io)).toBe(1);

    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-1', executionStatus: 'STOPPED' }]);
    expect(c.abTests.tests.get('ab-1')?.executionStatus).toBe('STOPPED');
    expect(c.lines).toEqual([expect.stringMatching(/^Not started: A\/B test ab-other was recorded meanwhile, so A\/B test ab-1 \(supervisor-\d{8}T\d{4}\) was stopped again \(STOPPED\)\. Run status, then try again\.$/)]);
    expect((await f.store.get('supervisor'))?.abTestId).toBe('ab-other');
  });

  test('a rollout that started while the test was created wins: the new test is stopped again, exit 1', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    const create = c.abTests.create.bind(c.abTests);
    c.abTests.create = async (input) => {
      const created = await create(input);
      await rollingOutAt(f, 10);
      return created;
    };

    expect(await abTest(parseCliArgs(START), c.deps, c.io)).toBe(1);

    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-1', executionStatus: 'STOPPED' }]);
    expect(c.lines[0]).toMatch(/^Not started: the release moved to ROLLING_OUT meanwhile, so A\/B test ab-1 .* was stopped again \(STOPPED\)/);
    expect(await f.store.get('supervisor')).toMatchObject({ phase: 'ROLLING_OUT' });
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();
  });

  test('when stopping the lost test fails too, the command to stop it by hand is printed', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    const create = c.abTests.create.bind(c.abTests);
    c.abTests.create = async (input) => {
      const created = await create(input);
      await rollingOutAt(f, 10);
      return created;
    };
    c.abTests.update = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    };

    expect(await abTest(parseCliArgs(START), c.deps, c.io)).toBe(1);

    expect(c.lines).toEqual([
      'Not started: the release moved to ROLLING_OUT meanwhile, and stopping the A/B test ab-1 just created failed (ThrottlingException: Rate exceeded). Stop it yourself: npm run rollout -- ab-test stop --release supervisor --ab-test-id ab-1',
    ]);
  });

  test.each([
    ['ROLLING_OUT', 'wait for the rollout to end or abort it'],
    ['ROLLING_BACK', 'wait for the rollback to finish'],
  ])('start is refused while the release is %s on the same gateway, and creates nothing', async (phase, wait) => {
    const f = await releaseFixture(db);
    await rollingOutAt(f, 10);
    if (phase === 'ROLLING_BACK') await f.store.claimRollback('supervisor', claimAt('claim-1', new Date().toISOString()));
    const c = cli(f);

    expect(await abTest(parseCliArgs(START), c.deps, c.io)).toBe(1);

    expect(c.lines).toEqual([`Not started: release supervisor is ${phase} and an A/B test would route the same gateway; ${wait}.`]);
    expect(c.abTests.created).toHaveLength(0);
  });

  test('status prints weights, per-evaluator mean / change / p-value and a verdict', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    withResults(c.abTests, 'ab-1');
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'status', '--release', 'supervisor', '--ab-test-id', 'ab-1']), c.deps, c.io)).toBe(0);

    const text = c.lines.join('\n');
    expect(text).toMatch(/^A\/B test ab-1 \(supervisor-\d{8}T\d{4}\)/);
    expect(text).toContain('Status    RUNNING (ACTIVE)   analysed 2026-11-26T02:00:00.000Z');
    expect(text).toContain('Weights   C (live) 90% / T1 (canary) 10%');
    expect(text).toMatch(/helpfulness +0\.820 \(400\) +0\.880 \(100\) +\+0\.060 +\+7\.3% +0\.0100 +treatment better/);
    expect(text).toMatch(/correctness +0\.900 \(400\) +0\.700 \(100\) +-0\.200 +-22\.2% +0\.0010 +treatment worse/);
    expect(text).toContain('Verdict   canary worse on 1 of 2 evaluator(s): do not roll it out');
  });

  test('status --json gives the report and the verdict to scripts; a test without results says so', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    c.lines.length = 0;

    await abTest(parseCliArgs(['ab-test', 'status', '--release', 'supervisor', '--ab-test-id', 'ab-1', '--json']), c.deps, c.io);

    expect(JSON.parse(c.lines.join('\n'))).toMatchObject({ abTestId: 'ab-1', executionStatus: 'RUNNING', weights: { C: 90, T1: 10 }, evaluators: [], verdict: 'no results yet: let the test run longer' });
  });

  test('stop sets the execution status to STOPPED, prints the final reading and clears the record', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'stop', '--release', 'supervisor', '--ab-test-id', 'ab-1']), c.deps, c.io)).toBe(0);

    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-1', executionStatus: 'STOPPED' }]);
    expect(c.lines[0]).toBe('Stopped A/B test ab-1: STOPPED. Final reading:');
    expect(c.lines).toContain('  Status    STOPPED (ACTIVE)');
    expect(c.lines.at(-1)).toBe('Release supervisor records no A/B test now: a rollout may start.');
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();
  });

  test('status and stop default to the recorded test; stop clears it with an ab-stop record', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    withResults(c.abTests, 'ab-1');
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'status', '--release', 'supervisor']), c.deps, c.io)).toBe(0);
    expect(c.lines[0]).toMatch(/^A\/B test ab-1 \(supervisor-\d{8}T\d{4}\)$/);
    expect(c.lines).toContain('  Status    RUNNING (ACTIVE)   analysed 2026-11-26T02:00:00.000Z');
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'stop', '--release', 'supervisor']), c.deps, c.io)).toBe(0);

    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-1', executionStatus: 'STOPPED' }]);
    expect(c.lines[0]).toBe('Stopped A/B test ab-1: STOPPED. Final reading:');
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();
    const [h] = await f.store.history('supervisor', 1);
    expect(h).toMatchObject({ action: 'ab-stop', who: 'cli:alice', why: 'A/B test ab-1 stopped', from: { abTestId: 'ab-1' } });
  });

  test('stopping a test that is not the recorded one stops it but leaves the record', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    await c.abTests.create({ ...c.abTests.created[0], clientToken: 'token-2' }); // ab-2, started outside the CLI
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'stop', '--release', 'supervisor', '--ab-test-id', 'ab-2']), c.deps, c.io)).toBe(0);

    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-2', executionStatus: 'STOPPED' }]);
    expect(c.lines.at(-1)).toBe('A/B test ab-2 was not the test recorded for release supervisor (recorded: ab-1, still running); the record is unchanged.');
    expect((await f.store.get('supervisor'))?.abTestId).toBe('ab-1');
  });

  test('a recorded test already stopped (or gone) on the service is not stopped again, and the record is cleared', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    await c.abTests.update({ abTestId: 'ab-1', executionStatus: 'STOPPED' }); // stopped in the console
    c.abTests.updates.length = 0;
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'stop', '--release', 'supervisor']), c.deps, c.io)).toBe(0);
    expect(c.abTests.updates).toEqual([]);
    expect(c.lines[0]).toBe('Stopped A/B test ab-1: already STOPPED. Final reading:');
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();

    // Gone: recorded, but the service no longer knows it.
    await f.store.recordAbTest('supervisor', 'ab-7', { action: 'ab-start', who: 'cli:bob', when: new Date().toISOString(), why: 'A/B test ab-7 started', from: {}, to: { abTestId: 'ab-7' } });
    c.lines.length = 0;
    expect(await abTest(parseCliArgs(['ab-test', 'stop', '--release', 'supervisor']), c.deps, c.io)).toBe(0);
    expect(c.lines).toEqual(['A/B test ab-7 no longer exists on the service; release supervisor records no A/B test now.']);
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();
  });

  test.each([['status'], ['stop']])('ab-test %s with no test recorded and no --ab-test-id exits 1 naming the flag and the release', async (action) => {
    const f = await releaseFixture(db);
    const c = cli(f);
    const err: string[] = [];

    const code = await run(['ab-test', action, '--release', 'supervisor'], { out: c.io.out, err: (l) => err.push(l) }, async () => c.deps);

    expect(code).toBe(1);
    expect(c.lines).toEqual(['No A/B test is recorded for release supervisor: pass --ab-test-id <id> (the id ab-test start printed).']);
    expect(c.abTests.updates).toEqual([]);
  });

  test('the rollout status shows the recorded test and how to stop it; --json carries it in the state', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    c.lines.length = 0;

    expect(await status(parseCliArgs(['status', '--release', 'supervisor']), c.deps, c.io)).toBe(0);
    expect(c.lines).toContain('  A/B test  ab-1 running on the gateway (no rollout starts until it is stopped: npm run rollout -- ab-test stop --release supervisor --ab-test-id ab-1)');
    expect(c.lines.join('\n')).toMatch(/ab-start by cli:alice: A\/B test ab-1 /);
    c.lines.length = 0;

    await status(parseCliArgs(['status', '--release', 'supervisor', '--json']), c.deps, c.io);
    expect(JSON.parse(c.lines.join('\n')).state).toMatchObject({ phase: 'IDLE', abTestId: 'ab-1' });
  });

  test('the rollout start refuses while a test is recorded and starts no execution', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    c.lines.length = 0;

    expect(await start(parseCliArgs(['start', '--release', 'supervisor']), c.deps, c.io)).toBe(1);

    expect(c.lines).toEqual(['Not started: release supervisor has A/B test ab-1 routing its gateway; stop it first: npm run rollout -- ab-test stop --release supervisor --ab-test-id ab-1']);
    expect(c.deps.executions.start).not.toHaveBeenCalled();
  });

  test('an unknown test id fails through run with exit 1 and the service error', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    const err: string[] = [];
    const code = await run(['ab-test', 'status', '--release', 'supervisor', '--ab-test-id', 'ab-9'], { out: c.io.out, err: (l) => err.push(l) }, async () => c.deps);
    expect(code).toBe(1);
    expect(err).toEqual(['rollout: ResourceNotFoundException: ab test ab-9 not found']);
  });
});

describe('abort during an A/B test', () => {
  test('abort stops the recorded test (all traffic back on live) and clears the record', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    expect(await abTest(parseCliArgs(START), c.deps, c.io)).toBe(0);
    c.lines.length = 0;

    expect(await abort(parseCliArgs(['abort', '--release', 'supervisor', '--reason', 'treatment answers cite the wrong policy']), c.deps, c.io)).toBe(0);

    expect(c.lines).toEqual(["No rollout was running; the release's A/B test is stopped (A/B test stopped: all traffic on supervisor-live)."]);
    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-1', executionStatus: 'STOPPED' }]);
    expect((await f.store.get('supervisor'))?.abTestId).toBeUndefined();
  });
});

/** Give a test one result per evaluator: a significant change of `change` (or none when `significant` is false). */
function withVerdicts(api: FakeAbTests, id: string, verdicts: { evaluator: string; change: number; significant: boolean }[]) {
  const t = api.tests.get(id)!;
  api.tests.set(id, {
    ...t,
    results: {
      analysisTimestamp: new Date('2026-11-26T02:00:00Z'),
      evaluatorMetrics: verdicts.map((v) => ({
        evaluatorArn: `arn:aws:bedrock-agentcore:us-east-1:111111111111:evaluator/${v.evaluator}`,
        controlStats: { variantName: 'C', sampleSize: 400, mean: 0.8 },
        variantResults: [{ variantName: 'T1', sampleSize: 100, mean: 0.8 + v.change, absoluteChange: v.change, pValue: v.significant ? 0.01 : 0.4, isSignificant: v.significant }],
      })),
    },
  });
}

describe('ab-test pause, resume and promote', () => {
  test('arguments: pause and resume take --ab-test-id; promote takes --force and acts on the recorded test only', () => {
    expect(parseCliArgs(['ab-test', 'pause', '--release', 'supervisor', '--ab-test-id', 'ab-1'])).toMatchObject({ abTestAction: 'pause', abTestId: 'ab-1' });
    expect(parseCliArgs(['ab-test', 'resume', '--release', 'supervisor'])).toMatchObject({ abTestAction: 'resume', abTestId: undefined });
    expect(parseCliArgs(['ab-test', 'promote', '--release', 'supervisor', '--force'])).toMatchObject({ abTestAction: 'promote', force: true });
    expect(() => parseCliArgs(['ab-test', 'promote', '--release', 'supervisor', '--ab-test-id', 'ab-2'])).toThrow(
      '--ab-test-id only applies to ab-test status, pause, resume and stop (promote acts on the test recorded for the release)',
    );
    expect(() => parseCliArgs(['ab-test', 'pause', '--release', 'supervisor', '--force'])).toThrow('--force only applies to start and ab-test promote');
  });

  test('pause holds the test and keeps the record (still no rollout); resume lets it run; both are idempotent', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'pause', '--release', 'supervisor']), c.deps, c.io)).toBe(0);
    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-1', executionStatus: 'PAUSED' }]);
    expect(c.lines).toEqual(['Paused A/B test ab-1: PAUSED. It stays recorded for release supervisor (no rollout starts). Go on with: npm run rollout -- ab-test resume --release supervisor']);
    expect((await f.store.get('supervisor'))?.abTestId).toBe('ab-1');
    expect(await start(parseCliArgs(['start', '--release', 'supervisor']), c.deps, c.io)).toBe(1);
    expect(c.deps.executions.start).not.toHaveBeenCalled();

    c.lines.length = 0;
    expect(await abTest(parseCliArgs(['ab-test', 'pause', '--release', 'supervisor']), c.deps, c.io)).toBe(0);
    expect(c.lines).toEqual(['A/B test ab-1 is already PAUSED; nothing changed.']);
    expect(c.abTests.updates).toHaveLength(1);

    c.lines.length = 0;
    expect(await abTest(parseCliArgs(['ab-test', 'resume', '--release', 'supervisor']), c.deps, c.io)).toBe(0);
    expect(c.abTests.updates.at(-1)).toEqual({ abTestId: 'ab-1', executionStatus: 'RUNNING' });
    expect(c.abTests.tests.get('ab-1')?.executionStatus).toBe('RUNNING');
    expect(c.lines).toEqual(['Resumed A/B test ab-1: RUNNING. Read results: npm run rollout -- ab-test status --release supervisor']);
  });

  test('a stopped test can be neither paused nor resumed: exit 1, nothing sent', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    await c.abTests.update({ abTestId: 'ab-1', executionStatus: 'STOPPED' });
    c.abTests.updates.length = 0;
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'resume', '--release', 'supervisor']), c.deps, c.io)).toBe(1);
    expect(await abTest(parseCliArgs(['ab-test', 'pause', '--release', 'supervisor', '--ab-test-id', 'ab-1']), c.deps, c.io)).toBe(1);
    expect(c.abTests.updates).toEqual([]);
    expect(c.lines[0]).toBe('A/B test ab-1 is STOPPED and cannot be resumed; start a new one: npm run rollout -- ab-test start --release supervisor …');
  });

  test('promote, canary better and worse on nothing: test stopped, record cleared, live pinned to the canary version through the release state', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    withVerdicts(c.abTests, 'ab-1', [
      { evaluator: 'helpfulness', change: 0.06, significant: true },
      { evaluator: 'correctness', change: -0.01, significant: false },
    ]);
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'promote', '--release', 'supervisor']), c.deps, c.io)).toBe(0);

    expect(c.abTests.updates).toEqual([{ abTestId: 'ab-1', executionStatus: 'STOPPED' }]);
    expect(c.lines).toEqual([
      'Canary won A/B test ab-1 (canary significantly better on helpfulness, worse on none): the test is stopped; promoting the canary through release supervisor.',
      'Pinning live to v4…',
      'Promoted: live serves v4; all traffic on live.',
    ]);
    expect(f.control.endpoints.get('live')?.liveVersion).toBe('4');
    expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
    const state = await f.store.get('supervisor');
    expect(state).toMatchObject({ phase: 'PROMOTED', liveVersion: '4' });
    expect(state?.abTestId).toBeUndefined();
    // The next deploy pins live to the promoted version, as after any promotion.
    expect(f.parameters.values.get(f.config.liveVersionParameter!)).toBe('4');
    const history = await f.store.history('supervisor', 3);
    expect(history.map((h) => h.action)).toEqual(['promote', 'start', 'ab-stop']);
    expect(history[2]).toMatchObject({ who: 'cli:alice', why: 'A/B test ab-1 stopped: canary promoted (canary significantly better on helpfulness, worse on none)' });
  });

  test('promote, canary worse on any evaluator: live won, the test is stopped and nothing else changes', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    withResults(c.abTests, 'ab-1'); // helpfulness better, correctness worse
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'promote', '--release', 'supervisor', '--force']), c.deps, c.io)).toBe(0);

    expect(c.lines).toEqual(['Live won A/B test ab-1 (canary significantly worse on correctness): the test is stopped and live keeps all traffic; nothing promoted.']);
    expect(c.abTests.tests.get('ab-1')?.executionStatus).toBe('STOPPED');
    expect(f.control.endpoints.get('live')?.liveVersion).toBe('3');
    const state = await f.store.get('supervisor');
    expect(state?.phase).toBe('IDLE');
    expect(state?.abTestId).toBeUndefined();
  });

  test('promote with no significant result refuses and changes nothing; --force promotes the canary', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    withVerdicts(c.abTests, 'ab-1', [{ evaluator: 'helpfulness', change: 0.01, significant: false }]);
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'promote', '--release', 'supervisor']), c.deps, c.io)).toBe(1);
    expect(c.lines).toEqual([
      'Not promoted: no significant difference on any evaluator yet in A/B test ab-1. Let it run longer (npm run rollout -- ab-test status --release supervisor), or pass --force to promote the canary anyway.',
    ]);
    expect(c.abTests.updates).toEqual([]);
    expect((await f.store.get('supervisor'))?.abTestId).toBe('ab-1');

    c.lines.length = 0;
    expect(await abTest(parseCliArgs(['ab-test', 'promote', '--release', 'supervisor', '--force']), c.deps, c.io)).toBe(0);
    expect(c.lines[0]).toBe('Canary won A/B test ab-1 (forced: no significant difference on any evaluator yet): the test is stopped; promoting the canary through release supervisor.');
    expect((await f.store.get('supervisor'))?.phase).toBe('PROMOTED');
  });

  test('promote stops the test but promotes nothing when the release cannot start a rollout (canary on the live version)', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    await abTest(parseCliArgs(START), c.deps, c.io);
    withVerdicts(c.abTests, 'ab-1', [{ evaluator: 'helpfulness', change: 0.06, significant: true }]);
    f.control.endpoints.set('canary', { ...f.control.endpoints.get('canary')!, liveVersion: '3' });
    c.lines.length = 0;

    expect(await abTest(parseCliArgs(['ab-test', 'promote', '--release', 'supervisor']), c.deps, c.io)).toBe(1);

    expect(c.lines.at(-1)).toMatch(/^Not promoted \(NothingToRelease\): canary and live both serve version 3/);
    expect(c.abTests.tests.get('ab-1')?.executionStatus).toBe('STOPPED');
    expect((await f.store.get('supervisor'))?.phase).toBe('IDLE');
  });

  test('promote with no recorded test says so', async () => {
    const f = await releaseFixture(db);
    const c = cli(f);
    expect(await abTest(parseCliArgs(['ab-test', 'promote', '--release', 'supervisor']), c.deps, c.io)).toBe(1);
    expect(c.lines).toEqual(['No A/B test is recorded for release supervisor: nothing to promote.']);
  });
});
