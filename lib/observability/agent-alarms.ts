/**
 * Alarms on every agent endpoint (error rate, p95 latency, throttles), policy denials, tool
 * failures and online evaluation scores, all with thresholds from props, all notifying one
 * KMS-encrypted SNS topic. Composites per endpoint (e.g. every agent's `canary` alarms) are what a
 * release rollback consumes.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { KitError, Problems } from '../errors';
import { AgentMetrics, policyDenials, toolFailuresQuery, type MonitoredAgent, type MonitoredTool } from './agent-metrics';
import type { ScoreMetric } from './agent-dashboards';

/** Alarm thresholds (the environment config's `alarms` block). */
export interface AlarmThresholds {
  /** Errors as a percentage of invocations, per endpoint (0–100). */
  readonly errorRatePercent: number;
  /** p95 latency per endpoint, milliseconds. */
  readonly latencyP95Ms: number;
  /** Throttled requests per minute per endpoint. */
  readonly throttles: number;
  /** Policy denials per 5 minutes. */
  readonly policyDenialsPer5Min: number;
  /** Minimum online evaluation score, 0–1. */
  readonly evaluationScoreMin: number;
  /** Consecutive 1-minute periods that must breach before an alarm fires (1–60). */
  readonly evaluationPeriods: number;
}

export interface AgentAlarmsProps {
  /** Alarm names start with it, e.g. the environment name. */
  readonly alarmNamePrefix: string;
  readonly agents: readonly MonitoredAgent[];
  readonly thresholds: AlarmThresholds;
  /**
   * Tools whose failures (any outcome but success) alarm above `toolFailuresPer5Min`.
   * @default - no tool alarms
   */
  readonly tools?: readonly MonitoredTool[];
  /**
   * Failed calls per tool per 5 minutes above which the tool's alarm fires.
   * @default 5
   */
  readonly toolFailuresPer5Min?: number;
  /**
   * Online evaluation scores that alarm below `thresholds.evaluationScoreMin` (hourly average).
   * @default - no score alarms
   */
  readonly evaluationScores?: readonly ScoreMetric[];
  /**
   * Policy denials metric.
   * @default - `DenyDecisions` of every policy engine in the account and region
   */
  readonly policyDenials?: cloudwatch.IMetric;
  /**
   * Topic to notify. Give either this or `email`/`topicKey`, not both.
   * @default - a new KMS-encrypted topic
   */
  readonly topic?: sns.ITopic;
  /**
   * Email subscribed to the created topic.
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * Key of the created topic; the construct lets CloudWatch alarms use it.
   * @default - a new key with rotation enabled
   */
  readonly topicKey?: kms.IKey;
  /**
   * Removal policy of a created key.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class AgentAlarms extends Construct {
  readonly topic: sns.ITopic;
  /** Every metric alarm. */
  readonly alarms: cloudwatch.Alarm[] = [];
  /** In ALARM when any alarm of that endpoint (across agents) is: `composites.canary`, `composites.live`. */
  readonly composites: Record<string, cloudwatch.CompositeAlarm> = {};
  readonly policyDenials: cloudwatch.Alarm;
  private readonly byEndpoint: Record<string, cloudwatch.Alarm[]> = {};

  constructor(scope: Construct, id: string, props: AgentAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const problems = new Problems('InvalidAgentAlarmsProps');
    problems.check(props.agents.length > 0, 'agents: expected at least one agent');
    problems.check(t.errorRatePercent >= 0 && t.errorRatePercent <= 100, `thresholds.errorRatePercent: ${t.errorRatePercent} is out of range; expected 0–100`);
    problems.check(t.latencyP95Ms > 0, `thresholds.latencyP95Ms: ${t.latencyP95Ms} must be > 0 ms`);
    problems.check(t.throttles >= 0, `thresholds.throttles: ${t.throttles} must be ≥ 0`);
    problems.check(t.policyDenialsPer5Min >= 0, `thresholds.policyDenialsPer5Min: ${t.policyDenialsPer5Min} must be ≥ 0`);
    problems.check(t.evaluationScoreMin >= 0 && t.evaluationScoreMin <= 1, `thresholds.evaluationScoreMin: ${t.evaluationScoreMin} is out of range; expected 0–1`);
    problems.check(Number.isInteger(t.evaluationPeriods) && t.evaluationPeriods >= 1 && t.evaluationPeriods <= 60, `thresholds.evaluationPeriods: ${t.evaluationPeriods} must be a whole number from 1 to 60`);
    problems.check(!(props.topic && (props.email || props.topicKey)), 'topic: give an existing topic or email/topicKey for a new one, not both');
    problems.check(/^[A-Za-z0-9_-]{1,100}$/.test(props.alarmNamePrefix), `alarmNamePrefix: "${props.alarmNamePrefix}" may only contain letters, digits, - and _`);
    problems.throwIfAny();

    this.topic = props.topic ?? this.createTopic(props);
    const action = new actions.SnsAction(this.topic);
    const minute = Duration.minutes(1);
    const add = (alarm: cloudwatch.Alarm, endpoint?: string) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
      if (endpoint) (this.byEndpoint[endpoint] ??= []).push(alarm);
      return alarm;
    };

