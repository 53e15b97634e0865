import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  acknowledgeFindings,
  acknowledgeIamWildcards,
  applyCompliance,
  checkTemplateLimits,
  collectAcknowledgements,
  exemptFromCustomerManagedKey,
  statementProblems,
  WILDCARD_RESOURCE_ACTIONS,
  type SynthesizedTemplate,
} from '../../../lib/compliance';

const template = (name: string, resources: number, bytes: number): SynthesizedTemplate => ({
  name,
  file: `/tmp/${name}.template.json`,
  bytes,
  nested: false,
  template: { Resources: Object.fromEntries(Array.from({ length: resources }, (_, i) => [`R${i}`, { Type: 'AWS::SQS::Queue' }])) },
});

describe('template limits', () => {
  test('500 resources and 1,000,000 bytes pass; one more of either fails naming the template', () => {
    expect(checkTemplateLimits([template('Fits', 500, 1_000_000)])).toEqual([]);
    expect(checkTemplateLimits([template('Many', 501, 10), template('Big', 1, 1_000_001)])).toEqual([
      'Many: 501 resources, limit 500',
      'Big: 1000001 bytes, limit 1000000',
    ]);
  });
});

describe('IAM statement rules', () => {
  test('Deny statements are never findings', () => {
    expect(statementProblems({ Effect: 'Deny', Action: '*', Resource: '*' }, WILDCARD_RESOURCE_ACTIONS)).toEqual([]);
  });

  test('a Resource "*" with an intrinsic action is a finding', () => {
    expect(statementProblems({ Effect: 'Allow', Action: { Ref: 'A' }, Resource: '*' }, WILDCARD_RESOURCE_ACTIONS)).toEqual([expect.stringMatching(/^Resource "\*" for \{"Ref":"A"\}/)]);
  });

  test('NotResource is a finding', () => {
    expect(statementProblems({ Effect: 'Allow', Action: 'sqs:SendMessage', NotResource: 'arn:aws:sqs:*:*:x' }, {})).toEqual([expect.stringContaining('NotResource')]);
  });

  test('every allow-listed action carries a reason', () => {
    for (const [action, reason] of Object.entries(WILDCARD_RESOURCE_ACTIONS)) {
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});

describe('acknowledgements', () => {
  test('bad ids and short reasons are all reported at once and nothing is recorded', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    expect(() =>
      acknowledgeFindings(stack, [
        { id: 'not a rule', reason: 'a long enough reason for the record' },
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'because' },
        { id: 'AwsSolutions-L1', reason: 'runtime pinned to the version the kit tests' },
      ]),
    ).toThrow(/\[InvalidAcknowledgement\] 2 problems:[\s\S]*acknowledgements\[0\]\.id: expected a rule id[\s\S]*acknowledgements\[1\]\.reason \(AwsSolutions-IAM5\[Resource::\*\]\): expected a reason of at least 20 characters/);
    expect(collectAcknowledgements(app)).toEqual([]);
  });

  test('IAM5 wildcard findings are acknowledged one finding id each', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    acknowledgeIamWildcards(stack, ['Resource::*', 'Action::s3:GetObject*'], 'X-Ray and S3 read access needed by the test');
    expect(collectAcknowledgements(app).map((a) => a.id).sort()).toEqual(['AwsSolutions-IAM5[Action::s3:GetObject*]', 'AwsSolutions-IAM5[Resource::*]']);
  });

  test('an encryption exemption is written to the resource metadata with its reason', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const queue = new sqs.Queue(stack, 'Q');
    exemptFromCustomerManagedKey(queue, 'queue carries only public, non-sensitive test events');
    const resources = app.synth().getStackByName('S').template.Resources as Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
    const q = Object.values(resources).find((r) => r.Type === 'AWS::SQS::Queue');
    expect(q?.Metadata?.['agentcore-kit:cmk-exempt']).toBe('queue carries only public, non-sensitive test events');
  });

  test('an exemption needs a reason and a CloudFormation resource', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    expect(() => exemptFromCustomerManagedKey(new Construct(stack, 'Plain'), 'x')).toThrow(/S\/Plain is not a CloudFormation resource[\s\S]*reason: expected at least 20 characters/);
  });
});

describe('applyCompliance', () => {
  test('a tree whose root is not an App or Stage is rejected', () => {
    const root = new Construct(undefined as unknown as Construct, 'Root');
    expect(() => applyCompliance(new Construct(root, 'Child'))).toThrow(/\[InvalidComplianceScope\] applyCompliance: the root of Root\/Child must be an App or a Stage, got Construct/);
  });
});
