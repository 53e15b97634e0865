/**
 * The compliance checks can fail: each is shown catching a deliberate violation on a throwaway stack,
 * so a green platform run means something.
 */
import { App, CfnResource, CfnWaitConditionHandle, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  acknowledgeFinding,
  applyCompliance,
  checkEncryption,
  checkIamPolicies,
  checkResourcePolicies,
  collectAcknowledgements,
  collectTemplates,
  exemptFromCustomerManagedKey,
  readValidationFindings,
} from '../../lib/compliance';

// Synth prints the validation report these tests provoke on purpose; the assertions read it from the assembly.
beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

const noThrowApp = () => new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });

describe('CloudFormation schema validation at synth', () => {
  test('a misspelt property and a wrongly typed value are reported with the property path', () => {
    const app = noThrowApp();
    const stack = new Stack(app, 'Throwaway');
    const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true, encryptionMasterKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    (queue.node.defaultChild as CfnResource).addPropertyOverride('VisibilityTimeoutt', 30);
    (queue.node.defaultChild as CfnResource).addPropertyOverride('MessageRetentionPeriod', 'a week');
    const findings = readValidationFindings(app.synth()).filter((f) => f.plugin === 'CloudFormation Validate');
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'Schema', description: expect.stringContaining("'VisibilityTimeoutt' was unexpected"), constructPaths: ['Throwaway/Queue/Resource'] }),
        expect.objectContaining({ category: 'Schema', description: expect.stringContaining("'a week' is not of type 'integer'") }),
      ]),
    );
  });

  test('a correct stack has no schema findings', () => {
    const app = noThrowApp();
    const stack = new Stack(app, 'Clean');
    new sqs.Queue(stack, 'Queue', { visibilityTimeout: Duration.seconds(30) });
    expect(readValidationFindings(app.synth()).filter((f) => f.plugin === 'CloudFormation Validate')).toEqual([]);
  });
});

describe('cdk-nag through applyCompliance', () => {
  const unsafeQueueApp = (acknowledge: boolean) => {
    const app = noThrowApp();
    applyCompliance(app);
    const stack = new Stack(app, 'Nagged');
    const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true, encryption: sqs.QueueEncryption.KMS_MANAGED });
    const queue = new sqs.Queue(stack, 'Queue', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 }, encryption: sqs.QueueEncryption.KMS_MANAGED });
    if (acknowledge) acknowledgeFinding(queue, 'AwsSolutions-SQS4', 'Throwaway queue of a test; only ever reached from inside the account over TLS');
    acknowledgeFinding(dlq, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the main queue');
    return app;
  };

  test('an unacknowledged finding is reported with its rule and construct path', () => {
    const findings = readValidationFindings(unsafeQueueApp(false).synth()).filter((f) => f.plugin === 'AwsSolutions');
    expect(findings).toEqual([expect.objectContaining({ rule: 'AwsSolutions-SQS4', severity: 'error', constructPaths: ['Nagged/Queue/Resource'] })]);
  });

  test('an acknowledged finding is not reported, and the acknowledgement keeps its reason', () => {
    const app = unsafeQueueApp(true);
    expect(readValidationFindings(app.synth()).filter((f) => f.plugin === 'AwsSolutions')).toEqual([]);
    expect(collectAcknowledgements(app)).toEqual(
      expect.arrayContaining([{ id: 'AwsSolutions-SQS4', reason: expect.stringContaining('over TLS'), path: 'Nagged/Queue' }]),
    );
  });

  test('with the default settings an unacknowledged error fails the synth', () => {
    const app = new App();
    applyCompliance(app);
    new sqs.Queue(new Stack(app, 'Strict'), 'Queue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  test('applying twice registers the pack once', () => {
    const app = noThrowApp();
    const stack = new Stack(app, 'Twice');
    expect(applyCompliance(stack)).toBe(applyCompliance(app));
    new sqs.Queue(stack, 'Queue', { enforceSSL: true, encryption: sqs.QueueEncryption.KMS_MANAGED });
    const sqs3 = readValidationFindings(app.synth()).filter((f) => f.rule === 'AwsSolutions-SQS3');
    expect(sqs3.map((f) => f.constructPaths)).toEqual([['Twice/Queue/Resource']]);
  });
});

