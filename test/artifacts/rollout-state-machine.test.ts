/**
 * The rollout state machine as it ships: the synthesized definition of each rollout plan, run by an
 * Amazon States Language interpreter, its tasks bound to the real rollout and rollback handlers over
 * dynalite and a fault-injecting control plane, and the synthesized EventBridge rules delivering what
 * AWS would deliver to the rollback function. Every scenario ends with all traffic on one version.
 */
import { abort, parseCliArgs, pause, resume, start, type CliDeps, type Executions } from '../../bin/rollout';
import { handle as rollbackHandle } from '../../lambda/rollback';
import { handle as rolloutHandle } from '../../lambda/rollout';
import { parseReleaseConfig } from '../../lambda/rollout/core/config';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ReleaseDeps } from '../../lambda/rollout/core/operations';
import { releaseStack } from '../infra/release/support';
import { devAssembly } from './support/assembly';
import { startDynalite, type LocalDynamo } from '../unit/rollout/support/dynalite';
import { alarmEvent, everyRuleWasComplete, releaseFixture, type Fixture } from '../unit/rollout/support/release-fixture';
import { executionStatusEvent, fakeArn, matchesPattern, resolveTokens, startExecution, stateMachinesOf, type ExecutionResult, type StateMachineArtifact, type TaskFunction } from './support/local-state-machine';

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

type JSONValue = Parameters<TaskFunction>[0];
type Plan = Parameters<typeof releaseStack>[0] extends infer P ? (P extends { rollout?: infer R } ? R : never) : never;

interface Synthesized {
  readonly template: { Resources: Record<string, any> };
  readonly sm: StateMachineArtifact;
  readonly rolloutFn: string;
  readonly rollbackFn: string;
  /** The shipped RELEASE_CONFIG, parsed by the handlers' own parser. */
  readonly shippedConfig: ReturnType<typeof parseReleaseConfig>;
  /** Rules that invoke the rollback function, with their patterns. */
  readonly rollbackRules: Array<{ id: string; pattern: Record<string, unknown> }>;
  readonly compositeAlarmArn: string;
  /** Logical ids of the hook functions, when the plan has hooks. */
  readonly hooks: Record<string, string | undefined>;
}

const synthCache = new Map<string, Synthesized>();
function synthesize(rollout: Plan, withHooks = false): Synthesized {
  const key = JSON.stringify({ rollout, withHooks });
  const cached = synthCache.get(key);
  if (cached) return cached;
  const hookFn = (stack: import('aws-cdk-lib').Stack, id: string) =>
    new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  const more = withHooks ? (stack: import('aws-cdk-lib').Stack) => ({ hooks: { preTraffic: hookFn(stack, 'PreTraffic'), postStep: hookFn(stack, 'PostStep') } }) : undefined;
  const s = fromTemplate(releaseStack({ rollout }, false, more).template().toJSON() as Synthesized['template']);
  synthCache.set(key, s);
  return s;
}

/**
 * The release machinery of a synthesized template: its state machine, functions, rules and config.
 * `agent` picks one release of a stack that holds several (the reference app's, one per agent).
 */
function fromTemplate(whole: Synthesized['template'], agent?: string): Synthesized {
  // One release's resources: its controller's and its canary alarms' (logical ids start with their construct ids).
  const own = (id: string) => !agent || id.startsWith(`Release${agent}`) || id.startsWith(`CanaryAlarms${agent}`);
  const template = agent ? { ...whole, Resources: Object.fromEntries(Object.entries(whole.Resources).filter(([id]) => own(id))) } : whole;
  const [sm] = stateMachinesOf(template);
  const fns = Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.RELEASE_CONFIG);
  const hooks = Object.fromEntries(['PreTraffic', 'PostStep'].map((h) => [h, Object.keys(template.Resources).find((id) => id.startsWith(h) && template.Resources[id].Type === 'AWS::Lambda::Function')]));
  const rules = Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === 'AWS::Events::Rule');
  const targetsOf = (r: any) => (r.Properties.Targets as any[]).map((t) => t.Arn['Fn::GetAtt'][0] as string);
  const rollbackFn = targetsOf(rules[0][1])[0];
  const rolloutFn = fns.map(([id]) => id).find((id) => id !== rollbackFn)!;
  const rollbackRules = rules.filter(([, r]) => targetsOf(r).includes(rollbackFn)).map(([id, r]) => ({ id, pattern: resolveTokens(template, r.Properties.EventPattern) as Record<string, unknown> }));
  const compositeId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::CloudWatch::CompositeAlarm')!;
  const shippedConfig = parseReleaseConfig(resolveTokens(template, template.Resources[rollbackFn].Properties.Environment.Variables.RELEASE_CONFIG) as string);
  return { template, sm, rolloutFn, rollbackFn, shippedConfig, rollbackRules, compositeAlarmArn: fakeArn(template, compositeId), hooks };
}

