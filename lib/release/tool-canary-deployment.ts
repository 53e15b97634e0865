import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { acknowledgeAlarmWithoutAction } from '../compliance/packs';
import { KitError, Problems } from '../errors';

/** CodeDeploy's predefined Lambda configs a tool deployment may use. */
export const TOOL_DEPLOYMENT_CONFIG_NAMES = [
  'CANARY_10PERCENT_5MINUTES',
  'CANARY_10PERCENT_10MINUTES',
  'CANARY_10PERCENT_15MINUTES',
  'CANARY_10PERCENT_30MINUTES',
  'LINEAR_10PERCENT_EVERY_1MINUTE',
  'LINEAR_10PERCENT_EVERY_2MINUTES',
  'LINEAR_10PERCENT_EVERY_3MINUTES',
  'LINEAR_10PERCENT_EVERY_10MINUTES',
  'ALL_AT_ONCE',
] as const;
export type ToolDeploymentConfigName = (typeof TOOL_DEPLOYMENT_CONFIG_NAMES)[number];

/** The CodeDeploy config for a name; throws a KitError listing the valid names. */
export function toolDeploymentConfig(name: string, field = 'deploymentConfig'): codedeploy.ILambdaDeploymentConfig {
  if (!(TOOL_DEPLOYMENT_CONFIG_NAMES as readonly string[]).includes(name)) {
    throw new KitError('InvalidToolCanaryDeployment', [`${field}: unknown deployment config ${JSON.stringify(name)}; expected one of ${TOOL_DEPLOYMENT_CONFIG_NAMES.join(', ')}`]);
  }
  return codedeploy.LambdaDeploymentConfig[name as ToolDeploymentConfigName];
}

export interface ToolCanaryDeploymentProps {
  /**
   * The tool function's `live` alias, the one the gateway target invokes. A concrete `Alias`: CodeDeploy
   * takes over its traffic shifting (the alias gets an update policy).
   */
  readonly alias: lambda.Alias;
  /** How traffic moves to a new version, e.g. `CANARY_10PERCENT_5MINUTES`. */
  readonly deploymentConfig: ToolDeploymentConfigName;
  /**
   * Errors of the new version per period above which the deployment rolls back.
   * @default 0 (any error)
   */
  readonly maxErrors?: number;
  /**
   * Throttles per period above which the deployment rolls back.
   * @default 0
   */
  readonly maxThrottles?: number;
  /** p95 duration in milliseconds above which the deployment rolls back (the tool's latency budget). */
  readonly durationP95Ms: number;
  /**
   * Period of the alarms.
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * Breaching periods before an alarm fires.
   * @default 2
   */
  readonly evaluationPeriods?: number;
  /**
   * Further alarms that stop the deployment (e.g. the tool's business metrics).
   * @default - none
   */
  readonly extraAlarms?: cloudwatch.IAlarm[];
  /**
   * Runs before any traffic moves to the new version (CodeDeploy's BeforeAllowTraffic hook): it must call
   * `PutLifecycleEventHookExecutionStatus` with Succeeded, or the deployment stops and rolls back.
   * @default - no hook
   */
  readonly preTrafficHook?: lambda.IFunction;
  /** Runs after all traffic moved (AfterAllowTraffic); same contract. @default - no hook */
  readonly postTrafficHook?: lambda.IFunction;
}

/**
 * CodeDeploy traffic shifting for one tool function: a `LambdaDeploymentGroup` on its `live` alias with
 * alarms on errors, throttles and p95 duration of the alias, rolling back automatically when an alarm
 * fires or the deployment fails.
 */
export class ToolCanaryDeployment extends Construct {
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  readonly durationP95: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ToolCanaryDeploymentProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(1);
    const evaluationPeriods = props.evaluationPeriods ?? 2;
    const maxErrors = props.maxErrors ?? 0;
    const maxThrottles = props.maxThrottles ?? 0;

    const problems = new Problems('InvalidToolCanaryDeployment');
    problems.check((TOOL_DEPLOYMENT_CONFIG_NAMES as readonly string[]).includes(props.deploymentConfig), `deploymentConfig: unknown deployment config ${JSON.stringify(props.deploymentConfig)}; expected one of ${TOOL_DEPLOYMENT_CONFIG_NAMES.join(', ')}`);
    problems.check(Number.isInteger(maxErrors) && maxErrors >= 0, `maxErrors: expected a whole number ≥ 0, got ${maxErrors}`);
    problems.check(Number.isInteger(maxThrottles) && maxThrottles >= 0, `maxThrottles: expected a whole number ≥ 0, got ${maxThrottles}`);
    problems.check(Number.isInteger(props.durationP95Ms) && props.durationP95Ms >= 1, `durationP95Ms: expected a whole number of milliseconds ≥ 1, got ${props.durationP95Ms}`);
    problems.check(Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1 && evaluationPeriods <= 60, `evaluationPeriods: expected an integer 1–60, got ${evaluationPeriods}`);
    problems.throwIfAny();

    const alias = props.alias;
    const common = { evaluationPeriods, datapointsToAlarm: evaluationPeriods, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    this.errors = alias.metricErrors({ period }).createAlarm(this, 'Errors', {
      ...common,
      alarmDescription: `Tool ${alias.functionName}: errors on the live alias above ${maxErrors} per period`,
      threshold: maxErrors,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.throttles = alias.metricThrottles({ period }).createAlarm(this, 'Throttles', {
      ...common,
      alarmDescription: `Tool ${alias.functionName}: throttles on the live alias above ${maxThrottles} per period`,
      threshold: maxThrottles,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.durationP95 = alias.metricDuration({ period, statistic: 'p95' }).createAlarm(this, 'DurationP95', {
      ...common,
      alarmDescription: `Tool ${alias.functionName}: p95 duration on the live alias above ${props.durationP95Ms} ms`,
      threshold: props.durationP95Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Deployment', {
      alias,
      deploymentConfig: toolDeploymentConfig(props.deploymentConfig),
      alarms: [this.errors, this.throttles, this.durationP95, ...(props.extraAlarms ?? [])],
      autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
      preHook: props.preTrafficHook,
      postHook: props.postTrafficHook,
    });
    for (const alarm of [this.errors, this.throttles, this.durationP95]) {
      acknowledgeAlarmWithoutAction(alarm, `Its action is CodeDeploy's: the deployment group of ${alias.functionName} rolls the live alias back while it is in alarm (deploymentInAlarm); it is not meant to page`);
    }
    acknowledgeFindings(this.deploymentGroup, [
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]', reason: 'The CodeDeploy service role needs exactly the Lambda alias and alarm access of this AWS managed policy (the Limited variant)' },
    ]);
  }
}
