/**
 * From a breach of the canary's alarms to all traffic on live, worst case, computed from the settings
 * the prod platform synthesizes: each alarm of the rollback composite (period, datapoints), the rollback
 * function's timeout and its asynchronous retries.
 */
import { App } from 'aws-cdk-lib';
import { AgentPlatform } from '../../../lib/app/platform';
import { loadEnvironment } from '../../../lib/config';
import { worstCaseRollbackTime } from '../../../lib/release/rollback-time';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
type Stack = { name: string; resources: Resources; outputs: Record<string, { Value: unknown; Export?: { Name: unknown } }> };

const BOUND_SECONDS = 5 * 60;

function synthProd(): Stack[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new AgentPlatform(app, { config: loadEnvironment('prod') });
  return app.synth().stacks.map((s) => ({ name: s.stackName, resources: s.template.Resources, outputs: s.template.Outputs ?? {} }));
}

/** The resource an alarm-rule token names: a same-stack GetAtt, or an import of another stack's export. */
function resolveAlarm(stacks: Stack[], home: Stack, token: any): { stack: Stack; id: string } {
  if (token['Fn::GetAtt']) return { stack: home, id: token['Fn::GetAtt'][0] };
  const exportName = token['Fn::ImportValue'];
  for (const stack of stacks) {
    for (const out of Object.values(stack.outputs)) {
      if (JSON.stringify(out.Export?.Name) === JSON.stringify(exportName) || out.Export?.Name === exportName) {
        return { stack, id: (out.Value as any)['Fn::GetAtt'][0] };
      }
    }
  }
  throw new Error(`alarm rule references ${JSON.stringify(token)}, which no stack exports`);
}

function periodOf(alarm: Record<string, any>): number {
  if (alarm.Period) return alarm.Period;
  return Math.max(...(alarm.Metrics as any[]).map((m) => m.MetricStat?.Period ?? m.Period ?? 0));
}

describe('the rollback time bound (prod)', () => {
  const stacks = synthProd();
  const release = stacks.find((s) => s.name.endsWith('-Release'))!;
  const composites = Object.entries(release.resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::CompositeAlarm');

  test('every released agent has a rollback composite', () => {
    expect(composites.length).toBeGreaterThanOrEqual(1);
  });

  test.each(composites.map(([id]) => id))('%s: from the first bad minute of any child alarm to all traffic on live ≤ 5 minutes', (compositeId) => {
    const composite = release.resources[compositeId];
    const rule = composite.Properties.AlarmRule;
    const tokens = (rule['Fn::Join'][1] as unknown[]).filter((p) => typeof p !== 'string');
    expect(tokens.length).toBeGreaterThanOrEqual(3);

    // The rule that sends this composite's ALARM to the rollback function, and that function's settings.
    const alarmRule = Object.values(release.resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventPattern.resources) === JSON.stringify([{ 'Fn::GetAtt': [compositeId, 'Arn'] }]))!;
    const fnId = alarmRule.Properties.Targets[0].Arn['Fn::GetAtt'][0];
    const fn = release.resources[fnId].Properties;
    const invokeConfig = Object.values(release.resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName.Ref === fnId)!.Properties;

    for (const token of tokens) {
      const { stack, id } = resolveAlarm(stacks, release, token);
      const alarm = stack.resources[id].Properties;
      const time = worstCaseRollbackTime({
        alarmPeriodSeconds: periodOf(alarm),
        datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
        functionTimeoutSeconds: fn.Timeout,
        asyncRetries: invokeConfig.MaximumRetryAttempts,
      });
      if (time.totalSeconds > BOUND_SECONDS) throw new Error(`${JSON.stringify(alarm.AlarmName)}: ${time.explain} > ${BOUND_SECONDS} s`);
    }
  });

  test('the computation fails a setting that breaks the bound (today\u2019s 3-minute function, two retries)', () => {
    const t = worstCaseRollbackTime({ alarmPeriodSeconds: 60, datapointsToAlarm: 3, functionTimeoutSeconds: 180, asyncRetries: 2 });
    expect(t.totalSeconds).toBe(180 + 20 + 3 * 180 + 60 + 120);
    expect(t.totalSeconds).toBeGreaterThan(BOUND_SECONDS);
    expect(() => worstCaseRollbackTime({ alarmPeriodSeconds: 60, datapointsToAlarm: 3, functionTimeoutSeconds: 20, asyncRetries: 3 })).toThrow(/asyncRetries: expected 0–2/);
  });
});
