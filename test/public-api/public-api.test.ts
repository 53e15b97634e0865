/**
 * The construct library as another team sees it: only `lib/index.ts` is imported here (never a file
 * path inside lib/), and a small foreign app is built from it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, CfnOutput, Stack, type Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as kit from '../../lib';

const LIB = path.join(__dirname, '..', '..', 'lib');
/** Every concept folder is public, the reference platform (lib/app) included. */
const NOT_PUBLIC = new Set<string>();

describe('the public barrel', () => {
  const folders = fs.readdirSync(LIB).filter((d) => !NOT_PUBLIC.has(d) && fs.existsSync(path.join(LIB, d, 'index.ts')));

  test('there are concept folders to export', () => {
    expect(folders).toEqual(expect.arrayContaining(['app', 'compliance', 'config', 'pipeline']));
  });

  test.each(folders)('lib/index.ts re-exports everything of lib/%s', (folder) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(LIB, folder)) as Record<string, unknown>;
    const barrel = kit as unknown as Record<string, unknown>;
    const missing = Object.keys(mod).filter((k) => k !== '__esModule' && barrel[k] !== mod[k]);
    expect(missing).toEqual([]);
  });
});

describe('a foreign app built from the public exports only', () => {
  /** A team's own platform: a queue and a key, plus the outputs the pipeline steps read. */
  const teamPlatform = (stage: Stage): kit.PlatformOutputs => {
    const stack = new Stack(stage, 'Orders');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const dlq = new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: key, enforceSSL: true });
    kit.acknowledgeFinding(dlq, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the orders queue');
    new sqs.Queue(stack, 'Orders', { encryptionMasterKey: key, enforceSSL: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    return {
      agentRuntimeArns: { orders: new CfnOutput(stack, 'OrdersRuntimeArn', { value: `arn:aws:bedrock-agentcore:${stack.region}:${stack.account}:runtime/orders-abc` }) },
      rolloutStateMachineArns: { orders: new CfnOutput(stack, 'RolloutArn', { value: `arn:aws:states:${stack.region}:${stack.account}:stateMachine:orders-rollout` }) },
    };
  };

  let app: App;
  let pipelineStack: Stack;
  beforeAll(() => {
    app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    kit.applyCompliance(app);
    pipelineStack = new Stack(app, 'OrdersDelivery', { env: { account: '222222222222', region: 'eu-central-1' } });
    const config = kit.resolveEnvironment({ ...kit.BUILT_IN_ENVIRONMENTS.staging, name: 'orders' });
    new kit.AgentPipeline(pipelineStack, 'Pipeline', {
      source: kit.pipelineSource(pipelineStack, { kind: 'codecommit', repositoryName: 'orders-agents', branch: 'main' }),
      dev: { platform: teamPlatform },
      staging: { platform: teamPlatform },
      prod: { platform: teamPlatform },
      evaluation: { agents: ['orders'], environment: config.name, protocol: 'http' },
      manualApprovalBeforeProd: config.pipeline.manualApprovalBeforeProd,
    });
    const bucketStack = new Stack(app, 'OrdersData');
    const dataKey = new kms.Key(bucketStack, 'DataKey', { enableKeyRotation: true });
    new kit.AgentMemory(bucketStack, 'Memory', { encryptionKey: dataKey, description: 'Orders assistant conversations' });
    const logs = new s3.Bucket(bucketStack, 'AccessLogs', { enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED });
    kit.exemptFromCustomerManagedKey(logs, 'S3 server access logs are delivered only to SSE-S3 buckets');
    kit.acknowledgeFinding(logs, 'AwsSolutions-S1', 'This bucket is itself the server access log target');
    app.synth();
  });

  test('the pipeline deploys the team platform through dev, staging (gated) and prod', () => {
    const stages = Object.values(Template.fromStack(pipelineStack).findResources('AWS::CodePipeline::Pipeline'))[0].Properties.Stages as Array<{ Name: string }>;
    expect(stages.map((s) => s.Name).filter((n) => ['Dev', 'Staging', 'Prod'].includes(n))).toEqual(['Dev', 'Staging', 'Prod']);
  });

  test('a kit construct (agent memory) sits in the foreign stack with the team key', () => {
    Template.fromStack(app.node.findChild('OrdersData') as Stack).hasResourceProperties('AWS::BedrockAgentCore::Memory', { EncryptionKeyArn: Match.anyValue() });
  });

  test('the kit checks run over the foreign templates and pass', () => {
    const templates = kit.collectTemplates(app.synth());
    expect(templates.map((t) => t.name)).toEqual(expect.arrayContaining(['OrdersDelivery', 'OrdersData', 'Staging-Orders']));
    expect(kit.formatIamFindings(kit.checkIamPolicies(templates))).toBe('');
    expect(kit.formatEncryptionFindings(kit.checkEncryption(templates))).toBe('');
    expect(kit.checkTemplateLimits(templates)).toEqual([]);
    expect(kit.formatValidationFindings(kit.readValidationFindings(app.synth()))).toBe('');
  });

  test('the synth summary describes the foreign app', () => {
    expect(kit.synthSummary(app)).toMatch(/^Stacks \(\d+, \d+ resources\):$[\s\S]*OrdersDelivery[\s\S]*acknowledgements: \d+$/m);
  });
});
