import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CanaryAlarms } from '../../../lib/release/canary-alarms';
import { runtimeStack } from './support';

const CANARY_DIMS = Match.arrayWith([{ Name: 'Name', Value: 'supervisor::canary' }]);

function stack(extra: Partial<ConstructorParameters<typeof CanaryAlarms>[2]> = {}) {
  const s = runtimeStack();
  const alarms = new CanaryAlarms(s.stack, 'CanaryAlarms', { runtime: s.runtime, errorRatePercent: 2, latencyP95Ms: 6000, throttles: 1, ...extra });
  return { ...s, alarms, t: Template.fromStack(s.stack) };
}

describe('CanaryAlarms', () => {
  test('error rate is errors / invocations of the canary endpoint only, above the threshold for 3 one-minute periods', () => {
    const { t } = stack();
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'supervisor-canary-error-rate',
      Threshold: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' }),
        Match.objectLike({ Id: 'invocations', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocations', Dimensions: CANARY_DIMS }) }) }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors', Namespace: 'AWS/Bedrock-AgentCore', Dimensions: CANARY_DIMS }), Period: 60, Stat: 'Sum' }) }),
      ]),
    });
  });

  test('latency p95 and throttles read the canary endpoint dimension', () => {
    const { t } = stack();
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'supervisor-canary-latency-p95',
      MetricName: 'Latency',
      ExtendedStatistic: 'p95',
      Threshold: 6000,
      Period: 60,
      Dimensions: CANARY_DIMS,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'supervisor-canary-throttles', MetricName: 'Throttles', Statistic: 'Sum', Threshold: 1, Dimensions: CANARY_DIMS });
    expect(JSON.stringify(t.findResources('AWS::CloudWatch::Alarm'))).not.toContain('supervisor::DEFAULT');
  });

  test('policy denials and evaluation score hooks become alarms when metrics are passed in', () => {
    const denials = new cloudwatch.Metric({ namespace: 'AgentCoreKit/Policy', metricName: 'Denials', dimensionsMap: { Endpoint: 'canary' }, statistic: 'Sum', period: Duration.minutes(1) });
    const score = new cloudwatch.Metric({ namespace: 'AgentCoreKit/Evaluation', metricName: 'Score', dimensionsMap: { Endpoint: 'canary' }, statistic: 'Average', period: Duration.minutes(1) });
    const { t, alarms } = stack({ policyDenials: { metric: denials, threshold: 20 }, evaluationScore: { metric: score, threshold: 0.85 } });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'supervisor-canary-policy-denials', MetricName: 'Denials', Threshold: 20, ComparisonOperator: 'GreaterThanThreshold' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'supervisor-canary-evaluation-score', MetricName: 'Score', Threshold: 0.85, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'notBreaching' });
    expect(alarms.alarms).toHaveLength(6);
  });

  test('the composite is in ALARM when any canary alarm is', () => {
    const { t } = stack();
    t.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'supervisor-canary-health',
      AlarmRule: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^\\(ALARM\\(')])] },
    });
    const rule = JSON.stringify(t.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(rule.match(/ALARM\(/g)).toHaveLength(3);
    expect(rule).toContain(' OR ');
  });

  test('detection time is period × evaluation periods', () => {
    expect(stack().alarms.detectionTime.toSeconds()).toBe(180);
    expect(stack({ period: Duration.minutes(5), evaluationPeriods: 2 }).alarms.detectionTime.toSeconds()).toBe(600);
  });

  test('bad thresholds are reported together', () => {
    const s = runtimeStack();
    expect(() => new CanaryAlarms(s.stack, 'A', { runtime: s.runtime, errorRatePercent: 120, latencyP95Ms: 0, throttles: -1, evaluationPeriods: 0, period: Duration.seconds(30) })).toThrow(
      /\[InvalidCanaryAlarms\] 5 problems:[\s\S]*errorRatePercent: expected 0–100, got 120[\s\S]*latencyP95Ms[\s\S]*throttles: expected ≥ 0, got -1[\s\S]*evaluationPeriods: expected an integer 1–60, got 0[\s\S]*period: expected whole minutes/,
    );
  });

  test('existing endpoint alarms are reused: the composite watches them and no second copy is created', () => {
    const s = runtimeStack();
    const existing = (kind: string) => cloudwatch.Alarm.fromAlarmArn(s.stack, kind, `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:env-supervisor-canary-${kind}`);
    const score = new cloudwatch.Metric({ namespace: 'AgentCoreKit/Evaluation', metricName: 'Score', statistic: 'Average', period: Duration.minutes(1) });
    const alarms = new CanaryAlarms(s.stack, 'CanaryAlarms', {
      runtime: s.runtime,
      endpointAlarms: { errorRate: existing('error-rate'), latencyP95: existing('latency-p95'), throttles: existing('throttles') },
      evaluationScore: { metric: score, threshold: 0.8 },
    });
    const t = Template.fromStack(s.stack);
    expect(Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName)).toEqual(['supervisor-canary-evaluation-score']);
    const rule = JSON.stringify(t.findResources('AWS::CloudWatch::CompositeAlarm'));
    for (const kind of ['error-rate', 'latency-p95', 'throttles']) expect(rule).toContain(`alarm:env-supervisor-canary-${kind}`);
    expect(rule.match(/ALARM\(/g)).toHaveLength(4);
    expect(alarms.alarms).toHaveLength(5);
  });

  test('thresholds are required without endpoint alarms and refused beside them', () => {
    const s = runtimeStack();
    expect(() => new CanaryAlarms(s.stack, 'A', { runtime: s.runtime, latencyP95Ms: 5000 })).toThrow(
      /errorRatePercent: required when endpointAlarms is not given[\s\S]*throttles: required when endpointAlarms is not given/,
    );
    const existing = cloudwatch.Alarm.fromAlarmArn(s.stack, 'E', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x');
    expect(() => new CanaryAlarms(s.stack, 'B', { runtime: s.runtime, endpointAlarms: { errorRate: existing, latencyP95: existing, throttles: existing }, errorRatePercent: 2 })).toThrow(
      'errorRatePercent: leave it out when endpointAlarms is given',
    );
  });
});
