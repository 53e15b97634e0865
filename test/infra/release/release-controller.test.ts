import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { releaseStack } from './support';

/** The state machine definition as an object (tokens replaced by "<token>"). */
function definitionOf(t: Template): Record<string, any> {
  const [sm] = Object.values(t.findResources('AWS::StepFunctions::StateMachine')) as Array<{ Properties: { DefinitionString: unknown } }>;
  const d = sm.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] } | string;
  const text = typeof d === 'string' ? d : d['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<token>')).join('');
  return JSON.parse(text);
}

function policiesOf(t: Template, roleLogicalIdPrefix: string) {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(roleLogicalIdPrefix))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
}

describe('ReleaseController', () => {
  test('the release state lives in an encrypted, point-in-time-recoverable table that is retained', () => {
    const t = releaseStack().template();
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'release', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the composite alarm going to ALARM invokes the rollback function, with retries and a dead-letter queue', () => {
    const t = releaseStack().template();
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^CanaryAlarmsHealth'), 'Arn'] }],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReleaseRollback[0-9A-F]+$'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 900 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReleaseRollbackDeadLetters'), 'Arn'] } },
        }),
      ],
    });
  });

  test('both functions bundle with esbuild and run on Node 22 with the release wiring in RELEASE_CONFIG', () => {
    const t = releaseStack({}, true).template();
    const fns = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { RELEASE_CONFIG: Match.anyValue() } } } })) as any[];
    expect(fns).toHaveLength(2);
    for (const f of fns) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      const config = JSON.stringify(f.Properties.Environment.Variables.RELEASE_CONFIG);
      for (const part of ['"releaseName\\":\\"supervisor\\"', 'RuleId', 'GatewayIdentifier', 'AgentRuntimeId', '\\"liveTarget\\":\\"agent-live\\"', '\\"canaryTarget\\":\\"agent-canary\\"', '/agentcore-kit/release/supervisor/live-version']) {
        expect(config).toContain(part.replace(/^"/, ''));
      }
    }
  });

  test('the rollout is a Step Functions state machine: one step at a time, bake, check, roll back on failure, then promote', () => {
    const d = definitionOf(releaseStack().template());
    expect(d.StartAt).toBe('Defaults');
    expect(d.States.Plan.Result).toEqual({ steps: [{ canaryPercent: 10, bakeSeconds: 600, approval: false }] });
    const steps = d.States.Steps;
    expect(steps.Type).toBe('Map');
    expect(steps.MaxConcurrency).toBe(1);
    expect(steps.ItemsPath).toBe('$.plan.steps');
    expect(steps.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RollBack' }]);
    const inner = steps.ItemProcessor.States;
    expect(steps.ItemProcessor.StartAt).toBe('SetWeight');
    expect(inner.Bake).toMatchObject({ Type: 'Wait', SecondsPath: '$.bakeSeconds', Next: 'Check' });
    expect(inner['Healthy?'].Choices[0]).toMatchObject({ Variable: '$.health.healthy', BooleanEquals: true, Next: 'Hold?' });
    expect(inner['Hold?'].Default).toBe('StepHealthy');
    expect(inner['Healthy?'].Default).toBe('CanaryUnhealthy');
    expect(inner.Check.Parameters).toMatchObject({ action: 'check', 'releaseId.$': '$.releaseId', 'canaryPercent.$': '$.canaryPercent' });
    expect(steps.Next).toBe('BeginPromotion');
    expect(d.States.RollBack.Parameters).toMatchObject({ source: 'rollout', 'executionName.$': '$$.Execution.Name' });
    expect(d.States.RollBack.Next).toBe('RolledBack');
    expect(d.States.BeginPromotion.Catch[0].Next).toBe('RollBack');
    expect(d.States['LiveReady?'].Choices[0]).toMatchObject({ Variable: '$.promotionStatus.ready', BooleanEquals: true, Next: 'FinishPromotion' });
    expect(d.States['LiveReady?'].Default).toBe('WaitForLive');
    // Bakes + a hold per step + the promotion's own timeout + a margin: a healthy run never reaches it.
    expect(d.TimeoutSeconds).toBe(600 + 24 * 3600 + 900 + 1800);
  });

  test('every task retries Lambda faults and throttling, and every task but the rollback is caught into it', () => {
    const d = definitionOf(releaseStack().template());
    const tasks = { ...d.States, ...d.States.Steps.ItemProcessor.States } as Record<string, any>;
    const names = Object.keys(tasks).filter((n) => tasks[n].Type === 'Task');
    expect(names.sort()).toEqual(['BeginPromotion', 'Check', 'FinishPromotion', 'Hold', 'PromotionStatus', 'RollBack', 'SetWeight', 'Start']);
    for (const n of names) {
      expect(tasks[n].Retry[0].ErrorEquals).toEqual(expect.arrayContaining(['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.Unknown']));
    }
    for (const n of ['Start', 'BeginPromotion', 'PromotionStatus', 'FinishPromotion']) {
      expect(tasks[n].Catch.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RollBack' });
    }
    // Inside the Map, the Map's own Catch routes to the rollback.
    expect(d.States.Steps.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RollBack' }]);
    expect(d.States.Start.Catch[0]).toMatchObject({ ErrorEquals: ['NotReady', 'NothingToRelease', 'RolloutInProgress', 'AbTestRunning', 'VersionRolledBack'], Next: 'NotStarted' });
    expect(d.States.RollBack.Retry.map((r: any) => r.ErrorEquals)).toEqual([expect.arrayContaining(['Lambda.TooManyRequestsException']), ['States.TaskFailed']]);
    expect(d.States.RollBack.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: 'RollbackFailed' }]);
  });

  test('an execution that fails, times out or is aborted invokes the rollback; failures and lost rollbacks page', () => {
    const t = releaseStack().template();
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: Match.stringLikeRegexp('^ReleaseStateMachine') }] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReleaseRollback[0-9A-F]+$'), 'Arn'] }, DeadLetterConfig: Match.anyValue() })],
    });
    // Lambda's async retries, then the on-failure destination: the same dead-letter queue, which pages.
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^ReleaseRollback[0-9A-F]+$') },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 900,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReleaseRollbackDeadLetters'), 'Arn'] } } },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReleaseRollbackDeadLetters'), 'QueueName'] } }],
      Threshold: 0,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^ReleaseNotifications') }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0)' })]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^ReleaseNotifications') }],
    });
  });

  test('a linear preset bakes three steps; all-at-once has none', () => {
    expect(definitionOf(releaseStack({ rollout: 'LINEAR_25PERCENT_EVERY_5MINUTES' }).template()).States.Plan.Result.steps).toEqual([
      { canaryPercent: 25, bakeSeconds: 300, approval: false },
      { canaryPercent: 50, bakeSeconds: 300, approval: false },
      { canaryPercent: 75, bakeSeconds: 300, approval: false },
    ]);
    expect(definitionOf(releaseStack({ rollout: 'ALL_AT_ONCE' }).template()).States.Plan.Result.steps).toEqual([]);
  });

  test('the state machine logs everything and is traced', () => {
    releaseStack().template().hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  test('functions may switch only this gateway’s rules and pin only the two endpoints; alarms are read by name', () => {
    const t = releaseStack().template();
    // Their own log group only: no AWS managed basic execution role (logs on "*").
    expect(JSON.stringify(t.findResources('AWS::IAM::Role'))).not.toContain('AWSLambdaBasicExecutionRole');
    for (const role of ['ReleaseRollbackRole', 'ReleaseRolloutRole']) {
      const statements = policiesOf(t, role);
      const rule = statements.find((s) => JSON.stringify(s.Action).includes('UpdateGatewayRule'))!;
      expect(rule.Action).toEqual(['bedrock-agentcore:GetGatewayRule', 'bedrock-agentcore:UpdateGatewayRule']);
      expect(JSON.stringify(rule.Resource)).toContain('GatewayArn');
      const endpoint = statements.find((s) => JSON.stringify(s.Action).includes('UpdateAgentRuntimeEndpoint'))!;
      expect(JSON.stringify(endpoint.Resource)).toContain('/runtime-endpoint/live');
      expect(JSON.stringify(endpoint.Resource)).toContain('/runtime-endpoint/canary');
      expect(statements.map((s) => s.Action)).not.toContain('*');
      // Only X-Ray tracing, which has no resource-level permissions, may use Resource "*".
      const unscoped = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
      expect(unscoped.filter((a) => !a.startsWith('xray:'))).toEqual([]);
    }
    // Only the rollback may stop an A/B test (an unhealthy canary during a test).
    const stopTest = policiesOf(t, 'ReleaseRollbackRole').find((s) => s.Action === 'bedrock-agentcore:UpdateABTest')!;
    expect(JSON.stringify(stopTest.Resource)).toMatch(/:bedrock-agentcore:.*:ab-test\/\*/);
    // Only tests this release created (tagged at CreateABTest) can be stopped.
    expect((stopTest as { Condition?: unknown }).Condition).toEqual({ StringEquals: { 'aws:ResourceTag/agentcore-kit:release': expect.any(String) } });
    expect(policiesOf(t, 'ReleaseRolloutRole').some((s) => JSON.stringify(s.Action).includes('ABTest'))).toBe(false);
    const describe = policiesOf(t, 'ReleaseRolloutRole').find((s) => s.Action === 'cloudwatch:DescribeAlarms')!;
    expect(JSON.stringify(describe.Resource)).toContain('CanaryAlarmsHealth');
    expect(policiesOf(t, 'ReleaseRollbackRole').some((s) => JSON.stringify(s.Action).includes('DescribeAlarms'))).toBe(false);
  });

  test('grantOperate gives an operator what the CLI does: rollouts, the release state (A/B record, abort), this rule and these endpoints only', () => {
    const r = releaseStack();
    const operator = new iam.Role(r.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    r.controller.grantOperate(operator);
    const statements = policiesOf(r.template(), 'Operator');
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'states:StopExecution', 'states:SendTaskSuccess', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'ssm:GetParameter', 'ssm:PutParameter', 'sns:Publish', 'cloudwatch:DescribeAlarms']));
    expect(JSON.stringify(statements.find((s) => s.Action === 'cloudwatch:DescribeAlarms')!.Resource)).toContain('CanaryAlarmsHealth');
    const rule = statements.find((s) => JSON.stringify(s.Action).includes('UpdateGatewayRule'))!;
    expect(JSON.stringify(rule.Resource)).toContain('GatewayArn');
    const endpoints = statements.find((s) => JSON.stringify(s.Action).includes('UpdateAgentRuntimeEndpoint'))!;
    expect(JSON.stringify(endpoints.Resource)).toMatch(/runtime-endpoint\/live.*runtime-endpoint\/canary/);
    expect(statements.filter((s) => s.Resource === '*')).toEqual([]);
  });

  test('a hold waits for its task token with a timeout, inside each step after a healthy check', () => {
    const d = definitionOf(releaseStack({ holdTimeout: Duration.hours(2) }).template());
    const inner = d.States.Steps.ItemProcessor.States;
    expect(inner['Healthy?'].Choices[0].Next).toBe('Hold?');
    expect(inner['Hold?'].Choices[0]).toMatchObject({ Variable: '$.health.hold', BooleanEquals: true, Next: 'Hold' });
    expect(inner.Hold).toMatchObject({ Resource: expect.stringMatching(/lambda:invoke\.waitForTaskToken$/), TimeoutSeconds: 7200, Next: 'StepHealthy' });
    expect(inner.Hold.Parameters.Payload).toMatchObject({ action: 'hold', 'taskToken.$': '$$.Task.Token', 'reason.$': '$.health.holdReason' });
    expect(d.States.Steps.ItemSelector).toMatchObject({ 'approval.$': '$$.Map.Item.Value.approval' });
  });

  test('the CLI finds everything through one config parameter', () => {
    releaseStack().template().hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/agentcore-kit/release/supervisor/config',
      Type: 'String',
      Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"stateMachineArn":"')])] },
    });
  });

  test('topic and dead-letter queue are encrypted with the customer-managed key; the topic refuses plain HTTP', () => {
    const t = releaseStack().template();
    const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: key });
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: key });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
  });

  test('a bad rollout plan fails synth naming the step', () => {
    expect(() => releaseStack({ rollout: [{ canaryPercent: 10, bakeMinutes: 5 }] })).toThrow(/\[InvalidReleaseController\] rollout\[0\]\.canaryPercent: the last step must be 100/);
  });

  test('a bad release name is refused', () => {
    expect(() => releaseStack({ releaseName: 'has space' })).toThrow(/releaseName: expected 1–64 letters/);
  });
});
