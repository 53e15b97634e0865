import { Duration, Token } from 'aws-cdk-lib';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { Problems } from '../errors';

/** A metric with the level it must stay under (or above, for scores). */
export interface MetricThreshold {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
}

/** Alarms that already watch the canary endpoint, e.g. `AgentAlarms.endpointHealth(agent, 'canary')`. */
export interface EndpointHealthAlarms {
  readonly errorRate: cloudwatch.IAlarm;
  readonly latencyP95: cloudwatch.IAlarm;
  readonly throttles: cloudwatch.IAlarm;
}

export interface CanaryAlarmsProps {
  /** The runtime; alarms read its metrics for the canary endpoint only (dimension `Name=<runtime>::<endpoint>`). */
  readonly runtime: agentcore.IBedrockAgentRuntime;
  /**
   * Endpoint serving the release candidate.
   * @default 'canary'
   */
  readonly canaryEndpointName?: string;
  /**
   * Error-rate, latency and throttle alarms the environment's monitoring already keeps on the canary
   * endpoint. Given, the rollback composite uses them instead of creating a second set that watches the
   * same metrics (and could disagree with the first); the three thresholds below must then be left out.
   * @default - the three alarms are created from `errorRatePercent`, `latencyP95Ms` and `throttles`
   */
  readonly endpointAlarms?: EndpointHealthAlarms;
  /** Errors (system + user) as a percentage of invocations, above which the canary is unhealthy (0–100). Required without `endpointAlarms`. */
  readonly errorRatePercent?: number;
  /** p95 latency in milliseconds above which the canary is unhealthy. Required without `endpointAlarms`. */
  readonly latencyP95Ms?: number;
  /** Throttled requests per period above which the canary is unhealthy. Required without `endpointAlarms`. */
  readonly throttles?: number;
  /**
   * Policy denials of the canary's traffic (a metric from the policy or interceptor layer) and the count
   * per period above which the canary is unhealthy: a sudden spike means the new version asks for tools
   * it may not use.
   * @default - no policy-denial alarm
   */
  readonly policyDenials?: MetricThreshold;
  /**
   * Online evaluation score of the canary's sessions (e.g. from an OnlineEvaluationConfig on the canary
   * endpoint) and the minimum it must stay at or above, 0–1. Missing data does not breach.
   * @default - no score alarm
   */
  readonly evaluationScore?: MetricThreshold;
  /**
   * Period of every alarm.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * Consecutive breaching periods before an alarm fires (1–60).
   * @default 3
   */
  readonly evaluationPeriods?: number;
  /**
   * Prefix of the alarm names; the composite is `<prefix>-health`.
   * @default - `<runtime name>-canary`
   */
  readonly alarmNamePrefix?: string;
}

/**
 * Alarms that watch the canary endpoint alone — error rate, p95 latency, throttles (created here, or
 * the environment's existing ones), and optionally policy denials and the online evaluation score — and
 * one composite alarm that is in ALARM when any of them is. The composite is what triggers a rollback.
 */
export class CanaryAlarms extends Construct {
  readonly errorRate: cloudwatch.IAlarm;
  readonly latencyP95: cloudwatch.IAlarm;
  readonly throttles: cloudwatch.IAlarm;
  readonly policyDenials?: cloudwatch.Alarm;
  readonly evaluationScore?: cloudwatch.Alarm;
  /** In ALARM when any canary alarm is. */
  readonly composite: cloudwatch.CompositeAlarm;
  /** Every alarm: the composite first, then its children. */
  readonly alarms: cloudwatch.IAlarm[];
  /** Worst-case time from the first bad minute to ALARM: period × evaluation periods. */
  readonly detectionTime: Duration;

