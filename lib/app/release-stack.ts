import { Duration, Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { TelemetryDelivery } from '../observability';
import { CanaryAlarms, ReleaseController, type AgentTrafficSplit, type EndpointHealthAlarms } from '../release';
import type { DeployedAgent } from './agent-unit';
import { releaseNameOf } from './foundation-stack';

/** Agents whose release machinery one stack holds (about 35 resources each, plus the log delivery). */
export const AGENTS_PER_RELEASE_STACK = 8;

export interface ReleaseStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** Number of this stack among the environment's release stacks (1 for the first). @default 1 */
  readonly unit?: number;
  /** Agents whose traffic is split between `live` and `canary` (each with its split). */
  readonly agents: readonly DeployedAgent[];
  /**
   * The environment's existing error-rate, latency and throttle alarms of an agent's canary endpoint:
   * the rollback composite reuses them rather than watching the same metrics twice.
   */
  readonly canaryHealth: (agentId: string) => EndpointHealthAlarms;
  /** Online-evaluation score of an agent's canary endpoint (0–1), checked over each step's bake. */
  readonly canaryScore?: (agentId: string) => cloudwatch.Metric;
  /** Where the release machinery's own failures page (a failed rollout, a rollback not handled). */
  readonly alarmTopic?: sns.ITopic;
  readonly key: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Release safety of every agent: for each agent's traffic split (built next to its runtime), the
 * canary's rollback composite (the observability stack's canary error-rate, latency and throttle
 * alarms) and the rollout state machine with its automated rollback and per-step score check.
 */
export class ReleaseStack extends Stack {
  readonly splits: AgentTrafficSplit[] = [];
  readonly canaryAlarms: CanaryAlarms[] = [];
  readonly releases: ReleaseController[] = [];

  constructor(scope: Construct, id: string, props: ReleaseStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The split gateways' logs and traces: routing decisions are auditable, and an A/B test's gateway
    // traces are what attributes each session to its variant.
    const delivery = new TelemetryDelivery(this, 'Delivery', {
      logGroupPrefix: `agentcore-kit-${config.name}-release${(props.unit ?? 1) === 1 ? '' : props.unit}`,
      retentionDays: config.logRetentionDays,
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
    });
    for (const agent of props.agents) {
      const name = agent.spec.id;
      const split = agent.split;
      delivery.addGateway(`split-${name}`, split);
      const alarms = new CanaryAlarms(this, `CanaryAlarms-${name}`, {
        runtime: agent.runtime.runtime,
        alarmNamePrefix: `${config.name}-${name}`,
        endpointAlarms: props.canaryHealth(name),
        evaluationPeriods: config.alarms.evaluationPeriods,
        period: Duration.minutes(1),
        // Only the canary's own signals roll it back. Policy denials are counted at the tool gateway for
        // all traffic (live and canary alike), so they page through the environment's alarms instead; the
        // online score is checked by each step over its bake window.
      });
      const release = new ReleaseController(this, `Release-${name}`, {
        routing: split,
        rollbackAlarm: alarms.composite,
        checkAlarms: alarms.alarms,
        rollout: config.release.rollout,
        scoreCheck: props.canaryScore ? { metric: props.canaryScore(name), minimum: config.alarms.evaluationScoreMin } : undefined,
        alarmTopic: props.alarmTopic,
        releaseName: releaseNameOf(config, name),
        encryptionKey: props.key,
        removalPolicy: props.removalPolicy,
        logRetention: props.logRetention,
      });
      this.splits.push(split);
      this.canaryAlarms.push(alarms);
      this.releases.push(release);
    }
  }
}
