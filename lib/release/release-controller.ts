import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { functionRole } from '../compliance/function-role';
import { acknowledgeFunctionBaseline } from '../compliance/packs';
import { KitError, Problems } from '../errors';
import { AB_TEST_RELEASE_TAG } from '../../lambda/rollout/ab-test-tag';
import { AB_TEST_STOP, ALARM_READ, ENDPOINT_READ, ENDPOINT_WRITE, RULE_READ, RULE_WRITE } from './perms';
import { planRollout, type RolloutPlan, type RolloutPresetName, type RolloutStepInput } from './rollout-plan';
import { KIT_FUNCTIONS, kitLambdaCode, type KitFunction } from '../bundling';

/** The routing a release drives: what an `AgentTrafficSplit` exposes, or the same for a split built elsewhere. */
export interface ReleaseRouting {
  readonly runtime: agentcore.IBedrockAgentRuntime;
  readonly gatewayId: string;
  readonly gatewayArn: string;
  readonly ruleId: string;
  readonly liveTargetName: string;
  readonly canaryTargetName: string;
  readonly liveEndpointName: string;
  readonly canaryEndpointName: string;
}

export interface ReleaseControllerProps {
  /** The gateway, targets, rule and endpoints the release moves traffic between. */
  readonly routing: ReleaseRouting;
  /** Alarm whose move to ALARM rolls the release back at once (normally `CanaryAlarms.composite`). */
  readonly rollbackAlarm: cloudwatch.IAlarm;
  /**
   * Alarms checked after every bake; any in ALARM stops the rollout and rolls it back. Add the
   * evaluation-score alarm here if it is not already part of the rollback alarm.
   * @default - [rollbackAlarm]
   */
  readonly checkAlarms?: cloudwatch.IAlarm[];
  /** A preset (`CANARY_10PERCENT_10MINUTES`, `LINEAR_25PERCENT_EVERY_5MINUTES`, `ALL_AT_ONCE`) or custom steps ending at 100. */
  readonly rollout: RolloutPresetName | readonly RolloutStepInput[];
  /**
   * Name of the release: key of its state and part of parameter names.
   * @default - the runtime name
   */
  readonly releaseName?: string;
  /**
   * Where promotions and rollbacks are announced.
   * @default - a new topic, encrypted with `encryptionKey`
   */
  readonly topic?: sns.ITopic;
  /** Customer-managed key for the state table, topic, dead-letter queue and logs. */
  readonly encryptionKey: kms.IKey;
  /**
   * What happens to the state table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retention of the functions' and state machine's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Where the release's own failures page: a rollout execution that failed or timed out, and a rollback
   * that could not be delivered or did not finish after its retries.
   * @default - the release topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The canary's online-evaluation score (an `AgentEvaluation.metricScore` of the canary endpoint) and the
   * minimum its average over each step's bake must reach. Checked by the step itself, over the bake
   * window: an alarm on hourly scores would fire long after a ten-minute bake.
   * @default - no score check
   */
  readonly scoreCheck?: { readonly metric: cloudwatch.Metric; readonly minimum: number };
  /**
   * How long `live` may take to move to the promoted version before the promotion is rolled back.
   * @default Duration.minutes(15)
   */
  readonly promotionTimeout?: Duration;
  /**
   * Functions the rollout calls around traffic shifts, in the spirit of CodeDeploy's hooks. A hook
   * passes by returning and fails by throwing; a failure rolls the release back.
   * - `preTraffic`: once, after the rollout opened and before the first weight moves, with
   *   `{ hook: 'preTraffic', release, releaseId, liveVersion, canaryVersion }`.
   * - `postStep`: after each step's bake and healthy check, with `{ hook: 'postStep', release, releaseId,
   *   canaryPercent, stepIndex }` (e.g. a synthetic conversation against the canary).
   * @default - no hooks
   */
  readonly hooks?: { readonly preTraffic?: lambda.IFunction; readonly postStep?: lambda.IFunction };
  /**
   * How long a paused rollout, or one waiting for approval, waits for `rollout resume` before it rolls
   * back.
   * @default Duration.hours(24)
   */
  readonly holdTimeout?: Duration;
  /**
   * A canary alarm this soon after a promotion rolls the promoted version back (its data came from the
   * bake); a later one is announced and nothing is switched.
   * @default Duration.minutes(15)
   */
  readonly lateAlarmWindow?: Duration;
}

