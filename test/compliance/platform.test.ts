/**
 * Compliance of the reference platform in every environment: written over whatever the templates
 * contain, so it keeps holding as stacks and constructs are added. Each environment is synthesized once.
 */
import {
  checkEncryption,
  checkIamPolicies,
  checkIamReference,
  checkResourcePolicyReference,
  formatIamReferenceFindings,
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

  test('the environment runs every cdk-nag pack it names, and none reports an unacknowledged finding', () => {
    const packs = loadEnvironment(name).compliance.packs;
    const pluginNames: Record<string, string> = { 'aws-solutions': 'AwsSolutions', 'nist-800-53-r5': 'NIST.800.53.R5', 'hipaa-security': 'HIPAA.Security', serverless: 'Serverless' };
    expect(packs).toEqual(['aws-solutions', 'nist-800-53-r5', 'hipaa-security', 'serverless']);
    for (const p of packs) expect([p, formatValidationFindings(synth.findings.filter((f) => f.plugin === pluginNames[p]))]).toEqual([p, '']);
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

  test('Lambda roles write their own log group only: no AWSLambdaBasicExecutionRole (logs on "*")', () => {
    const basic: string[] = [];
    const broadLogs: string[] = [];
    let checked = 0;
    for (const { name: stack, template } of synth.templates) {
      const resources = template.Resources ?? {};
      const lambdaRoles = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'));
      for (const [id, role] of lambdaRoles) {
        if (JSON.stringify(role.Properties?.ManagedPolicyArns ?? []).includes('AWSLambdaBasicExecutionRole')) basic.push(`${stack}/${id}`);
        const statements = Object.values(resources)
          .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(`"${id}"`))
          .flatMap((r) => (r.Properties as { PolicyDocument: { Statement: unknown } }).PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
        for (const st of statements.filter((x) => [x.Action].flat().some((a) => a.startsWith('logs:')))) {
          const targets = [st.Resource].flat();
          const own = targets.every((r) => JSON.stringify(r).match(/"Fn::GetAtt":\["(\w+)","Arn"\]/) && resources[JSON.stringify(r).match(/"Fn::GetAtt":\["(\w+)"/)![1]]?.Type === 'AWS::Logs::LogGroup');
          if (!own) broadLogs.push(`${stack}/${id}: ${JSON.stringify(st)}`);
        }
      }
      checked += lambdaRoles.length;
    }
    // Tool functions, interceptor, evaluators and (with Cognito) the token trigger at least.
    expect(checked).toBeGreaterThanOrEqual(6);
    expect(basic).toEqual([]);
    expect(broadLogs).toEqual([]);
  });

  test('IAM statements match the Service Authorization Reference: actions, condition keys, resource types, "*" only where unscopable', () => {
    expect(formatIamReferenceFindings(checkIamReference(synth.templates))).toBe('');
  });

  test('trust and resource policies and Lambda permissions match the reference too: known actions, condition keys their actions support', () => {
    expect(countResourcePolicyStatements(synth.templates)).toBeGreaterThan(20);
    expect(formatIamReferenceFindings(checkResourcePolicyReference(synth.templates))).toBe('');
  });

  test('every template is under 500 resources and 1 MB', () => {
    expect(checkTemplateLimits(synth.templates)).toEqual([]);
  });
});
