import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { KitError, Problems } from '../errors';
import { AB_TEST_STOP, ALARM_READ, ENDPOINT_READ, ENDPOINT_WRITE, RULE_READ, RULE_WRITE } from './perms';
import { planRollout, type RolloutPlan, type RolloutPresetName, type RolloutStepInput } from './rollout-plan';

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
}

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
  readonly rollbackFunction: nodejs.NodejsFunction;
  readonly rolloutFunction: nodejs.NodejsFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly rollbackRule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
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
    };

    const fn = (cid: string, entry: string, description: string, timeout: Duration) => {
      const logGroup = new logs.LogGroup(this, `${cid}Logs`, { retention: logRetention, encryptionKey: props.encryptionKey, removalPolicy: RemovalPolicy.DESTROY });
      return new nodejs.NodejsFunction(this, cid, {
        entry: path.join(__dirname, '..', '..', 'lambda', entry),
        description,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        environment: { RELEASE_CONFIG: Stack.of(this).toJsonString(config), POWERTOOLS_SERVICE_NAME: `release-${cid.toLowerCase()}` },
        // Bundle the SDK: the control-plane client must be at least the version the code was written against.
        bundling: { minify: true, sourceMap: true, externalModules: [] },
      });
    };
    this.rollbackFunction = fn('Rollback', 'rollback/index.ts', `Release ${releaseName}: route all traffic to live at its last good version`, Duration.minutes(3));
    this.rolloutFunction = fn('Rollout', 'rollout/index.ts', `Release ${releaseName}: rollout steps (start, weight, check, promote)`, Duration.minutes(2));

    // Permissions: each function gets exactly the calls it makes, on this release's resources.
    this.routing = routing;
    for (const f of [this.rollbackFunction, this.rolloutFunction]) this.grantReleaseCalls(f);
    this.grantStopAbTest(this.rollbackFunction);
    this.checkAlarmArns = checkAlarms.map((a) => a.alarmArn);
    this.rolloutFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ALARM_READ, resources: this.checkAlarmArns }));

    // Alarm → rollback, with retries and a dead-letter queue for events that could not be delivered.
    this.deadLetterQueue = new sqs.Queue(this, 'RollbackDeadLetters', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
    });
    this.rollbackRule = new events.Rule(this, 'RollbackOnAlarm', {
      description: `Release ${releaseName}: roll back when ${props.rollbackAlarm.alarmName} goes to ALARM`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [props.rollbackAlarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [new targets.LambdaFunction(this.rollbackFunction, { retryAttempts: 8, maxEventAge: Duration.hours(1), deadLetterQueue: this.deadLetterQueue })],
    });

    this.stateMachine = this.buildStateMachine(props, logRetention);

    this.acknowledge(props);

    this.configParameter = new ssm.StringParameter(this, 'Config', {
      parameterName: `${RELEASE_PARAMETER_PREFIX}/${releaseName}/config`,
      description: `Release ${releaseName}: where its gateway, rule, endpoints, state and rollout are (read by the rollout CLI)`,
      stringValue: Stack.of(this).toJsonString({ ...config, stateMachineArn: this.stateMachine.stateMachineArn }),
    });
  }

  private buildStateMachine(props: ReleaseControllerProps, logRetention: logs.RetentionDays): sfn.StateMachine {
    const invoke = (id: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string) =>
      new tasks.LambdaInvoke(this, id, { lambdaFunction: fn, payload: sfn.TaskInput.fromObject(payload), payloadResponseOnly: true, resultPath });
    const releaseId = sfn.JsonPath.stringAt('$.release.releaseId');

    const defaults = new sfn.Pass(this, 'Defaults', {
      comment: 'Input is optional: { "force": true } starts a version that was rolled back before',
      parameters: { 'input.$': sfn.JsonPath.jsonMerge(sfn.JsonPath.stringToJson('{"force":false}'), sfn.JsonPath.objectAt('$')) },
    });
    const start = invoke('Start', this.rolloutFunction, { action: 'start', executionName: sfn.JsonPath.executionName, executionArn: sfn.JsonPath.executionId, force: sfn.JsonPath.stringAt('$.input.force') }, '$.release');
    const plan = new sfn.Pass(this, 'Plan', { comment: 'Split steps of the rollout plan', result: sfn.Result.fromObject({ steps: this.plan.steps }), resultPath: '$.plan' });

    const setWeight = invoke('SetWeight', this.rolloutFunction, { action: 'setWeight', releaseId: sfn.JsonPath.stringAt('$.releaseId'), canaryPercent: sfn.JsonPath.numberAt('$.canaryPercent'), stepIndex: sfn.JsonPath.numberAt('$.stepIndex') }, '$.step');
    const bake = new sfn.Wait(this, 'Bake', { time: sfn.WaitTime.secondsPath('$.bakeSeconds') });
    const check = invoke('Check', this.rolloutFunction, { action: 'check', releaseId: sfn.JsonPath.stringAt('$.releaseId'), canaryPercent: sfn.JsonPath.numberAt('$.canaryPercent') }, '$.health');
    const stepDone = new sfn.Succeed(this, 'StepHealthy');
    const unhealthy = new sfn.Fail(this, 'CanaryUnhealthy', { error: 'CanaryUnhealthy', causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.listAt('$.health.reasons')) });
    const stopped = new sfn.Fail(this, 'StepNotApplied', { error: 'RolloutStopped', causePath: '$.step.reason' });
    const step = setWeight.next(
      new sfn.Choice(this, 'StepApplied?').when(sfn.Condition.booleanEquals('$.step.applied', true), bake.next(check).next(new sfn.Choice(this, 'Healthy?').when(sfn.Condition.booleanEquals('$.health.healthy', true), stepDone).otherwise(unhealthy))).otherwise(stopped),
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
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    steps.itemProcessor(step);

    const rollback = invoke('RollBack', this.rollbackFunction, { source: 'rollout', executionName: sfn.JsonPath.executionName, reason: sfn.JsonPath.format('{}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')) }, '$.rollback').next(
      new sfn.Fail(this, 'RolledBack', { error: 'RolledBack', cause: 'The canary failed a check; all traffic is back on live at its last good version' }),
    );
    steps.addCatch(rollback, { resultPath: '$.error' });

    const beginPromotion = invoke('BeginPromotion', this.rolloutFunction, { action: 'beginPromotion', releaseId }, '$.promotion');
    const waitForLive = new sfn.Wait(this, 'WaitForLive', { time: sfn.WaitTime.duration(Duration.seconds(15)) });
    const promotionStatus = invoke('PromotionStatus', this.rolloutFunction, { action: 'promotionStatus', releaseId }, '$.promotionStatus');
    const finish = invoke('FinishPromotion', this.rolloutFunction, { action: 'finishPromotion', releaseId }, '$.promoted');
    beginPromotion.addCatch(rollback, { resultPath: '$.error' });
    promotionStatus.addCatch(rollback, { resultPath: '$.error' });

    const definition = defaults
      .next(start)
      .next(plan)
      .next(steps)
      .next(beginPromotion)
      .next(waitForLive)
      .next(promotionStatus)
      .next(new sfn.Choice(this, 'LiveReady?').when(sfn.Condition.booleanEquals('$.promotionStatus.ready', true), finish.next(new sfn.Succeed(this, 'Promoted'))).otherwise(waitForLive));

    return new sfn.StateMachine(this, 'StateMachine', {
      comment: `Release ${this.releaseName}: ${this.plan.steps.map((s) => `${s.canaryPercent}% for ${s.bakeSeconds / 60} min`).join(' → ') || 'all at once'} → promote`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // Bakes plus an hour for promotion; a stuck rollout ends, and the release state says where it stood.
      timeout: Duration.seconds(this.plan.totalBakeSeconds + 3600),
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
    for (const f of [this.rollbackFunction, this.rolloutFunction]) {
      acknowledgeFindings(f, [
        { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'The function only writes its own logs beyond the grants listed in its policy; the AWS managed basic execution role is the least it needs' },
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Only X-Ray tracing (PutTraceSegments, PutTelemetryRecords) uses "*": X-Ray has no resource-level permissions' },
        { id: `AwsSolutions-IAM5[Resource::${ref(props.routing.gatewayArn, 'GatewayArn')}/*]`, reason: 'Gateway rules are sub-resources of this one gateway; the rule id is only known after deploy' },
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'Key grant made by the table and topic grants, limited to the release key' },
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'Key grant made by the table grant, limited to the release key' },
        { id: 'AwsSolutions-L1', reason: 'Lambda and AgentCore run Node 22 across the platform; the runtime is pinned to NODEJS_22_X on purpose' },
      ]);
    }
    acknowledgeFindings(this.rollbackFunction, [
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock-agentcore:<AWS::Region>:<AWS::AccountId>:ab-test/*]', reason: 'A/B test ids are made by the service at CreateABTest; the rollback stops only the test recorded in this release state' },
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
    return this.stateMachine.grantStartExecution(grantee);
  }

  /**
   * Stopping the release's A/B test (an unhealthy canary during a test, or an abort). Test ids are made
   * by the service at CreateABTest, so the grant covers the account's tests in this region; the code stops
   * only the id recorded in this release's state.
   */
  private grantStopAbTest(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: AB_TEST_STOP, resourceArns: [`arn:${Aws.PARTITION}:bedrock-agentcore:${Aws.REGION}:${Aws.ACCOUNT_ID}:ab-test/*`] });
  }

  /** The calls a rollout or rollback makes, on this release's resources only. */
  private grantReleaseCalls(grantee: iam.IGrantable): void {
    const routing = this.routing;
    const endpointArns = [routing.liveEndpointName, routing.canaryEndpointName].map((e) => `${routing.runtime.agentRuntimeArn}/runtime-endpoint/${e}`);
    this.table.grantReadWriteData(grantee);
    this.topic.grantPublish(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: [...RULE_READ, ...RULE_WRITE], resourceArns: [routing.gatewayArn, `${routing.gatewayArn}/*`] });
    iam.Grant.addToPrincipal({ grantee, actions: [...ENDPOINT_READ, ...ENDPOINT_WRITE], resourceArns: [routing.runtime.agentRuntimeArn, ...endpointArns] });
    iam.Grant.addToPrincipal({ grantee, actions: ['ssm:PutParameter'], resourceArns: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${this.liveVersionParameterName}`] });
  }
}