/** Timeout of the rollback function; with its async retries, it bounds the time from alarm to static live. */
export const ROLLBACK_FUNCTION_TIMEOUT = Duration.seconds(20);
/** Lambda's retries of a failed asynchronous rollback invocation (0–2). */
export const ROLLBACK_ASYNC_RETRIES = 1;

/** Lambda's own faults a task retries (throttling of the function included). */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
];

/** Why `start` refuses (ReleaseError codes): nothing was switched, so nothing is rolled back. */
const START_REFUSALS = ['NotReady', 'NothingToRelease', 'RolloutInProgress', 'AbTestRunning', 'VersionRolledBack'];

/** SSM path under which each release keeps its parameters. */
export const RELEASE_PARAMETER_PREFIX = '/agentcore-kit/release';

/**
 * The machinery of an agent release: the rollout (a Step Functions state machine walking the plan's
 * steps with bake times and health checks, then promoting), the rollback (EventBridge on the rollback
 * alarm → a function that routes everything to `live` at its last good version), and the release state
 * both of them — and the CLI — read and write with conditional updates (a DynamoDB table).
 *
 * CloudFormation holds only the wiring (this construct, and the resting static route in
 * `AgentTrafficSplit`); the weights and the `live` version belong to the release state.
 */
export class ReleaseController extends Construct {
  readonly releaseName: string;
  readonly plan: RolloutPlan;
  readonly table: dynamodb.Table;
  readonly topic: sns.ITopic;
  readonly rollbackFunction: lambda.Function;
  readonly rolloutFunction: lambda.Function;
  readonly stateMachine: sfn.StateMachine;
  readonly rollbackRule: events.Rule;
  /** Execution FAILED, TIMED_OUT or ABORTED → the rollback function. */
  readonly executionEndRule: events.Rule;
  /**
   * Rollback requests that were never handled: events EventBridge could not deliver, and invocations
   * that failed after Lambda's retries (the function's on-failure destination).
   */
  readonly deadLetterQueue: sqs.Queue;
  /** Page when a rollout execution fails or times out, or a rollback request lands in the dead-letter queue. */
  readonly failureAlarms: cloudwatch.Alarm[];
  /** How long `live` may take to move during a promotion. */
  readonly promotionTimeout: Duration;
  /** How long a held rollout waits for `resume`. */
  readonly holdTimeout: Duration;
  /** Async retries of the rollback function (EventBridge invokes it asynchronously). */
  readonly rollbackAsyncRetries: number;
  /** SSM parameter holding this release's wiring (JSON), read by the CLI. */
  readonly configParameter: ssm.StringParameter;
  /**
   * SSM parameter the release keeps on the last good `live` version. Written by the rollout and the
   * rollback, never by CloudFormation; a runtime stack that pins `live` should read it rather than a
   * literal, so a deploy never moves `live` back or forward behind the release's back.
   */
  readonly liveVersionParameterName: string;
  /** The gateway rule and endpoints this release switches. */
  readonly routing: ReleaseRouting;
  private readonly checkAlarmArns: string[];