/** What a test can do to a task: throttle it at the Lambda level, or act just before it runs. */
interface TaskHooks {
  /** `Lambda.TooManyRequestsException` for the first N invocations of a state. */
  readonly lambdaThrottles?: Record<string, number>;
  /** Runs before the handler, with how many times the state ran before. */
  readonly before?: Record<string, (input: any, call: number) => Promise<void> | void>;
}

/** The release (dynalite + fakes) and the synthesized machinery around it. */
class World {
  readonly executions = new Map<string, { abort(): void; done: Promise<ExecutionResult>; result?: ExecutionResult }>();
  readonly rollbackResults: unknown[] = [];
  readonly hookCalls: unknown[] = [];
  /** Task tokens a held execution waits on, and how to answer them. */
  readonly held = new Map<string, (output: unknown) => void>();
  private readonly calls = new Map<string, number>();

  constructor(
    readonly s: Synthesized,
    readonly f: Fixture,
    private readonly hooks: TaskHooks = {},
  ) {}

  get deps(): ReleaseDeps {
    return this.f.deps;
  }

  private bind(fn: (input: JSONValue) => Promise<unknown>): TaskFunction {
    return async (input, state) => {
      const n = this.calls.get(state) ?? 0;
      this.calls.set(state, n + 1);
      if (n < (this.hooks.lambdaThrottles?.[state] ?? 0)) throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
      await this.hooks.before?.[state]?.(input, n);
      return fn(input);
    };
  }

  /** Start an execution of the synthesized machine; when it ends, deliver its status event as the synthesized rules would. */
  start(name: string, input: JSONValue = {}): Promise<ExecutionResult> {
    const run = startExecution(
      this.s.sm,
      {
        [this.s.rolloutFn]: this.bind((input) => rolloutHandle(input, this.deps)),
        [this.s.rollbackFn]: this.bind((input) => rollbackHandle(input, { ...this.deps, remainingMs: () => 15_000 })),
        // Hooks are the team's functions: here they record their input and pass, unless a test's `before` throws.
        ...Object.fromEntries(Object.values(this.s.hooks).filter((id): id is string => !!id).map((id) => [id, this.bind(async (input) => (this.hookCalls.push(input), {}))])),
      },
      {
        name,
        input,
        // A held rollout waits until `rollout resume` answers its token.
        waitForToken: (token) => new Promise((resolve) => this.held.set(token, resolve)),
      },
    );
    const entry = {
      abort: run.abort,
      done: run.done.then(async (r) => {
        if (r.status !== 'SUCCEEDED') await this.deliver(executionStatusEvent(this.s.sm, r));
        return r;
      }),
    };
    this.executions.set(run.arn, entry);
    return entry.done;
  }

  /** An event to the rollback function, if a synthesized rule matches it (EventBridge → async invoke, with Lambda's retries). */
  async deliver(event: Record<string, unknown>): Promise<void> {
    const rule = this.s.rollbackRules.find((r) => matchesPattern(r.pattern, event));
    if (!rule) return;
    const attempts = 1 + Number(this.s.template.Resources[Object.keys(this.s.template.Resources).find((k) => this.s.template.Resources[k].Type === 'AWS::Lambda::EventInvokeConfig')!].Properties.MaximumRetryAttempts);
    for (let i = 0; i < attempts; i++) {
      try {
        this.rollbackResults.push(await rollbackHandle(event, { ...this.deps, remainingMs: () => 15_000 }));
        return;
      } catch (e) {
        this.rollbackResults.push({ failed: String(e) });
      }
    }
  }

  /** The canary's composite alarm goes to ALARM: the alarm rule's event. */
  alarm(id: string): Promise<void> {
    return this.deliver({ ...alarmEvent(id, 'supervisor-canary-health'), resources: [this.s.compositeAlarmArn] });
  }

  /** The CLI's view of executions, over the local interpreter. */
  get executionsApi(): Executions {
    return {
      describe: async (arn) => ({ status: this.executions.get(arn)?.result ? this.executions.get(arn)!.result!.status : 'RUNNING' }),
      start: async (_sm, name, input) => {
        void this.start(name, input as JSONValue);
        return [...this.executions.keys()].find((k) => k.endsWith(`:${name}`))!;
      },
      stop: async (arn) => this.executions.get(arn)?.abort(),
      resume: async (token, output) => {
        const answer = this.held.get(token);
        if (!answer) throw Object.assign(new Error('Task Timed Out or already answered'), { name: 'TaskTimedOut' });
        this.held.delete(token);
        answer(output);
      },
    };
  }