    for (const agent of props.agents) {
      const m = new AgentMetrics(agent);
      for (const endpoint of m.endpoints) {
        const name = `${props.alarmNamePrefix}-${agent.name}-${endpoint}`;
        const id = `${agent.name}-${endpoint}`;
        add(
          new cloudwatch.Alarm(this, `${id}-ErrorRate`, {
            alarmName: `${name}-error-rate`,
            alarmDescription: `${agent.name} ${endpoint}: errors above ${t.errorRatePercent}% of invocations for ${t.evaluationPeriods} min`,
            metric: m.errorRate(endpoint, { period: minute }),
            threshold: t.errorRatePercent,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: t.evaluationPeriods,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
          endpoint,
        );
        add(
          new cloudwatch.Alarm(this, `${id}-LatencyP95`, {
            alarmName: `${name}-latency-p95`,
            alarmDescription: `${agent.name} ${endpoint}: p95 latency above ${t.latencyP95Ms} ms for ${t.evaluationPeriods} min`,
            metric: m.latency(endpoint, 'p95', { period: minute }),
            threshold: t.latencyP95Ms,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: t.evaluationPeriods,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
          endpoint,
        );
        add(
          new cloudwatch.Alarm(this, `${id}-Throttles`, {
            alarmName: `${name}-throttles`,
            alarmDescription: `${agent.name} ${endpoint}: more than ${t.throttles} throttled requests per minute for ${t.evaluationPeriods} min`,
            metric: m.throttles(endpoint, { period: minute }),
            threshold: t.throttles,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: t.evaluationPeriods,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
          endpoint,
        );
      }
    }

    this.policyDenials = add(
      new cloudwatch.Alarm(this, 'PolicyDenials', {
        alarmName: `${props.alarmNamePrefix}-policy-denials`,
        alarmDescription: `More than ${t.policyDenialsPer5Min} policy denials in 5 minutes: an agent asks for tools or arguments its users may not use`,
        metric: props.policyDenials ?? policyDenials(Duration.minutes(5)),
        threshold: t.policyDenialsPer5Min,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const tool of props.tools ?? []) {
      const limit = props.toolFailuresPer5Min ?? 5;
      add(
        new cloudwatch.Alarm(this, `Tool-${tool.name}-Failures`, {
          alarmName: `${props.alarmNamePrefix}-tool-${tool.name}-failures`,
          alarmDescription: `${tool.name}: more than ${limit} failed calls in 5 minutes`,
          metric: toolFailuresQuery(tool, Duration.minutes(5)),
          threshold: limit,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    (props.evaluationScores ?? []).forEach((score, i) => {
      add(
        new cloudwatch.Alarm(this, `Score${i}`, {
          alarmName: `${props.alarmNamePrefix}-score-${score.label.replace(/[^A-Za-z0-9_-]+/g, '-')}`.slice(0, 255),
          alarmDescription: `${score.label}: hourly average evaluation score below ${t.evaluationScoreMin}`,
          metric: score.metric,
          threshold: t.evaluationScoreMin,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    });

    for (const [endpoint, alarms] of Object.entries(this.byEndpoint)) {
      const composite = new cloudwatch.CompositeAlarm(this, `${endpoint}-Health`, {
        compositeAlarmName: `${props.alarmNamePrefix}-${endpoint}-health`,
        alarmDescription: `Any agent's ${endpoint} endpoint is unhealthy (errors, latency or throttles)`,
        alarmRule: cloudwatch.AlarmRule.anyOf(...alarms.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
      });
      composite.addAlarmAction(action);
      this.composites[endpoint] = composite;
    }
  }

  /**
   * The health alarms of one agent endpoint by name, e.g. for a release's rollback composite
   * (`CanaryAlarms.endpointAlarms`), so the canary is watched by one set of alarms only.
   */
  endpointHealth(agent: string, endpoint: string): { errorRate: cloudwatch.Alarm; latencyP95: cloudwatch.Alarm; throttles: cloudwatch.Alarm } {
    const find = (kind: string) => {
      const alarm = this.node.tryFindChild(`${agent}-${endpoint}-${kind}`);
      if (!(alarm instanceof cloudwatch.Alarm)) {
        throw new KitError('UnknownAgentEndpoint', [`endpointHealth: no alarms for agent "${agent}" endpoint "${endpoint}"; alarmed endpoints: ${Object.keys(this.byEndpoint).join(', ')} of the agents given as props`]);
      }
      return alarm;
    };
    return { errorRate: find('ErrorRate'), latencyP95: find('LatencyP95'), throttles: find('Throttles') };
  }

  private createTopic(props: AgentAlarmsProps): sns.Topic {
    const key =
      props.topicKey ?? new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: `Encrypts the ${props.alarmNamePrefix} alarm topic`, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN });
    // CloudWatch publishes alarm notifications to the encrypted topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'Topic', { topicName: `${props.alarmNamePrefix}-agent-alarms`, masterKey: key, enforceSSL: true });
    if (props.email) topic.addSubscription(new subs.EmailSubscription(props.email));
    return topic;
  }
}