  constructor(scope: Construct, id: string, props: ReleaseControllerProps) {
    super(scope, id);
    const { routing } = props;
    const releaseName = props.releaseName ?? routing.runtime.agentRuntimeName;
    const problems = new Problems('InvalidReleaseController');
    if (!Token.isUnresolved(releaseName)) {
      problems.check(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(releaseName), `releaseName: expected 1–64 letters, digits, "_", "." or "-" starting with a letter or digit, got ${JSON.stringify(releaseName)}`);
    } else {
      problems.add('releaseName: the runtime name is a deploy-time token; pass releaseName explicitly (it keys the release state and parameter names)');
    }
    let plan: RolloutPlan | undefined;
    try {
      plan = planRollout(props.rollout);
    } catch (e) {
      if (!(e instanceof KitError)) throw e;
      for (const p of e.problems) problems.add(p);
    }
    if (props.scoreCheck) problems.check(props.scoreCheck.minimum >= 0 && props.scoreCheck.minimum <= 1, `scoreCheck.minimum: expected a score 0–1, got ${props.scoreCheck.minimum}`);
    problems.throwIfAny();
    this.releaseName = releaseName;
    this.plan = plan!;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const checkAlarms = props.checkAlarms ?? [props.rollbackAlarm];

    this.table = new dynamodb.Table(this, 'State', {
      partitionKey: { name: 'release', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    this.topic =
      props.topic ??
      new sns.Topic(this, 'Notifications', {
        displayName: `Release ${releaseName}: promotions and rollbacks`,
        masterKey: props.encryptionKey,
        enforceSSL: true,
      });

    this.liveVersionParameterName = `${RELEASE_PARAMETER_PREFIX}/${releaseName}/live-version`;
    this.promotionTimeout = props.promotionTimeout ?? Duration.minutes(15);
    this.holdTimeout = props.holdTimeout ?? Duration.hours(24);
    const lateAlarmWindow = props.lateAlarmWindow ?? Duration.minutes(15);
    const config = {
      releaseName,
      tableName: this.table.tableName,
      gatewayId: routing.gatewayId,
      ruleId: routing.ruleId,
      runtimeId: routing.runtime.agentRuntimeId,
      liveEndpoint: routing.liveEndpointName,
      canaryEndpoint: routing.canaryEndpointName,
      liveTarget: routing.liveTargetName,
      canaryTarget: routing.canaryTargetName,
      alarmNames: checkAlarms.map((a) => a.alarmName),
      topicArn: this.topic.topicArn,
      liveVersionParameter: this.liveVersionParameterName,
      promotionTimeoutSeconds: this.promotionTimeout.toSeconds(),
      lateAlarmWindowSeconds: lateAlarmWindow.toSeconds(),
      plan: this.plan.steps,
      rollbackTimeoutSeconds: ROLLBACK_FUNCTION_TIMEOUT.toSeconds(),
      rollbackAsyncRetries: ROLLBACK_ASYNC_RETRIES,
      scoreCheck: props.scoreCheck
        ? { namespace: props.scoreCheck.metric.namespace, metricName: props.scoreCheck.metric.metricName, dimensions: props.scoreCheck.metric.dimensions ?? {}, minimum: props.scoreCheck.minimum }
        : undefined,
    };

    const fn = (cid: string, code: KitFunction, description: string, timeout: Duration) => {
      const logGroup = new logs.LogGroup(this, `${cid}Logs`, { retention: logRetention, encryptionKey: props.encryptionKey, removalPolicy: RemovalPolicy.DESTROY });
      return new lambda.Function(this, cid, {
        // Writes its own log group only (not the basic execution role's logs on "*").
        role: functionRole(this, `${cid}Role`, logGroup, description),
        code: kitLambdaCode(code),
        handler: 'index.handler',
        description,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        environment: { RELEASE_CONFIG: Stack.of(this).toJsonString(config), POWERTOOLS_SERVICE_NAME: `release-${cid.toLowerCase()}` },
      });
    };
    // Short on purpose: the worst case from alarm to all traffic on live counts every attempt's timeout.
    this.rollbackFunction = fn('Rollback', KIT_FUNCTIONS.rollback, `Release ${releaseName}: route all traffic to live at its last good version`, ROLLBACK_FUNCTION_TIMEOUT);
    this.rolloutFunction = fn('Rollout', KIT_FUNCTIONS.rollout, `Release ${releaseName}: rollout steps (start, weight, check, promote)`, Duration.minutes(2));

    // Permissions: each function gets exactly the calls it makes, on this release's resources.
    this.routing = routing;
    for (const f of [this.rollbackFunction, this.rolloutFunction]) this.grantReleaseCalls(f);
    this.grantStopAbTest(this.rollbackFunction);
    this.checkAlarmArns = checkAlarms.map((a) => a.alarmArn);
    this.rolloutFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ALARM_READ, resources: this.checkAlarmArns }));
    // GetMetricData has no resource-level permissions.
    if (props.scoreCheck) this.rolloutFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));

    // Rollback requests that were never handled land here: EventBridge's delivery failures, and the
    // function's own on-failure destination (Lambda retries an async invocation, then drops it otherwise).
    this.deadLetterQueue = new sqs.Queue(this, 'RollbackDeadLetters', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
    });
    this.rollbackAsyncRetries = config.rollbackAsyncRetries;
    this.rollbackFunction.configureAsyncInvoke({
      retryAttempts: this.rollbackAsyncRetries,
      maxEventAge: Duration.minutes(15),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    const toRollback = new targets.LambdaFunction(this.rollbackFunction, { retryAttempts: 8, maxEventAge: Duration.minutes(15), deadLetterQueue: this.deadLetterQueue });
    this.rollbackRule = new events.Rule(this, 'RollbackOnAlarm', {
      description: `Release ${releaseName}: roll back when ${props.rollbackAlarm.alarmName} goes to ALARM`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [props.rollbackAlarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [toRollback],
    });

    this.stateMachine = this.buildStateMachine(props, logRetention);
    // A timeout or an abort cannot be caught inside the execution: the rollback runs outside it.
    this.executionEndRule = new events.Rule(this, 'RollbackOnExecutionEnd', {
      description: `Release ${releaseName}: roll back when a rollout execution fails, times out or is aborted`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [toRollback],
    });

    const page = new cloudwatchActions.SnsAction(props.alarmTopic ?? this.topic);
    const executionsFailed = new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
      usingMetrics: { failed: this.stateMachine.metricFailed({ period: Duration.minutes(1) }), timedOut: this.stateMachine.metricTimedOut({ period: Duration.minutes(1) }) },
      period: Duration.minutes(1),
      label: 'rollout executions failed or timed out',
    }).createAlarm(this, 'ExecutionFailed', {
      alarmDescription: `Release ${releaseName}: a rollout execution failed or timed out (a rollback ends an execution as failed too: the release history says which)`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const rollbackLost = this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }).createAlarm(this, 'RollbackNotHandled', {
      alarmDescription: `Release ${releaseName}: a rollback request was not handled (undeliverable, or failed after retries); traffic may still be split — run the rollback by hand`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failureAlarms = [executionsFailed, rollbackLost];
    for (const alarm of this.failureAlarms) alarm.addAlarmAction(page);

    this.acknowledge(props);

    this.configParameter = new ssm.StringParameter(this, 'Config', {
      parameterName: `${RELEASE_PARAMETER_PREFIX}/${releaseName}/config`,
      description: `Release ${releaseName}: where its gateway, rule, endpoints, state and rollout are (read by the rollout CLI)`,
      stringValue: Stack.of(this).toJsonString({ ...config, stateMachineArn: this.stateMachine.stateMachineArn }),
    });
  }

  private buildStateMachine(props: ReleaseControllerProps, logRetention: logs.RetentionDays): sfn.StateMachine {
    // Lambda's own faults, throttling included, are retried on every task; the functions retry the
    // control plane themselves, so what reaches the Catch is a refusal or a fault that outlasted both.
    const invoke = (id: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string, retries = 6) => {
      const task = new tasks.LambdaInvoke(this, id, { lambdaFunction: fn, payload: sfn.TaskInput.fromObject(payload), payloadResponseOnly: true, resultPath, retryOnServiceExceptions: false });
      task.addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: retries, maxDelay: Duration.seconds(8), jitterStrategy: sfn.JitterType.FULL });
      return task;
    };
    const releaseId = sfn.JsonPath.executionName;

    const defaults = new sfn.Pass(this, 'Defaults', {
      comment: 'Input is optional: { "force": true } starts a version that was rolled back before',
      // CDK appends ".$" to a key whose value is a path: the key is written without it.
      parameters: { input: sfn.JsonPath.jsonMerge(sfn.JsonPath.stringToJson('{"force":false}'), sfn.JsonPath.objectAt('$')) },
    });
    const start = invoke('Start', this.rolloutFunction, { action: 'start', executionName: releaseId, executionArn: sfn.JsonPath.executionId, force: sfn.JsonPath.stringAt('$.input.force') }, '$.release');
    const plan = new sfn.Pass(this, 'Plan', { comment: 'Split steps of the rollout plan', result: sfn.Result.fromObject({ steps: this.plan.steps }), resultPath: '$.plan' });

    const setWeight = invoke('SetWeight', this.rolloutFunction, { action: 'setWeight', releaseId: sfn.JsonPath.stringAt('$.releaseId'), canaryPercent: sfn.JsonPath.numberAt('$.canaryPercent'), stepIndex: sfn.JsonPath.numberAt('$.stepIndex') }, '$.step');
    const bake = new sfn.Wait(this, 'Bake', { time: sfn.WaitTime.secondsPath('$.bakeSeconds') });
    const check = invoke('Check', this.rolloutFunction, { action: 'check', releaseId: sfn.JsonPath.stringAt('$.releaseId'), canaryPercent: sfn.JsonPath.numberAt('$.canaryPercent'), approval: sfn.JsonPath.stringAt('$.approval') }, '$.health');
    const stepDone = new sfn.Succeed(this, 'StepHealthy');
    // A pause or an approval step: the rollout records its task token and waits for `rollout resume`
    // (SendTaskSuccess). The canary alarms still roll back meanwhile; an unanswered hold times out into
    // the rollback.
    const hold = new tasks.LambdaInvoke(this, 'Hold', {
      lambdaFunction: this.rolloutFunction,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ action: 'hold', releaseId: sfn.JsonPath.stringAt('$.releaseId'), taskToken: sfn.JsonPath.taskToken, reason: sfn.JsonPath.stringAt('$.health.holdReason') }),
      resultPath: '$.resumed',
      taskTimeout: sfn.Timeout.duration(this.holdTimeout),
      retryOnServiceExceptions: false,
    });
    hold.addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6, maxDelay: Duration.seconds(8), jitterStrategy: sfn.JitterType.FULL });
    hold.next(stepDone);
    const holdOrDone = new sfn.Choice(this, 'Hold?').when(sfn.Condition.booleanEquals('$.health.hold', true), hold).otherwise(stepDone);
    const postStep = props.hooks?.postStep;
    const healthy = postStep
      ? invoke('PostStepHook', postStep, { hook: 'postStep', release: this.releaseName, releaseId: sfn.JsonPath.stringAt('$.releaseId'), canaryPercent: sfn.JsonPath.numberAt('$.canaryPercent'), stepIndex: sfn.JsonPath.numberAt('$.stepIndex') }, '$.postStep').next(holdOrDone)
      : holdOrDone;
    const unhealthy = new sfn.Fail(this, 'CanaryUnhealthy', { error: 'CanaryUnhealthy', causePath: '$.health.summary' });
    const stopped = new sfn.Fail(this, 'StepNotApplied', { error: 'RolloutStopped', causePath: '$.step.reason' });
    const step = setWeight.next(
      new sfn.Choice(this, 'StepApplied?').when(sfn.Condition.booleanEquals('$.step.applied', true), bake.next(check).next(new sfn.Choice(this, 'Healthy?').when(sfn.Condition.booleanEquals('$.health.healthy', true), healthy).otherwise(unhealthy))).otherwise(stopped),
    );
    const steps = new sfn.Map(this, 'Steps', {
      comment: 'One split step at a time: set weights, bake, check',
      itemsPath: '$.plan.steps',
      maxConcurrency: 1,
      itemSelector: {
        releaseId,
        canaryPercent: sfn.JsonPath.numberAt('$$.Map.Item.Value.canaryPercent'),
        bakeSeconds: sfn.JsonPath.numberAt('$$.Map.Item.Value.bakeSeconds'),
        stepIndex: sfn.JsonPath.numberAt('$$.Map.Item.Index'),
        approval: sfn.JsonPath.stringAt('$$.Map.Item.Value.approval'),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    steps.itemProcessor(step);

    // The rollback is retried harder than any other step; if it still fails the execution fails, and
    // the execution-status rule hands the rollback to the function again, outside this execution.
    const rollback = invoke('RollBack', this.rollbackFunction, { source: 'rollout', executionName: releaseId, reason: sfn.JsonPath.format('{}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')) }, '$.rollback', 8);
    rollback.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3, maxDelay: Duration.seconds(10), jitterStrategy: sfn.JitterType.FULL });
    rollback.addCatch(new sfn.Fail(this, 'RollbackFailed', { error: 'RollbackFailed', cause: 'The rollback did not finish here; the execution-status rule runs it again, and the failure pages' }), { resultPath: '$.rollbackError' });
    rollback.next(new sfn.Fail(this, 'RolledBack', { error: 'RolledBack', cause: 'The rollout stopped; all traffic is back on live at its last good version' }));
    const toRollback = { resultPath: '$.error' };

    // A refusal to start moved no traffic: the execution ends there with the reason.
    start.addCatch(new sfn.Fail(this, 'NotStarted', { error: 'NotStarted', causePath: '$.error.Cause' }), { errors: START_REFUSALS, resultPath: '$.error' });
    start.addCatch(rollback, toRollback);
    steps.addCatch(rollback, toRollback);

    const beginPromotion = invoke('BeginPromotion', this.rolloutFunction, { action: 'beginPromotion', releaseId }, '$.promotion');
    const waitForLive = new sfn.Wait(this, 'WaitForLive', { time: sfn.WaitTime.duration(Duration.seconds(15)) });
    const promotionStatus = invoke('PromotionStatus', this.rolloutFunction, { action: 'promotionStatus', releaseId }, '$.promotionStatus');
    const finish = invoke('FinishPromotion', this.rolloutFunction, { action: 'finishPromotion', releaseId }, '$.promoted');
    for (const task of [beginPromotion, promotionStatus, finish]) task.addCatch(rollback, toRollback);

    const preTraffic = props.hooks?.preTraffic
      ? invoke('PreTrafficHook', props.hooks.preTraffic, { hook: 'preTraffic', release: this.releaseName, releaseId, liveVersion: sfn.JsonPath.stringAt('$.release.liveVersion'), canaryVersion: sfn.JsonPath.stringAt('$.release.canaryVersion') }, '$.preTraffic')
      : undefined;
    preTraffic?.addCatch(rollback, toRollback);

    const definition = defaults
      .next(start)
      .next(preTraffic ? plan.next(preTraffic) : plan)
      .next(steps)
      .next(beginPromotion)
      .next(waitForLive)
      .next(promotionStatus)
      .next(new sfn.Choice(this, 'LiveReady?').when(sfn.Condition.booleanEquals('$.promotionStatus.ready', true), finish.next(new sfn.Succeed(this, 'Promoted'))).otherwise(waitForLive));

    return new sfn.StateMachine(this, 'StateMachine', {
      comment: `Release ${this.releaseName}: ${this.plan.steps.map((s) => `${s.canaryPercent}% for ${s.bakeSeconds / 60} min`).join(' → ') || 'all at once'} → promote`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // Never reached in a healthy run: the promotion has its own, catchable timeout. A timed-out
      // execution is rolled back by the execution-status rule.
      // Holds count too: each split step may wait up to the hold timeout.
      timeout: Duration.seconds(this.plan.totalBakeSeconds + this.plan.steps.length * this.holdTimeout.toSeconds() + this.promotionTimeout.toSeconds() + 1800),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'StateMachineLogs', { retention: logRetention, encryptionKey: props.encryptionKey, removalPolicy: RemovalPolicy.DESTROY }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
  }

  /** Findings of the rule pack that do not apply here, each with its reason. */
  private acknowledge(props: ReleaseControllerProps): void {
    const stack = Stack.of(this);
    const ref = (token: string, attr: string) => {
      const r = stack.resolve(token) as { 'Fn::GetAtt'?: [string, string] };
      return r['Fn::GetAtt'] ? `<${r['Fn::GetAtt'][0]}.${attr}>` : token;
    };
    acknowledgeFunctionBaseline(this.rollbackFunction, { kind: 'asynchronous', caller: 'EventBridge (canary alarm state changes)', destination: 'the RollbackDeadLetters queue' });
    acknowledgeFunctionBaseline(this.rolloutFunction, { kind: 'synchronous', caller: 'the rollout state machine (a Task with retries and a Catch)' });
    // The rollback's dead letters are the end of the line: a queue behind them would only move the same events.
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is the dead-letter (on-failure) destination of the rollback function; a redrive from it would only move the same failed events' });
    for (const f of [this.rollbackFunction, this.rolloutFunction]) {
      acknowledgeFindings(f, [{ id: 'AwsSolutions-L1', reason: 'Lambda and AgentCore run Node 22 across the platform; the runtime is pinned to NODEJS_22_X on purpose' }]);
      // The role's statements, acknowledged on the role (and its policies) only.
      acknowledgeFindings(f.role!, [
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Only X-Ray tracing (PutTraceSegments, PutTelemetryRecords) and the rollout\'s score check (cloudwatch:GetMetricData) use "*": neither has resource-level permissions' },
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'Key grant made by the table and topic grants, limited to the release key' },
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'Key grant made by the table grant, limited to the release key' },
      ]);
    }
    acknowledgeFindings(this.rollbackFunction.role!, [
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock-agentcore:<AWS::Region>:<AWS::AccountId>:ab-test/*]', reason: 'A/B test ids are made by the service at CreateABTest; the grant is conditioned on aws:ResourceTag/agentcore-kit:release (this release), so only tests this release created can be stopped' },
    ]);
    acknowledgeFindings(this.stateMachine, [
      { id: `AwsSolutions-IAM5[Resource::${ref(this.rolloutFunction.functionArn, 'Arn')}:*]`, reason: 'Step Functions invokes the rollout function and its versions; the function itself is fixed' },
      { id: `AwsSolutions-IAM5[Resource::${ref(this.rollbackFunction.functionArn, 'Arn')}:*]`, reason: 'Step Functions invokes the rollback function and its versions; the function itself is fixed' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Log delivery to CloudWatch Logs and X-Ray tracing have no resource-level permissions' },
    ]);
    acknowledgeFindings(this.deadLetterQueue, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the alarm → rollback EventBridge target' }]);
  }

  /**
   * Allow a principal (an operator role, a pipeline) what `npm run rollout` does: read the config, start,
   * stop and watch rollouts, and — for `abort` (which rolls back in-process) and `ab-test` (which records
   * the test in the release state) — the same release calls the rollback function makes, and the states
   * of the alarms the rollout checks, and stopping the release's A/B test (abort stops it too). Creating
   * and reading A/B tests (CreateABTest, GetABTest) is not granted here.
   */
  grantOperate(grantee: iam.IGrantable): iam.Grant {
    this.grantReleaseCalls(grantee);
    this.grantStopAbTest(grantee);
    this.configParameter.grantRead(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: ALARM_READ, resourceArns: this.checkAlarmArns });
    this.stateMachine.grantExecution(grantee, 'states:StopExecution', 'states:DescribeExecution');
    // `resume` answers the held rollout's task token.
    this.stateMachine.grantTaskResponse(grantee);
    return this.stateMachine.grantStartExecution(grantee);
  }

  /**
   * Stopping the release's A/B test (an unhealthy canary during a test, or an abort). Test ids are made
   * by the service at CreateABTest, so the ARN is `ab-test/*`; the `aws:ResourceTag` condition (the
   * `ab-test` resource type supports it, Service Authorization Reference) confines it to tests this
   * release created (tagged by `npm run rollout -- ab-test`), so another environment's tests are out of reach.
   */
  private grantStopAbTest(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: AB_TEST_STOP,
      resourceArns: [`arn:${Aws.PARTITION}:bedrock-agentcore:${Aws.REGION}:${Aws.ACCOUNT_ID}:ab-test/*`],
      conditions: { StringEquals: { [`aws:ResourceTag/${AB_TEST_RELEASE_TAG}`]: this.releaseName } },
    });
  }

  /** The calls a rollout or rollback makes, on this release's resources only. */
  private grantReleaseCalls(grantee: iam.IGrantable): void {
    const routing = this.routing;
    const endpointArns = [routing.liveEndpointName, routing.canaryEndpointName].map((e) => `${routing.runtime.agentRuntimeArn}/runtime-endpoint/${e}`);
    this.table.grantReadWriteData(grantee);
    this.topic.grantPublish(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: [...RULE_READ, ...RULE_WRITE], resourceArns: [routing.gatewayArn] });
    iam.Grant.addToPrincipal({ grantee, actions: [...ENDPOINT_READ, ...ENDPOINT_WRITE], resourceArns: [routing.runtime.agentRuntimeArn, ...endpointArns] });
    iam.Grant.addToPrincipal({ grantee, actions: ['ssm:PutParameter', 'ssm:GetParameter'], resourceArns: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${this.liveVersionParameterName}`] });
  }
}