describe('IAM walker on a synthesized stack', () => {
  const synthRole = (statements: iam.PolicyStatement[]) => {
    const app = noThrowApp();
    const stack = new Stack(app, 'Iam');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    statements.forEach((s) => role.addToPolicy(s));
    new iam.ManagedPolicy(stack, 'Managed', { statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] });
    return collectTemplates(app.synth());
  };

  test('reports Action "*", service-wide wildcards, NotAction and Resource "*" outside the allow-list', () => {
    const findings = checkIamPolicies(
      synthRole([
        new iam.PolicyStatement({ actions: ['*'], resources: ['arn:aws:s3:::bucket'] }),
        new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::bucket/*'] }),
        new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['arn:aws:s3:::bucket'] }),
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'xray:PutTraceSegments'], resources: ['*'] }),
      ]),
    ).map((f) => f.problem);
    expect(findings).toEqual(
      expect.arrayContaining([
        'Action "*" grants every action of every service',
        'service-wide wildcard action "s3:*"; list the actions needed',
        expect.stringContaining('Allow with NotAction "iam:*"'),
        expect.stringMatching(/^Resource "\*" for dynamodb:GetItem;/),
        expect.stringMatching(/^Resource "\*" for sqs:SendMessage;/),
      ]),
    );
    expect(findings.join('\n')).not.toMatch(/for .*xray:PutTraceSegments/);
  });

  test('allow-listed actions, scoped resources, partial wildcards and Deny statements pass', () => {
    const templates = synthRole([
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['s3:GetObject*'], resources: ['arn:aws:s3:::bucket/*'] }),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] }),
    ]);
    expect(checkIamPolicies(templates).filter((f) => f.logicalId.startsWith('Role'))).toEqual([]);
    expect(checkIamPolicies(templates, { allowWildcardResource: { 'sqs:SendMessage': 'test: queue chosen at run time' } })).toEqual([]);
  });
});

describe('customer-managed key check on a synthesized stack', () => {
  test('reports S3-managed, AWS-managed and missing keys; passes customer keys and exempted resources', () => {
    const app = noThrowApp();
    const stack = new Stack(app, 'Enc');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new s3.Bucket(stack, 'S3Managed', { encryption: s3.BucketEncryption.S3_MANAGED });
    new s3.Bucket(stack, 'Cmk', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    new sqs.Queue(stack, 'AwsManaged', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    new sqs.Queue(stack, 'CmkQueue', { encryptionMasterKey: key });
    new logs.LogGroup(stack, 'Plain');
    new logs.LogGroup(stack, 'Encrypted', { encryptionKey: key });
    const accessLogs = new s3.Bucket(stack, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED });
    exemptFromCustomerManagedKey(accessLogs, 'S3 server access logs can only be delivered to SSE-S3 buckets');

    const found = checkEncryption(collectTemplates(app.synth())).map((f) => `${f.type} ${f.logicalId}`);
    expect(found.sort()).toEqual([expect.stringMatching(/^AWS::Logs::LogGroup Plain/), expect.stringMatching(/^AWS::S3::Bucket S3Managed/), expect.stringMatching(/^AWS::SQS::Queue AwsManaged/)]);
  });
});

describe('the kit checks at synth (applyCompliance)', () => {
  const leakyApp = (context: Record<string, unknown>) => {
    const app = new App({ context });
    applyCompliance(app);
    const stack = new Stack(app, 'Leaky');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/t'] }));
    acknowledgeFinding(role, 'AwsSolutions-IAM5[Action::dynamodb:*]', 'Deliberate wildcard: the kit check must still catch it');
    const logsGroup = new logs.LogGroup(stack, 'Logs');
    acknowledgeFinding(logsGroup, 'AwsSolutions-L1', 'Not a Lambda runtime; rule not applicable to this test');
    return app;
  };

  test('least-privilege and customer-managed-key findings land in the validation report with their construct', () => {
    const findings = readValidationFindings(leakyApp({ '@aws-cdk/core:failSynthOnValidationErrors': false }).synth()).filter((f) => f.plugin === 'AgentCoreKit');
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'IamLeastPrivilege', severity: 'fatal', description: 'service-wide wildcard action "dynamodb:*"; list the actions needed', constructPaths: ['Leaky/Role/DefaultPolicy/Resource'] }),
        expect.objectContaining({ rule: 'CustomerManagedKey', description: 'KmsKeyId must reference a customer-managed KMS key', constructPaths: ['Leaky/Logs/Resource'] }),
      ]),
    );
  });

  test('they fail the synth with the default settings', () => {
    expect(() => leakyApp({}).synth()).toThrow(/FATAL service-wide wildcard action "dynamodb:\*"[\s\S]*Rule AgentCoreKit::IamLeastPrivilege/);
  });

  test('they cannot be acknowledged away: the allow-list and the key exemption are the only ways out', () => {
    const app = leakyApp({ '@aws-cdk/core:failSynthOnValidationErrors': false });
    const stack = app.node.findChild('Leaky');
    Validations.of(stack).acknowledge({ id: 'AgentCoreKit::IamLeastPrivilege', reason: 'trying to hide a wildcard from the check' });
    expect(readValidationFindings(app.synth()).map((f) => f.rule)).toContain('IamLeastPrivilege');
  });

  test('a template over 1 MB is reported at synth (aws-cdk-lib itself refuses more than 500 resources)', () => {
    const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    applyCompliance(app);
    const stack = new Stack(app, 'Bulky');
    for (let i = 0; i < 11; i++) new CfnWaitConditionHandle(stack, `Handle${i}`).cfnOptions.metadata = { padding: 'x'.repeat(100_000) };
    expect(readValidationFindings(app.synth()).filter((f) => f.plugin === 'AgentCoreKit')).toEqual([
      expect.objectContaining({ rule: 'TemplateLimits', description: expect.stringMatching(/^1\d{6} bytes; CloudFormation allows 1000000 per template$/) }),
    ]);
    const crowdedApp = new App();
    const crowded = new Stack(crowdedApp, 'Crowded');
    for (let i = 0; i < 501; i++) new CfnWaitConditionHandle(crowded, `Handle${i}`);
    expect(() => crowdedApp.synth()).toThrow(/501 is greater than allowed maximum of 500/);
  });
});

describe('resource-policy walk', () => {
  const synthResources = (build: (stack: Stack) => void) => {
    const app = noThrowApp();
    build(new Stack(app, 'Resources', { env: { account: '111122223333', region: 'eu-west-1' } }));
    return collectTemplates(app.synth());
  };
  const fn = (stack: Stack, id = 'Fn') => new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>1') });

  test('reports open principals without a condition, wildcard actions on resources, open trust policies and unbound Lambda permissions', () => {
    const findings = checkResourcePolicies(
      synthResources((stack) => {
        const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
        key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ArnPrincipal('arn:aws:iam::444455556666:root')], actions: ['kms:*'], resources: ['*'] }));
        const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
        topic.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['sns:Publish'], resources: [topic.topicArn] }));
        const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
        bucket.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AccountPrincipal('444455556666')], actions: ['*'], resources: [bucket.arnForObjects('*')] }));
        new iam.Role(stack, 'OpenTrust', { assumedBy: new iam.AnyPrincipal() });
        fn(stack).addPermission('Anyone', { principal: new iam.AnyPrincipal() });
        fn(stack, 'Fn2').addPermission('Events', { principal: new iam.ServicePrincipal('events.amazonaws.com') });
      }),
    );
    const problems = findings.map((f) => `${f.logicalId} ${f.location}: ${f.problem}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Key\w+ KeyPolicy: service-wide wildcard action "kms:\*"/),
        expect.stringMatching(/^TopicPolicy\w+ PolicyDocument: Principal "\*" without a Condition/),
        expect.stringMatching(/^BucketPolicy\w+ PolicyDocument: Action "\*" grants every action on the resource/),
        expect.stringMatching(/^OpenTrust\w+ AssumeRolePolicyDocument: Principal "\*" without a Condition/),
        expect.stringMatching(/^FnAnyone\w+ Properties: Principal "\*" without SourceArn/),
        expect.stringMatching(/^Fn2Events\w+ Properties: service principal events\.amazonaws\.com without SourceArn or SourceAccount/),
      ]),
    );
    // The default key policy (kms:* for the key's own account root) is the one wildcard that belongs.
    expect(findings.filter((f) => f.location === 'KeyPolicy')).toHaveLength(1);
  });

  test('conditioned open principals, Deny statements, the default key policy and bound Lambda permissions pass', () => {
    const templates = synthResources((stack) => {
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key, enforceSSL: true });
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')], conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
      );
      fn(stack).addPermission('Rule', { principal: new iam.ServicePrincipal('events.amazonaws.com'), sourceArn: 'arn:aws:events:eu-west-1:111122223333:rule/r' });
    });
    expect(checkResourcePolicies(templates)).toEqual([]);
  });
});
