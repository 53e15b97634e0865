import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ToolCanaryDeployment, toolDeploymentConfig, type ToolCanaryDeploymentProps } from '../../../lib/release/tool-canary-deployment';
import { ENV } from './support';

function stack(props: Partial<ToolCanaryDeploymentProps> = {}, more?: (s: Stack) => Partial<ToolCanaryDeploymentProps>) {
  const s = new Stack(new App(), 'Tools', { env: ENV });
  const fn = new lambda.Function(s, 'RevenueTool', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
  });
  const alias = new lambda.Alias(s, 'Live', { aliasName: 'live', version: fn.currentVersion });
  const deployment = new ToolCanaryDeployment(s, 'Deploy', { alias, deploymentConfig: 'CANARY_10PERCENT_5MINUTES', durationP95Ms: 3000, ...props, ...more?.(s) });
  return { s, alias, deployment, t: Template.fromStack(s) };
}

describe('ToolCanaryDeployment', () => {
  test('a CodeDeploy deployment group on the live alias with the canary config, rolling back on alarm and on failure', () => {
    const { t } = stack();
    t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) },
      AlarmConfiguration: { Enabled: true, Alarms: Match.arrayWith([Match.objectLike({ Name: Match.anyValue() })]) },
    });
    const [group] = Object.values(t.findResources('AWS::CodeDeploy::DeploymentGroup')) as any[];
    expect(group.Properties.AlarmConfiguration.Alarms).toHaveLength(3);
  });

  test('the alias shifts traffic through CodeDeploy', () => {
    const { t } = stack();
    t.hasResource('AWS::Lambda::Alias', {
      Properties: { Name: 'live' },
      UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: Match.anyValue(), DeploymentGroupName: Match.anyValue() } },
    });
  });

  test('pre- and post-traffic hooks run around the shift, and CodeDeploy may invoke them', () => {
    const hook = (s: Stack, id: string) => new lambda.Function(s, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    const { t } = stack({}, (s) => ({ preTrafficHook: hook(s, 'Smoke'), postTrafficHook: hook(s, 'Verify') }));
    t.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: { CodeDeployLambdaAliasUpdate: { BeforeAllowTrafficHook: { Ref: Match.stringLikeRegexp('^Smoke') }, AfterAllowTrafficHook: { Ref: Match.stringLikeRegexp('^Verify') } } },
    });
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toMatch(/lambda:InvokeFunction.*Smoke|Smoke.*lambda:InvokeFunction/);
  });

  test('alarms watch errors, throttles and p95 duration of the live alias', () => {
    const { t } = stack({ maxErrors: 2, maxThrottles: 1 });
    const aliasDim = Match.arrayWith([Match.objectLike({ Name: 'Resource' })]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Threshold: 2, ComparisonOperator: 'GreaterThanThreshold', Dimensions: aliasDim });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 1, Dimensions: aliasDim });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', ExtendedStatistic: 'p95', Threshold: 3000, EvaluationPeriods: 2 });
  });

  test('every config name maps to CodeDeploy’s predefined config', () => {
    stack({ deploymentConfig: 'ALL_AT_ONCE' }).t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' });
    stack({ deploymentConfig: 'LINEAR_10PERCENT_EVERY_1MINUTE' }).t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
  });

  test('an unknown config name lists the valid ones', () => {
    expect(() => toolDeploymentConfig('CANARY_50PERCENT', 'release.toolDeployment')).toThrow(/release\.toolDeployment: unknown deployment config "CANARY_50PERCENT"; expected one of CANARY_10PERCENT_5MINUTES, /);
  });

  test('bad props are reported together', () => {
    expect(() => stack({ deploymentConfig: 'NOPE' as never, durationP95Ms: 0, maxErrors: -1 })).toThrow(
      /\[InvalidToolCanaryDeployment\] 3 problems:[\s\S]*deploymentConfig: unknown deployment config "NOPE"[\s\S]*maxErrors: expected a whole number ≥ 0, got -1[\s\S]*durationP95Ms/,
    );
  });
});
