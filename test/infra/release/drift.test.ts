/**
 * Drift between CloudFormation and the release machinery. The template holds only the resting route
 * (static → live); the rollout and rollback move the rule through the API. These tests replay what
 * CloudFormation writes to the rule on a deploy against the same (fake) gateway the release code drives,
 * with the release state in dynalite, and check where traffic ends up.
 */
import type { Action } from '@aws-sdk/client-bedrock-agentcore-control';
import { Template } from 'aws-cdk-lib/assertions';
import { handle as rollbackHandle } from '../../../lambda/rollback';
import { handle as rolloutHandle } from '../../../lambda/rollout';
import { startDynalite, type LocalDynamo } from '../../unit/rollout/support/dynalite';
import { alarmEvent, releaseFixture, rollingOutAt, type Fixture } from '../../unit/rollout/support/release-fixture';
import { splitStack } from './support';

/** CloudFormation property casing → API casing (RouteToTarget → routeToTarget). */
function apiCase(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(apiCase);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k[0].toLowerCase() + k.slice(1), apiCase(x)]));
  return v;
}

function ruleProps(t: Template): Record<string, unknown> {
  const rules = Object.values(t.findResources('AWS::BedrockAgentCore::GatewayRule')) as Array<{ Properties: Record<string, unknown> }>;
  expect(rules).toHaveLength(1);
  return rules[0].Properties;
}

/**
 * What a `cdk deploy` does to the rule: CloudFormation updates a resource only when its template
 * properties changed, and then writes the template's actions in full.
 */
function deploy(f: Fixture, previous: Template | undefined, next: Template): void {
  const props = ruleProps(next);
  if (previous && JSON.stringify(ruleProps(previous)) === JSON.stringify(props)) return;
  f.control.rule = { ...f.control.rule, priority: props.Priority as number, description: props.Description as string, actions: apiCase(props.Actions) as Action[] };
  f.control.ruleHistory.push(f.control.rule.actions);
}

const TARGETS = { liveTarget: 'agent-live', canaryTarget: 'agent-canary' };
const STATIC_LIVE = { kind: 'static', target: 'agent-live' };

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

describe('deploys and the release machinery do not fight over the rule', () => {
  test('a deploy after a rollback does not re-open the canary, whether or not the rule changed in the template', async () => {
    const f = await releaseFixture(db, {}, TARGETS);
    const first = Template.fromStack(splitStack().stack);
    deploy(f, undefined, first);
    expect(f.route()).toEqual(STATIC_LIVE);

    await rollingOutAt(f, 10);
    await rollbackHandle(alarmEvent('evt-1', 'supervisor-canary-health'), f.deps);
    expect(f.route()).toEqual(STATIC_LIVE);

    // Same template again (e.g. a pipeline re-run): CloudFormation leaves the rule alone.
    deploy(f, first, Template.fromStack(splitStack().stack));
    expect(f.route()).toEqual(STATIC_LIVE);
    // A template change to the rule (new priority): CloudFormation rewrites it, with the resting route.
    const changed = Template.fromStack(splitStack({ rulePriority: 50 }).stack);
    deploy(f, first, changed);
    expect(f.route()).toEqual(STATIC_LIVE);
    expect(f.control.rule.priority).toBe(50);

    // No template can carry a split in the first place.
    expect(JSON.stringify(changed.toJSON())).not.toMatch(/WeightedRoute|TrafficSplit/);
    expect((await f.store.get(f.config.releaseName))?.phase).toBe('ROLLED_BACK');
  });

  test('the rolled-back version is not started again by the next pipeline run', async () => {
    const f = await releaseFixture(db, {}, TARGETS);
    deploy(f, undefined, Template.fromStack(splitStack().stack));
    await rollingOutAt(f, 10);
    await rollbackHandle(alarmEvent('evt-1', 'supervisor-canary-health'), f.deps);

    await expect(rolloutHandle({ action: 'start', executionName: 'exec-2' }, f.deps)).rejects.toThrow(/version 4 was rolled back/);
    expect(f.route()).toEqual(STATIC_LIVE);
  });

  test('a deploy that rewrites the rule during a rollout can only close the split, and the rollout then stops itself', async () => {
    const f = await releaseFixture(db, {}, TARGETS);
    const first = Template.fromStack(splitStack().stack);
    deploy(f, undefined, first);
    await rollingOutAt(f, 10);

    deploy(f, first, Template.fromStack(splitStack({ rulePriority: 50 }).stack));
    expect(f.route()).toEqual(STATIC_LIVE);

    const health = (await rolloutHandle({ action: 'check', releaseId: 'exec-1', canaryPercent: 10 }, f.deps)) as { healthy: boolean; reasons: string[] };
    expect(health.healthy).toBe(false);
    expect(health.reasons).toEqual(['routing changed outside the rollout: expected canary 10%, found static → agent-live (100%)']);
  });
});