  cli(): { deps: CliDeps; lines: string[] } {
    const lines: string[] = [];
    return { deps: { release: this.deps, executions: this.executionsApi, who: 'cli:operator', region: 'us-east-1', sleep: async () => {}, pollMs: 0 }, lines };
  }

  async history() {
    return this.f.store.history(this.f.config.releaseName, 50);
  }
}

async function world(rollout: Plan | Synthesized, hooks: TaskHooks = {}, withHooks = false): Promise<World> {
  const s = typeof rollout === 'object' && 'sm' in rollout ? rollout : synthesize(rollout, withHooks);
  // The fixture's names, with the release settings the construct ships.
  // Time passes only when the code waits: every backoff and poll moves the release's clock.
  let clockOf: Fixture | undefined;
  const f = await releaseFixture(
    db,
    { retry: { sleep: async (ms) => clockOf!.advance(ms), attemptTimeoutMs: 500, attempts: 6 } },
    { promotionTimeoutSeconds: s.shippedConfig.promotionTimeoutSeconds, lateAlarmWindowSeconds: s.shippedConfig.lateAlarmWindowSeconds },
  );
  clockOf = f;
  return new World(s, f, hooks);
}

/** The end state every scenario must reach: one version serves everything, and the books agree. */
async function expectConverged(w: World, expected: { phase: 'PROMOTED' | 'ROLLED_BACK'; live: string; rollbacks?: number; promotions?: number; notifications?: number }) {
  const { f } = w;
  expect(f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
  expect(f.control.endpoints.get('live')).toMatchObject({ liveVersion: expected.live, status: 'READY' });
  expect(f.parameters.values.get(f.config.liveVersionParameter!)).toBe(expected.live);
  expect(everyRuleWasComplete(f.control)).toBe(true);
  const state = await f.store.get(f.config.releaseName);
  expect(state).toMatchObject({ phase: expected.phase, liveVersion: expected.live, canaryPercent: 0 });
  const history = await w.history();
  expect(history.filter((h) => h.action === 'rollback')).toHaveLength(expected.rollbacks ?? (expected.phase === 'ROLLED_BACK' ? 1 : 0));
  expect(history.filter((h) => h.action === 'promote')).toHaveLength(expected.promotions ?? (expected.phase === 'PROMOTED' ? 1 : 0));
  expect(f.notifier.sent).toHaveLength(expected.notifications ?? 1);
}

const PLANS: Array<[string, Plan, number[]]> = [
  ['CANARY_10PERCENT_10MINUTES', 'CANARY_10PERCENT_10MINUTES', [10]],
  ['LINEAR_25PERCENT_EVERY_5MINUTES', 'LINEAR_25PERCENT_EVERY_5MINUTES', [25, 50, 75]],
  ['ALL_AT_ONCE', 'ALL_AT_ONCE', []],
  ['a custom plan', [{ canaryPercent: 5, bakeMinutes: 2 }, { canaryPercent: 40, bakeMinutes: 3 }, { canaryPercent: 100, bakeMinutes: 0 }], [5, 40]],
];

describe.each(PLANS)('the synthesized rollout state machine, %s', (_name, rollout, weights) => {
  test('the happy path walks every step and promotes: v4 serves everything, once recorded and announced', async () => {
    const w = await world(rollout);
    const r = await w.start('exec-1');

    expect(r).toMatchObject({ status: 'SUCCEEDED' });
    expect(r.states.filter((s) => s === 'SetWeight')).toHaveLength(weights.length);
    await expectConverged(w, { phase: 'PROMOTED', live: '4' });
    // Every weight of the plan was applied, in order, and nothing else.
    const applied = w.f.control.ruleHistory.map((a) => a[0].routeToTarget?.weightedRoute?.trafficSplit?.[1].weight).filter((x) => x !== undefined);
    expect(applied).toEqual(weights);
    expect((await w.history()).map((h) => h.action).reverse()).toEqual(['start', 'promote']);
  });

  // ALL_AT_ONCE has no bake: its failure paths are the promotion's, covered below.
  const bakes = weights.map((p, i) => [i, p]);
  (bakes.length ? test.each(bakes) : test.skip.each([[0, 0]]))('an alarm during the bake of step %i (%i%%) rolls back to v3, once', async (stepIndex, percent) => {
    const w = await world(rollout, {
      before: {
        // The canary turns bad while step `stepIndex` bakes: the alarm rule fires, and the step's check sees the alarm.
        Check: async (input) => {
          if (input.canaryPercent !== percent) return;
          w.f.alarms.set('supervisor-canary-health', 'ALARM', 'canary error rate 9% > 2%');
          await w.alarm(`alarm-${stepIndex}`);
        },
      },
    });
    const r = await w.start('exec-1');

    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    // The weights applied are the plan's up to the step that failed, and no further.
    const applied = w.f.control.ruleHistory.map((a) => a[0].routeToTarget?.weightedRoute?.trafficSplit?.[1].weight).filter((x) => x !== undefined);
    expect(applied).toEqual(weights.slice(0, stepIndex + 1));
    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
    expect(w.f.notifier.sent[0].subject).toBe('[supervisor] rolled back to version 3');
  });
});

describe('the reference app as synthesized (the shared dev assembly)', () => {
  const releaseTemplate = () => {
    const { templates } = devAssembly();
    return templates[Object.keys(templates).find((n) => /-dev-Release$/.test(n))!] as unknown as Synthesized['template'];
  };

  test('every agent has its own release: a state machine, a rollback, and a config naming its own split and endpoints', () => {
    const template = releaseTemplate();
    expect(stateMachinesOf(template)).toHaveLength(4);
    const configs = ['supervisor', 'financial', 'hr', 'it'].map((agent) => fromTemplate(template, agent).shippedConfig);
    expect(configs.map((c) => c.releaseName)).toEqual(['dev-supervisor', 'dev-financial', 'dev-hr', 'dev-it']);
    // Each release drives its own gateway rule and targets, and pins its own live-version parameter.
    for (const [i, agent] of ['supervisor', 'financial', 'hr', 'it'].entries()) {
      expect(configs[i]).toMatchObject({ liveTarget: `${agent}-live`, canaryTarget: `${agent}-canary`, liveVersionParameter: `/agentcore-kit/release/dev-${agent}/live-version` });
      expect(JSON.stringify(configs[i].gatewayId)).toContain(`Split${agent}Gateway`);
    }
    expect(new Set(configs.map((c) => JSON.stringify(c.gatewayId))).size).toBe(4);
  });

  test.each(['supervisor', 'financial', 'hr', 'it'])("the dev release of %s: its own state machine promotes, and a fault during it rolls back once", async (agent) => {
    const s = fromTemplate(releaseTemplate(), agent);
    expect(s.shippedConfig.releaseName).toBe(`dev-${agent}`);
    expect(s.shippedConfig.plan).toEqual([]); // dev rolls out ALL_AT_ONCE

    const w = await world(s);
    expect((await w.start('exec-1')).status).toBe('SUCCEEDED');
    await expectConverged(w, { phase: 'PROMOTED', live: '4' });

    const bad: World = await world(s, { before: { PromotionStatus: () => void bad.f.control.inject('getEndpoint', 'denied') } });
    expect((await bad.start('exec-2')).status).toBe('FAILED');
    await expectConverged(bad, { phase: 'ROLLED_BACK', live: '3' });
  });
});

describe.each(PLANS)('faults on the rollout path, %s', (_name, PLAN) => {
  // ALL_AT_ONCE has no split step: its faults are those of the start and the promotion.
  const hasSteps = typeof PLAN !== 'string' || PLAN !== 'ALL_AT_ONCE';
  const inPlan = <T extends readonly unknown[]>(rows: readonly T[]) => rows.filter((r) => hasSteps || !['SetWeight', 'Check'].includes(r[0] as string));

  test.each(
    inPlan([
      ['Start', 'getEndpoint'],
      ['SetWeight', 'updateRuleActions'],
      ['BeginPromotion', 'pinEndpoint'],
      // Reading the rule: with no split open (all at once) the finish writes nothing.
      ['FinishPromotion', 'getRule'],
    ] as const),
  )('control-plane throttling that outlasts the retries of %s ends with all traffic on live', async (state, method) => {
    // Start reads both endpoints at once: twice the faults, so each read runs out of retries.
    const faults = state === 'Start' ? 12 : 6;
    const w = await world(PLAN, { before: { [state]: () => void w.f.control.inject(method, ...Array(faults).fill('throttle')) } });
    const r = await w.start('exec-1');

    expect(r.status).toBe('FAILED');
    if (state === 'Start') {
      // Nothing had started: no rollback to record, live untouched.
      expect(w.f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
      expect(w.f.control.endpoints.get('live')?.liveVersion).toBe('3');
      expect((await w.history()).filter((h) => h.action === 'rollback')).toHaveLength(0);
    } else {
      await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
    }
  });

  test.each(
    inPlan([
      ['Start', 'getEndpoint'],
      ['SetWeight', 'updateRuleActions'],
      ['Check', 'getRule'],
      ['BeginPromotion', 'pinEndpoint'],
      ['PromotionStatus', 'getEndpoint'],
      ['FinishPromotion', 'getRule'],
    ] as const),
  )('AccessDenied from the control plane in %s ends with all traffic on live', async (state, method) => {
    const w = await world(PLAN, { before: { [state]: () => void w.f.control.inject(method, 'denied') } });
    const r = await w.start('exec-1');

    expect(r.status).toBe('FAILED');
    if (state === 'Start') {
      expect(r.error).toBe('RolledBack');
      expect(w.f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });
      expect(w.f.control.endpoints.get('live')?.liveVersion).toBe('3');
    } else {
      await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
    }
  });

  test.each(inPlan(['Start', 'SetWeight', 'Check', 'BeginPromotion', 'PromotionStatus', 'FinishPromotion'].map((s) => [s] as const)))('Lambda throttling of %s is retried and the rollout still promotes', async (state: string) => {
    const w = await world(PLAN, { lambdaThrottles: { [state]: 3 } });
    const r = await w.start('exec-1');

    expect(r.status).toBe('SUCCEEDED');
    await expectConverged(w, { phase: 'PROMOTED', live: '4' });
  });

});

describe("the rollback path and the operator's tools (CANARY_10PERCENT_10MINUTES)", () => {
  const PLAN: Plan = 'CANARY_10PERCENT_10MINUTES';

  test.each(['throttle', 'denied'] as const)('the rollback itself %s by the control plane: retried in the execution, then by the execution-status rule', async (fault) => {
    // Enough faults that the RollBack state's own retries run out: the execution fails, and the rule's
    // invocation of the rollback function (outside the execution) finishes the job.
    // The RollBack state runs 1 + 3 times (its Retry on States.TaskFailed); the function tries a
    // throttled call 6 times and a denied one once.
    const faults = (fault === 'throttle' ? 6 : 1) * 4;
    const w = await world(PLAN, {
      before: {
        Check: () => void w.f.alarms.set('supervisor-canary-health', 'ALARM', 'canary latency p95 9 s > 6 s'),
        RollBack: (_input, call) => {
          if (call === 0) w.f.control.inject('updateRuleActions', ...Array(faults).fill(fault));
        },
      },
    });
    const r = await w.start('exec-1');

    expect(r).toMatchObject({ status: 'FAILED', error: 'RollbackFailed' });
    expect(w.rollbackResults).toContainEqual(expect.objectContaining({ outcome: 'rolled-back' }));
    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
  });

  test('Lambda throttling of the rollback task is retried and the rollback finishes in the execution', async () => {
    const w = await world(PLAN, { lambdaThrottles: { RollBack: 4 }, before: { Check: () => void w.f.alarms.set('supervisor-canary-health', 'ALARM', 'errors') } });
    const r = await w.start('exec-1');

    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
  });

  test('a promotion that stays UPDATING ends in its own timeout and is rolled back, never in the execution timeout', async () => {
    const w = await world(PLAN, {
      before: {
        BeginPromotion: () => {
          w.f.control.stuckVersions.add('4');
        },
        // Each poll follows a 15-second wait.
        PromotionStatus: () => w.f.advance(15_000),
      },
    });
    const r = await w.start('exec-1');

    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    const polls = r.states.filter((s) => s === 'PromotionStatus').length;
    expect(polls).toBeGreaterThan(w.s.shippedConfig.promotionTimeoutSeconds! / 15 - 2);
    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
  });

  test('an execution that times out is rolled back by the execution-status rule', async () => {
    // The interpreter honours TimeoutSeconds; only its value is shortened here, to stand for hours.
    const w = await world(PLAN, { before: { Check: () => new Promise((r) => setTimeout(r, 1_500)) } });
    (w.s.sm.definition as { TimeoutSeconds?: number }).TimeoutSeconds = 1;
    try {
      const r = await w.start('exec-1');
      expect(r.status).toBe('TIMED_OUT');
      await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
    } finally {
      synthCache.clear();
    }
  });

  test('an abort from the CLI mid-bake rolls back once; the aborted execution’s event finds the work done', async () => {
    let aborted: Promise<number> | undefined;
    const w: World = await world(PLAN, {
      before: {
        Check: async () => {
          const c = w.cli();
          aborted = abort(parseCliArgs(['abort', '--release', 'supervisor', '--reason', 'customer complaints']), c.deps, { out: (l) => c.lines.push(l) });
          await aborted;
          await new Promise((r) => setTimeout(r, 50)); // the interpreter stops the execution
        },
      },
    });
    const r = await w.start('exec-1');

    expect(await aborted).toBe(0);
    expect(r.status).toBe('ABORTED');
    expect(w.rollbackResults).toEqual([expect.objectContaining({ outcome: 'already-rolled-back' })]);
    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
    expect((await w.history()).find((h) => h.action === 'rollback')).toMatchObject({ who: 'cli:operator', why: 'customer complaints' });
  });

  test('a second start while one runs is refused without touching traffic; the first promotes', async () => {
    let second: Promise<ExecutionResult> | undefined;
    const w: World = await world(PLAN, {
      before: {
        Check: () => {
          second = w.start('exec-2');
        },
      },
    });
    const first = await w.start('exec-1');
    const refused = await second!;

    expect(refused).toMatchObject({ status: 'FAILED', error: 'NotStarted' });
    expect(refused.cause).toMatch(/release supervisor is (ROLLING_OUT|PROMOTING) \(rollout exec-1\)/);
    expect(first.status).toBe('SUCCEEDED');
    await expectConverged(w, { phase: 'PROMOTED', live: '4' });
    // The refused execution's status event reached the rollback, which left the running rollout alone.
    expect(w.rollbackResults).toContainEqual(expect.objectContaining({ outcome: expect.stringMatching(/ignored|nothing-to-roll-back/) }));
  });

  test('start --dry-run prints the shipped plan, the checks and the worst-case rollback time, and starts nothing', async () => {
    const w = await world('LINEAR_25PERCENT_EVERY_5MINUTES');
    const shipped = w.s.shippedConfig;
    const config = { ...w.deps.config, plan: shipped.plan, rollbackTimeoutSeconds: shipped.rollbackTimeoutSeconds, rollbackAsyncRetries: shipped.rollbackAsyncRetries, alarmNames: ['supervisor-canary-health', 'supervisor-canary-error-rate'] };
    w.f.alarms.set('supervisor-canary-health', 'OK').set('supervisor-canary-error-rate', 'OK', undefined, { periodSeconds: 60, datapointsToAlarm: 3 });
    const c = w.cli();
    const args = parseCliArgs(['start', '--release', 'supervisor', '--dry-run']);

    expect(await start(args, { ...c.deps, release: { ...w.deps, config } }, { out: (l) => c.lines.push(l) })).toBe(0);

    expect(c.lines.join('\n')).toContain('Plan        25% for 5 min → 50% for 5 min → 75% for 5 min → promote (live pinned to the canary version, all traffic on live)');
    expect(c.lines.join('\n')).toContain('alarm supervisor-canary-error-rate: OK (3 × 60 s)');
    expect(c.lines.join('\n')).toContain('Rollback    worst case 5 min from a breach of supervisor-canary-error-rate: 3 × 60 s detection + 20 s alarm evaluation and delivery + 2 × 20 s + 60 s rollback attempts = 300 s');
    expect(c.lines.at(-1)).toBe('Would start yes: live v3 → canary v4');
    expect(w.executions.size).toBe(0);
    expect(await w.f.store.get('supervisor')).toBeUndefined();

    // While a rollout runs, the dry run says why a start would be refused, and exits 1.
    await w.f.store.start('supervisor', { releaseId: 'exec-9', liveVersion: '3', canaryVersion: '4', who: 'test', now: '2026-11-26T02:00:00Z' });
    const again = w.cli();
    expect(await start(args, { ...again.deps, release: { ...w.deps, config } }, { out: (l) => again.lines.push(l) })).toBe(1);
    expect(again.lines.at(-1)).toBe('Would start no (RolloutInProgress): release supervisor is ROLLING_OUT (rollout exec-9); wait for it or abort it');
  });

  test('a custom plan with an approval step holds after that step until `resume`, then promotes', async () => {
    const held: string[] = [];
    const w: World = await world([{ canaryPercent: 10, bakeMinutes: 5 }, { canaryPercent: 50, bakeMinutes: 5, approval: true }, { canaryPercent: 100, bakeMinutes: 0 }], {
      before: {
        Hold: async () => {
          held.push(JSON.stringify(w.f.route()));
        },
      },
    });
    const exec = w.start('exec-1');
    await until(async () => !!(await w.f.store.get('supervisor'))?.holdToken && w.f.notifier.sent.length > 0);

    // Held at 50 %: nothing moves on, and the hold is announced with the command that lifts it.
    const s = await w.f.store.get('supervisor');
    expect(s).toMatchObject({ phase: 'ROLLING_OUT', canaryPercent: 50, holdReason: 'step at 50% needs approval' });
    expect(held).toEqual([JSON.stringify({ kind: 'weighted', liveTarget: 'supervisor-live', canaryTarget: 'supervisor-canary', canaryPercent: 50 })]);
    expect(w.f.notifier.sent.map((n) => n.subject)).toEqual(['[supervisor] rollout exec-1 is waiting: step at 50% needs approval']);

    const c = w.cli();
    expect(await resume(parseCliArgs(['resume', '--release', 'supervisor']), c.deps, { out: (l) => c.lines.push(l) })).toBe(0);
    expect(c.lines).toEqual(['Resumed rollout exec-1 (step at 50% needs approval).']);
    expect((await exec).status).toBe('SUCCEEDED');
    await expectConverged(w, { phase: 'PROMOTED', live: '4', notifications: 2 });
    expect((await w.history()).map((h) => h.action).reverse()).toEqual(['start', 'hold', 'resume', 'promote']);
  });

  test('pause holds the rollout after its current step; an alarm while held rolls back; resume of a finished hold is refused', async () => {
    const w: World = await world('LINEAR_25PERCENT_EVERY_5MINUTES', {
      before: {
        Check: async (input) => {
          if (input.canaryPercent !== 25) return;
          const c = w.cli();
          expect(await pause(parseCliArgs(['pause', '--release', 'supervisor']), c.deps, { out: (l) => c.lines.push(l) })).toBe(0);
        },
      },
    });
    const exec = w.start('exec-1');
    await until(async () => !!(await w.f.store.get('supervisor'))?.holdToken);
    expect(await w.f.store.get('supervisor')).toMatchObject({ canaryPercent: 25, paused: true, holdReason: 'paused by a person' });

    // The canary turns bad while the rollout waits: the alarm rule rolls it back at once.
    w.f.alarms.set('supervisor-canary-health', 'ALARM', 'errors');
    await w.alarm('evt-held');
    expect(w.f.route()).toEqual({ kind: 'static', target: 'supervisor-live' });

    // Resuming what was rolled back is refused; the held execution ends in the rollback when answered.
    const c = w.cli();
    expect(await resume(parseCliArgs(['resume', '--release', 'supervisor']), c.deps, { out: (l) => c.lines.push(l) })).toBe(1);
    expect(c.lines).toEqual(['Nothing to resume: release supervisor is ROLLED_BACK.']);
    [...w.held.values()][0]({ resumedBy: 'timeout stand-in' });
    const r = await exec;
    expect(r.status).toBe('FAILED');
    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3', notifications: 2 });
  });

  test('hooks: pre-traffic before the first weight, post-step after each healthy check; a failing hook rolls back', async () => {
    const w = await world('LINEAR_25PERCENT_EVERY_5MINUTES', {}, true);
    expect((await w.start('exec-1')).status).toBe('SUCCEEDED');
    expect(w.hookCalls).toEqual([
      { hook: 'preTraffic', release: 'supervisor', releaseId: 'exec-1', liveVersion: '3', canaryVersion: '4' },
      ...[25, 50, 75].map((p, i) => ({ hook: 'postStep', release: 'supervisor', releaseId: 'exec-1', canaryPercent: p, stepIndex: i })),
    ]);

    const failing: World = await world(
      'LINEAR_25PERCENT_EVERY_5MINUTES',
      {
        before: {
          PostStepHook: (input) => {
            if (input.canaryPercent === 50) throw Object.assign(new Error('synthetic conversation: answer cites the wrong policy'), { name: 'HookFailed' });
          },
        },
      },
      true,
    );
    const r = await failing.start('exec-2');
    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    await expectConverged(failing, { phase: 'ROLLED_BACK', live: '3' });
    expect((await failing.history()).find((h) => h.action === 'rollback')?.why).toBe('HookFailed: synthetic conversation: answer cites the wrong policy');
  });

  test('the CLI start drives the synthesized machine to a promotion', async () => {
    const w = await world(PLAN);
    const c = w.cli();
    expect(await start(parseCliArgs(['start', '--release', 'supervisor']), { ...c.deps, release: { ...w.deps, config: { ...w.deps.config, stateMachineArn: w.s.sm.arn } } }, { out: (l) => c.lines.push(l) })).toBe(0);
    const [execution] = [...w.executions.values()];
    expect((await execution.done).status).toBe('SUCCEEDED');
    await expectConverged(w, { phase: 'PROMOTED', live: '4' });
  });
});

describe('the rollback converges once', () => {
  const PLAN: Plan = 'LINEAR_25PERCENT_EVERY_5MINUTES';

  test('five concurrent deliveries of one alarm event: one rollback record, one notification', async () => {
    const w = await world(PLAN, {
      before: {
        Check: async (input) => {
          if (input.canaryPercent !== 50) return;
          w.f.alarms.set('supervisor-canary-health', 'ALARM', 'errors');
          const event = { ...alarmEvent('evt-dup', 'supervisor-canary-health'), resources: [w.s.compositeAlarmArn] };
          await Promise.all(Array.from({ length: 5 }, () => w.deliver(event)));
        },
      },
    });
    await w.start('exec-1');

    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
  });

  test('a claimant that dies: the next caller closes the split at once and takes the claim over when its lease ends', async () => {
    const w: World = await world(PLAN, {
      before: {
        Check: async (input) => {
          if (input.canaryPercent !== 25) return;
          // An alarm's rollback claims the release and dies before it switches anything…
          w.f.control.inject('updateRuleActions', 'denied');
          await expect(rollbackHandle({ ...alarmEvent('evt-dead', 'x'), resources: [w.s.compositeAlarmArn] }, { ...w.deps, remainingMs: () => 15_000 })).rejects.toThrow(/AccessDenied/);
          expect(w.f.route()).toMatchObject({ kind: 'weighted', canaryPercent: 25 });
          // …and the step's check finds the canary unhealthy.
          w.f.alarms.set('supervisor-canary-health', 'ALARM', 'errors');
        },
      },
    });
    const r = await w.start('exec-1');

    expect(r).toMatchObject({ status: 'FAILED', error: 'RolledBack' });
    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3' });
    expect((await w.history()).find((h) => h.action === 'rollback')?.who).toBe('rollout:exec-1');
  });

  test('an old execution waking from its bake does not roll back a newer rollout: recorded and ignored', async () => {
    const w = await world(PLAN);
    await w.start('exec-old');
    w.f.control.endpoints.set('canary', { name: 'canary', liveVersion: '5', status: 'READY' });
    // A newer rollout of v5 is running…
    let late: unknown;
    const w2 = w;
    const second = startExecutionOf(w2, 'exec-new', {
      Check: async (input: any) => {
        if (input.canaryPercent !== 25) return;
        // …when the old execution's rollback request arrives.
        late = await rollbackHandle({ source: 'rollout', executionName: 'exec-old', reason: 'CanaryUnhealthy: stale' }, { ...w.deps, remainingMs: () => 15_000 });
      },
    });
    const r = await second;

    expect(late).toMatchObject({ outcome: 'ignored' });
    expect(r.status).toBe('SUCCEEDED');
    expect(w.f.control.endpoints.get('live')?.liveVersion).toBe('5');
    expect((await w.history()).filter((h) => h.action === 'ignored')).toEqual([expect.objectContaining({ releaseId: 'exec-old', to: { releaseId: 'exec-new', phase: 'ROLLING_OUT' } })]);
  });

  test('the live-version parameter lags after a stop between the two promotion writes: the retry, or the next operation, repairs it', async () => {
    const w = await world(PLAN);
    let failStateWrite = true;
    const finishPromote = w.f.store.finishPromote.bind(w.f.store);
    w.f.store.finishPromote = async (...a) => {
      if (failStateWrite) {
        failStateWrite = false;
        throw Object.assign(new Error('process stopped'), { name: 'Lambda.Unknown' });
      }
      return finishPromote(...a);
    };
    const r = await w.start('exec-1');

    expect(r.status).toBe('SUCCEEDED');
    await expectConverged(w, { phase: 'PROMOTED', live: '4' });

    // A parameter that drifted at rest (written by hand, or a write lost) is put back by the next operation.
    w.f.parameters.values.set(w.f.config.liveVersionParameter!, '3');
    await rollbackHandle({ ...alarmEvent('evt-late', 'x'), resources: [w.s.compositeAlarmArn] }, { ...w.deps, config: { ...w.deps.config, lateAlarmWindowSeconds: 0 } });
    expect(w.f.parameters.values.get(w.f.config.liveVersionParameter!)).toBe('4');
  });

  test('an alarm just after the promotion rolls the promoted version back; after the window it pages and switches nothing', async () => {
    const w = await world(PLAN);
    await w.start('exec-1');
    await expectConverged(w, { phase: 'PROMOTED', live: '4' });

    await w.alarm('evt-late-1');

    await expectConverged(w, { phase: 'ROLLED_BACK', live: '3', promotions: 1, notifications: 2 });
    expect((await w.f.store.get('supervisor'))?.rolledBackVersion).toBe('4');

    // A second release, promoted, then an alarm after the window: announced, nothing switched.
    const w2 = await world(PLAN);
    await w2.start('exec-2');
    w2.f.advance((w2.s.shippedConfig.lateAlarmWindowSeconds! + 60) * 1000);
    await w2.alarm('evt-late-2');
    expect(w2.rollbackResults).toEqual([expect.objectContaining({ outcome: 'alarm-after-promotion' })]);
    await expectConverged(w2, { phase: 'PROMOTED', live: '4', notifications: 2 });
    expect(w2.f.notifier.sent[1].subject).toBe('[supervisor] canary alarm after version 4 was promoted');
  });
});

/** Start an execution on a world with extra hooks for this run only. */
function startExecutionOf(w: World, name: string, before: TaskHooks['before']): Promise<ExecutionResult> {
  const hooked = new World(w.s, w.f, { before });
  return hooked.start(name);
}

/** Wait (in real time, bounded) until a condition on the release holds. */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