  constructor(scope: Construct, id: string, props: CanaryAlarmsProps) {
    super(scope, id);
    const endpoint = props.canaryEndpointName ?? 'canary';
    const period = props.period ?? Duration.minutes(1);
    const evaluationPeriods = props.evaluationPeriods ?? 3;
    const runtimeName = props.runtime.agentRuntimeName;
    const prefix = props.alarmNamePrefix ?? `${runtimeName}-${endpoint}`;

    const problems = new Problems('InvalidCanaryAlarms');
    const thresholds = { errorRatePercent: props.errorRatePercent, latencyP95Ms: props.latencyP95Ms, throttles: props.throttles };
    if (props.endpointAlarms) {
      for (const [field, value] of Object.entries(thresholds)) {
        problems.check(value === undefined, `${field}: leave it out when endpointAlarms is given (the threshold belongs to the existing alarm)`);
      }
    } else {
      for (const [field, value] of Object.entries(thresholds)) problems.check(value !== undefined, `${field}: required when endpointAlarms is not given`);
      if (props.errorRatePercent !== undefined) problems.check(props.errorRatePercent >= 0 && props.errorRatePercent <= 100, `errorRatePercent: expected 0–100, got ${props.errorRatePercent}`);
      if (props.latencyP95Ms !== undefined) problems.check(Number.isInteger(props.latencyP95Ms) && props.latencyP95Ms >= 1, `latencyP95Ms: expected a whole number of milliseconds ≥ 1, got ${props.latencyP95Ms}`);
      if (props.throttles !== undefined) problems.check(props.throttles >= 0, `throttles: expected ≥ 0, got ${props.throttles}`);
    }
    problems.check(Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1 && evaluationPeriods <= 60, `evaluationPeriods: expected an integer 1–60, got ${evaluationPeriods}`);
    problems.check(period.toSeconds() >= 60 && period.toSeconds() % 60 === 0, `period: expected whole minutes (AgentCore publishes per-minute metrics), got ${period.toSeconds()} seconds`);
    if (props.evaluationScore) {
      problems.check(props.evaluationScore.threshold >= 0 && props.evaluationScore.threshold <= 1, `evaluationScore.threshold: expected a score 0–1, got ${props.evaluationScore.threshold}`);
    }
    if (props.policyDenials) problems.check(props.policyDenials.threshold >= 0, `policyDenials.threshold: expected ≥ 0, got ${props.policyDenials.threshold}`);
    if (!Token.isUnresolved(prefix)) problems.check(/^[\w.\-:]{1,200}$/.test(prefix), `alarmNamePrefix: expected at most 200 letters, digits or "_.-:", got ${JSON.stringify(prefix)}`);
    problems.throwIfAny();

    const common = { evaluationPeriods, datapointsToAlarm: evaluationPeriods, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    const health = props.endpointAlarms ?? this.createEndpointAlarms(props.runtime, endpoint, period, prefix, common, thresholds as { [K in keyof typeof thresholds]: number });
    this.errorRate = health.errorRate;
    this.latencyP95 = health.latencyP95;
    this.throttles = health.throttles;
    const children: cloudwatch.IAlarm[] = [this.errorRate, this.latencyP95, this.throttles];
    if (props.policyDenials) {
      this.policyDenials = new cloudwatch.Alarm(this, 'PolicyDenials', {
        ...common,
        metric: props.policyDenials.metric,
        alarmName: `${prefix}-policy-denials`,
        alarmDescription: `Policy denials of ${endpoint} traffic above ${props.policyDenials.threshold} per period`,
        threshold: props.policyDenials.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      children.push(this.policyDenials);
    }
    if (props.evaluationScore) {
      this.evaluationScore = new cloudwatch.Alarm(this, 'EvaluationScore', {
        ...common,
        metric: props.evaluationScore.metric,
        alarmName: `${prefix}-evaluation-score`,
        alarmDescription: `Online evaluation score of ${endpoint} sessions below ${props.evaluationScore.threshold}`,
        threshold: props.evaluationScore.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      });
      children.push(this.evaluationScore);
    }
    this.composite = new cloudwatch.CompositeAlarm(this, 'Health', {
      compositeAlarmName: `${prefix}-health`,
      alarmDescription: `Any ${endpoint} alarm firing: rolls the release back`,
      alarmRule: cloudwatch.AlarmRule.anyOf(...children.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
    });
    this.alarms = [this.composite, ...children];
    this.detectionTime = Duration.seconds(period.toSeconds() * evaluationPeriods);
  }

  /** The canary's error-rate, p95 latency and throttle alarms (the L2 metrics are scoped to DEFAULT: point them at the canary). */
  private createEndpointAlarms(
    runtime: agentcore.IBedrockAgentRuntime,
    endpoint: string,
    period: Duration,
    prefix: string,
    common: Pick<cloudwatch.CreateAlarmOptions, 'evaluationPeriods' | 'datapointsToAlarm' | 'treatMissingData'>,
    t: { errorRatePercent: number; latencyP95Ms: number; throttles: number },
  ): EndpointHealthAlarms {
    const runtimeName = runtime.agentRuntimeName;
    const dims = { dimensionsMap: { Name: `${runtimeName}::${endpoint}` }, period };
    const invocations = runtime.metricInvocations(dims);
    const errors = runtime.metricTotalErrors(dims);

    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { invocations, errors },
      period,
      label: `${endpoint} error rate (%)`,
    }).createAlarm(this, 'ErrorRate', {
      ...common,
      alarmName: `${prefix}-error-rate`,
      alarmDescription: `Errors on the ${endpoint} endpoint above ${t.errorRatePercent}% of invocations`,
      threshold: t.errorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    const latencyP95 = runtime.metricLatency({ ...dims, statistic: 'p95' }).createAlarm(this, 'LatencyP95', {
      ...common,
      alarmName: `${prefix}-latency-p95`,
      alarmDescription: `p95 latency of the ${endpoint} endpoint above ${t.latencyP95Ms} ms`,
      threshold: t.latencyP95Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    const throttles = runtime.metricThrottles(dims).createAlarm(this, 'Throttles', {
      ...common,
      alarmName: `${prefix}-throttles`,
      alarmDescription: `Throttles on the ${endpoint} endpoint above ${t.throttles} per ${period.toMinutes()} min`,
      threshold: t.throttles,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    return { errorRate, latencyP95, throttles };
  }
}
