/** cdk-nag packs chosen per environment: names checked, each pack really runs, acknowledgements narrow. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { acknowledgeAlarmWithoutAction, applyCompliance, readValidationFindings } from '../../../lib/compliance';
import { BUILT_IN_ENVIRONMENTS, resolveEnvironment } from '../../../lib/config';

function synthAlarms(packs: string[], acknowledge = false) {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  applyCompliance(app, { packs, kitChecks: false });
  const stack = new Stack(app, 'S');
  const metric = new cloudwatch.Metric({ namespace: 'Kit', metricName: 'Errors', period: Duration.minutes(5) });
  const bare = metric.createAlarm(stack, 'Bare', { threshold: 1, evaluationPeriods: 1 });
  const acked = metric.createAlarm(stack, 'Acked', { threshold: 1, evaluationPeriods: 1 });
  if (acknowledge) acknowledgeAlarmWithoutAction(acked, 'Its action is the deployment group rollback of this test, not a page');
  void bare;
  return readValidationFindings(app.synth()).flatMap((f) => f.constructPaths.map((p) => `${f.rule} at ${p}`));
}

describe('compliance packs', () => {
  test('an unknown pack is refused, naming the field and the known packs', () => {
    expect(() => applyCompliance(new App(), { packs: ['aws-solutions', 'nist'] })).toThrow(
      '[InvalidCompliancePacks] applyCompliance: packs: unknown compliance pack "nist"; expected one of aws-solutions, nist-800-53-r5, hipaa-security, serverless',
    );
    expect(() => resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.dev, compliance: { packs: ['hipaa'] } })).toThrow(
      /environment config "dev": compliance\.packs\.0: unknown compliance pack "hipaa"; expected one of aws-solutions, nist-800-53-r5, hipaa-security, serverless/,
    );
    expect(() => resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.dev, compliance: { packs: [] } })).toThrow(/compliance\.packs: expected at least one of aws-solutions/);
  });

  test('a config without compliance runs AwsSolutions only', () => {
    const { compliance: _omitted, ...rest } = BUILT_IN_ENVIRONMENTS.dev as Record<string, unknown>;
    expect(resolveEnvironment(rest).compliance).toEqual({ packs: ['aws-solutions'] });
  });

  test('each named pack runs: an alarm without an action is a NIST and a HIPAA finding, not an AwsSolutions one', () => {
    const all = synthAlarms(['aws-solutions', 'nist-800-53-r5', 'hipaa-security', 'serverless']);
    expect(all.filter((f) => f.includes('CloudWatchAlarmAction')).sort()).toEqual([
      'HIPAA.Security-CloudWatchAlarmAction at S/Acked/Resource',
      'HIPAA.Security-CloudWatchAlarmAction at S/Bare/Resource',
      'NIST.800.53.R5-CloudWatchAlarmAction at S/Acked/Resource',
      'NIST.800.53.R5-CloudWatchAlarmAction at S/Bare/Resource',
    ]);
    expect(synthAlarms(['aws-solutions']).filter((f) => f.includes('CloudWatchAlarmAction'))).toEqual([]);
  });

  test('an acknowledgement covers the alarm it is on, not its neighbour', () => {
    expect(synthAlarms(['nist-800-53-r5', 'hipaa-security'], true).filter((f) => f.includes('CloudWatchAlarmAction')).sort()).toEqual([
      'HIPAA.Security-CloudWatchAlarmAction at S/Bare/Resource',
      'NIST.800.53.R5-CloudWatchAlarmAction at S/Bare/Resource',
    ]);
  });
});
