/**
 * Compliance of the reference platform in every environment: written over whatever the templates
 * contain, so it keeps holding as stacks and constructs are added. Each environment is synthesized once.
 */
import {
  checkEncryption,
  checkIamPolicies,
  checkResourcePolicies,
  checkTemplateLimits,
  countResourcePolicyStatements,
  formatEncryptionFindings,
  formatIamFindings,
  formatResourcePolicyFindings,
  formatValidationFindings,
  STATEFUL_KEY_RULES,
} from '../../lib/compliance';
import { environmentNames, loadEnvironment } from '../../lib/config';
import { synthPlatform, type SynthesizedPlatform } from './synth-platform';

const ENVIRONMENTS = environmentNames();

describe.each(ENVIRONMENTS)('environment %s', (name) => {
  let synth: SynthesizedPlatform;
  beforeAll(() => {
    synth = synthPlatform(name);
  }, 300_000);

  test('synthesizes the platform stacks, each carrying the environment tags', () => {
    const top = synth.assembly.stacksRecursively;
    const tags = loadEnvironment(name).tags;
    expect(top.length).toBeGreaterThan(0);
    expect(top.map((s) => s.tags)).toEqual(top.map(() => expect.objectContaining(tags)));
  });

  test('zero unacknowledged cdk-nag AwsSolutions findings (errors and warnings)', () => {
    const nag = synth.findings.filter((f) => f.plugin === 'AwsSolutions');
    expect(formatValidationFindings(nag)).toBe('');
  });

  test('zero CloudFormation schema validation findings at synth', () => {
    const cfn = synth.findings.filter((f) => f.plugin === 'CloudFormation Validate');
    expect(formatValidationFindings(cfn)).toBe('');
  });

  test('no validation plugin failed or reported anything unacknowledged', () => {
    expect(formatValidationFindings(synth.findings)).toBe('');
  });

  test('every acknowledgement carries a reason', () => {
    const bare = synth.acknowledgements.filter((a) => typeof a.reason !== 'string' || a.reason.trim().length < 20);
    expect(bare).toEqual([]);
  });

  test('IAM: no Action "*", no service-wide wildcards, no Resource "*" outside the allow-list', () => {
    expect(formatIamFindings(checkIamPolicies(synth.templates))).toBe('');
  });

  test('resource policies: no open principal without a condition, no wildcard actions, no unbound Lambda permission', () => {
    expect(countResourcePolicyStatements(synth.templates)).toBeGreaterThan(20);
    expect(formatResourcePolicyFindings(checkResourcePolicies(synth.templates))).toBe('');
  });

  test('every stateful resource is encrypted with a customer-managed KMS key', () => {
    expect(formatEncryptionFindings(checkEncryption(synth.templates))).toBe('');
  });

  test('the encryption check covers the stateful types the platform uses', () => {
    const covered = Object.keys(STATEFUL_KEY_RULES);
    expect(covered).toEqual(expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::SecretsManager::Secret', 'AWS::BedrockAgentCore::Memory', 'AWS::BedrockAgentCore::Gateway']));
  });

  test('every template is under 500 resources and 1 MB', () => {
    expect(checkTemplateLimits(synth.templates)).toEqual([]);
  });
});
