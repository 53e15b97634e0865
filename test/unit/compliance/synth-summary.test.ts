import { App, Stack } from 'aws-cdk-lib';
import * as bedrockagentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledgeFinding, applyCompliance, synthSummary } from '../../../lib/compliance';

// Synth prints the validation report these tests provoke on purpose; the assertions read it from the assembly.
beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

function sampleApp(): App {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  applyCompliance(app);
  const stack = new Stack(app, 'Sample');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key });
  const dlq = new sqs.Queue(stack, 'Dlq', { encryptionMasterKey: key, enforceSSL: true });
  acknowledgeFinding(dlq, 'AwsSolutions-SQS3', 'This queue is itself a dead-letter queue of the sample');
  new bedrockagentcore.CfnGatewayTarget(stack, 'Finance', {
    name: 'financial',
    // Deliberately not a gateway id: the schema validation reports it, and the summary must show it.
    gatewayIdentifier: 'gw-123',
    credentialProviderConfigurations: [{ credentialProviderType: 'GATEWAY_IAM_ROLE' }],
    targetConfiguration: {
      mcp: {
        lambda: {
          lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:fin',
          toolSchema: {
            inlinePayload: [
              { name: 'getQuarterlyRevenue', description: 'Revenue of a quarter', inputSchema: { type: 'object' } },
              { name: 'getBudget', description: 'Budget of a department', inputSchema: { type: 'object' } },
            ],
          },
        },
      },
    },
  });
  return app;
}

describe('synthSummary', () => {
  let app: App;
  let text: string;
  beforeAll(() => {
    app = sampleApp();
    app.synth();
    text = synthSummary(app);
  });

  test('lists each stack with its resource count', () => {
    expect(text).toMatch(/^Stacks \(1, \d+ resources\):\n {2}Sample +\d+ resources +\d+\.\d KB$/m);
  });

  test('counts resources by type', () => {
    expect(text).toMatch(/^ +2 {2}AWS::SQS::Queue$/m);
    expect(text).toMatch(/^ +1 {2}AWS::KMS::Key$/m);
  });

  test('names the gateway tools, prefixed with their target', () => {
    expect(text).toContain('Tools (2 in 1 gateway targets):\n  financial (2): getBudget, getQuarterlyRevenue');
    expect(text).toContain('Agents (0): -');
  });

  test('reports unacknowledged findings per plugin and counts acknowledgements', () => {
    expect(text).toMatch(/^ {2}AwsSolutions: 2 errors, 0 warnings$/m);
    expect(text).toMatch(/error AwsSolutions-SQS3 at Sample\/Queue\/Resource/);
    expect(text).toMatch(/error AwsSolutions-SQS4 at Sample\/Queue\/Resource/);
    expect(text).toMatch(/^ {2}CloudFormation Validate: 0 errors, 1 warnings$/m);
    expect(text).toMatch(/warning F3031 at Sample\/Finance: GatewayIdentifier: 'gw-123' does not match pattern/);
    expect(text).toContain('acknowledgements: 1');
  });

  test('accepts the cloud assembly too', () => {
    expect(synthSummary(app.synth())).toContain('Tools (2 in 1 gateway targets):');
  });
});
