import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { toolsByTarget } from '../../../catalog';
import { TABLES, TARGET_TABLE_ACCESS } from '../../../lambda/shared/tables';
import { checkEncryption, checkIamPolicies, formatEncryptionFindings, formatIamFindings } from '../../../lib/compliance';
import { ToolGateway } from '../../../lib/gateway';
import { Identity } from '../../../lib/identity';
import { POWERTOOLS_VERSION, PowertoolsSource, ToolCatalog, ToolGroup } from '../../../lib/tools';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
const env = { account: '123456789012', region: 'us-east-1' };

/** The reference catalog as dev deploys it, with real esbuild bundling. */
const app = new App();
const stack = new Stack(app, 'Tools', { env });
const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
const catalog = new ToolCatalog(stack, 'Catalog', { encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY, logRetention: logs.RetentionDays.TWO_WEEKS, seedData: true });
// The gateway registers the groups as Lambda targets (ToolGateway is the one way to do it), in its own stack.
const gatewayStack = new Stack(app, 'Front', { env });
new ToolGateway(gatewayStack, 'Gateway', {
  tools: catalog.tools,
  targetFunctions: catalog.aliases as Record<string, lambda.IFunction>,
  identity: Identity.oidc({ discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', allowedAudiences: ['api://tools'] }),
  kmsKey: key,
  rateLimitPerUserPerMinute: 60,
});
const template = Template.fromStack(stack);
const gatewayTemplate = Template.fromStack(gatewayStack);
const resources = template.toJSON().Resources as Resources;
const keyRef = stack.resolve((key.node.defaultChild as kms.CfnKey).logicalId);
const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as dynamodb.CfnTable).logicalId) as string;

/** Fast variants: no bundling. */
function quickStack(id = 'Quick') {
  const a = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(a, id, { env });
}

describe('tables', () => {
  test('one table per spec, each on-demand, encrypted with the given customer-managed key, with PITR', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(TABLES).length);
    template.allResourcesProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyRef, 'Arn'] } },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('key schemas come from lambda/shared/tables.ts', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'region', KeyType: 'HASH' },
        { AttributeName: 'quarter', KeyType: 'RANGE' },
      ],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  test('removal policy DESTROY is applied to every table', () => {
    template.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('tables are retained by default, and a key is created with rotation when none is given', () => {
    const s = quickStack();
    new ToolCatalog(s, 'Catalog', { targets: ['financial'] });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('functions', () => {
  test('one Node 22 function per target with Powertools settings and only its own table names', () => {
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', TracingConfig: { Mode: 'Active' } }, 3);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: {
          TABLE_REVENUE: { Ref: logicalId(catalog.tables.tables.revenue!) },
          POWERTOOLS_SERVICE_NAME: 'tools-financial',
          POWERTOOLS_METRICS_NAMESPACE: 'AgentCoreKit/Tools',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        },
      },
    });
    const financialEnv = Object.values(resources).find((r) => r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'tools-financial')!.Properties.Environment.Variables;
    expect(Object.keys(financialEnv).filter((k) => k.startsWith('TABLE_'))).toEqual(['TABLE_REVENUE']);
  });

  test('each target has a "live" alias on a published version', () => {
    template.resourceCountIs('AWS::Lambda::Alias', 3);
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: logicalId(catalog.groups.hr!.function) },
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CatalogHrFunctionCurrentVersion'), 'Version'] },
    });
  });

  test('each function logs to its own log group with the retention given, encrypted with the key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14, KmsKeyId: { 'Fn::GetAtt': [keyRef, 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logicalId(catalog.groups.it!.logGroup) } },
    });
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 14 }, 4);
  });

  test('the key lets CloudWatch Logs of this account and region use it', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('least privilege', () => {
  const policyOf = (target: 'financial' | 'hr' | 'it') => {
    const roleId = logicalId(catalog.groups[target]!.role);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === roleId))!;
    return policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
  };
  const tableArn = (key: keyof typeof TABLES) => ({ 'Fn::GetAtt': [logicalId(catalog.tables.tables[key]!), 'Arn'] });

  test.each(['financial', 'hr', 'it'] as const)('%s: DynamoDB actions exactly as TARGET_TABLE_ACCESS, on its own tables only', (target) => {
    const dynamo = policyOf(target).filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const expected = Object.entries(TARGET_TABLE_ACCESS[target]).map(([k, actions]) => ({ actions: [...actions!].sort(), resource: tableArn(k as keyof typeof TABLES) }));
    expect(dynamo.map((s) => ({ actions: [s.Action].flat().sort(), resource: s.Resource }))).toEqual(expected);
  });

  test('the financial function cannot touch HR or IT data, nor the idempotency table', () => {
    const resourcesUsed = JSON.stringify(policyOf('financial'));
    for (const other of ['employees', 'hrTickets', 'itUsers', 'itRequests', 'idempotency'] as const) {
      expect(resourcesUsed).not.toContain(logicalId(catalog.tables.tables[other]!));
    }
  });

  test('idempotency records are limited to the target’s own key prefix', () => {
    for (const target of ['hr', 'it'] as const) {
      const statement = policyOf(target).find((s) => JSON.stringify(s.Resource).includes(logicalId(catalog.tables.tables.idempotency!)));
      expect(statement?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${target}.*`] } });
    }
  });

  test('no wildcard actions; the only Resource "*" is X-Ray', () => {
    for (const target of ['financial', 'hr', 'it'] as const) {
      const statements = policyOf(target);
      expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.includes('*'))).toEqual([]);
      expect(statements.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual([['xray:PutTraceSegments', 'xray:PutTelemetryRecords']]);
    }
  });

  test('KMS use is limited to the table key: read-only targets get decrypt only', () => {
    const kmsStatements = policyOf('financial').filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(kmsStatements).toEqual([{ Action: ['kms:Decrypt', 'kms:DescribeKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyRef, 'Arn'] } }]);
  });

  test('the kit’s own checks pass: every stateful resource on the customer-managed key, no wildcard IAM', () => {
    const synthesized = [{ name: 'Tools', file: 'Tools.template.json', bytes: 0, nested: false, template: template.toJSON() }];
    const mine = (f: { logicalId: string }) => f.logicalId.startsWith('Catalog');
    expect(Object.keys(resources).filter((id) => id.startsWith('Catalog')).length).toBeGreaterThan(30);
    expect(formatEncryptionFindings(checkEncryption(synthesized).filter(mine))).toBe('');
    expect(formatIamFindings(checkIamPolicies(synthesized).filter(mine))).toBe('');
  });

  test('no unacknowledged cdk-nag AwsSolutions finding in the catalog', () => {
    const report = new AwsSolutionsChecks().validateScope(catalog);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('gateway wiring', () => {
  test('one Lambda target per group invoking the live alias, with the inline schema from the catalog', () => {
    gatewayTemplate.resourceCountIs('AWS::BedrockAgentCore::GatewayTarget', 3);
    gatewayTemplate.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
      Name: 'hr',
      CredentialProviderConfigurations: [{ CredentialProviderType: 'GATEWAY_IAM_ROLE' }],
      TargetConfiguration: {
        Mcp: {
          Lambda: {
            LambdaArn: { 'Fn::ImportValue': Match.stringLikeRegexp(`:ExportsOutputRef${stack.resolve((catalog.aliases.hr!.node.defaultChild as dynamodb.CfnTable).logicalId)}`) },
            ToolSchema: { InlinePayload: toolsByTarget.hr.map((t) => Match.objectLike({ Name: t.name, InputSchema: Match.objectLike({ Type: 'object' }) })) },
          },
        },
      },
    });
  });

  test('the inline schema keeps only the keywords Lambda targets accept, with constraints in descriptions', () => {
    gatewayTemplate.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
      Name: 'financial',
      TargetConfiguration: {
        Mcp: {
          Lambda: {
            ToolSchema: {
              InlinePayload: Match.arrayWith([
                Match.objectLike({
                  Name: 'getQuarterlyRevenue',
                  InputSchema: {
                    Type: 'object',
                    Required: ['region', 'quarter'],
                    Properties: {
                      region: { Type: 'string', Description: Match.stringLikeRegexp('One of: EMEA, APAC, AMER\\.$') },
                      quarter: { Type: 'string', Description: Match.stringLikeRegexp('YYYY-QN') },
                    },
                  },
                }),
              ]),
            },
          },
        },
      },
    });
  });
});

describe('seed data (dev)', () => {
  test('a custom resource invoked by CloudFormation directly loads the seeded tables only', () => {
    template.hasResourceProperties('Custom::ToolSeedData', {
      ServiceToken: { 'Fn::GetAtt': [logicalId(catalog.seedData!.function), 'Arn'] },
      version: Match.stringLikeRegexp('^[0-9a-f]{16}$'),
    });
    const seedRole = logicalId(catalog.seedData!.function.role as never);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === seedRole))!;
    const dynamoResources = (policy.Properties.PolicyDocument.Statement as { Action: string; Resource: { 'Fn::GetAtt': string[] } }[])
      .filter((s) => s.Action === 'dynamodb:BatchWriteItem')
      .map((s) => s.Resource['Fn::GetAtt'][0])
      .sort();
    const seeded = (['revenue', 'employees', 'policies', 'holidays', 'itUsers', 'knowledgeArticles'] as const).map((k) => logicalId(catalog.tables.tables[k]!)).sort();
    expect(dynamoResources).toEqual(seeded);
  });

  test('no seed loader unless asked', () => {
    const s = quickStack();
    new ToolCatalog(s, 'Catalog', { targets: ['hr'] });
    Template.fromStack(s).resourceCountIs('Custom::ToolSeedData', 0);
  });
});

describe('metrics for alarms and canaries', () => {
  test('alias metrics carry the alias dimension; tool metrics the tool and outcome', () => {
    const hr = catalog.groups.hr!;
    expect(stack.resolve(hr.metricErrors().dimensions)).toEqual({
      FunctionName: { Ref: logicalId(hr.function) },
      Resource: { 'Fn::Join': ['', [{ Ref: logicalId(hr.function) }, ':live']] },
    });
    expect(hr.metricDuration().statistic).toBe('p95');
    expect(hr.metricToolInvocations('getPolicy', 'NOT_FOUND').dimensions).toEqual({ service: 'tools-hr', tool: 'getPolicy', outcome: 'NOT_FOUND' });
    const failures = hr.metricToolFailures();
    expect(Object.keys(failures.usingMetrics)).toHaveLength(2 * toolsByTarget.hr.length);
    expect(failures.expression).toBe('FILL(u0, 0) + FILL(i0, 0) + FILL(u1, 0) + FILL(i1, 0) + FILL(u2, 0) + FILL(i2, 0) + FILL(u3, 0) + FILL(i3, 0)');
  });
});

describe('usable in a foreign stack', () => {
  test('a ToolGroup over imported tables grants on those ARNs and the imported key', () => {
    const s = quickStack('Foreign');
    const importedKey = kms.Key.fromKeyArn(s, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1111-2222');
    const revenue = dynamodb.Table.fromTableAttributes(s, 'Revenue', { tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/revenue', encryptionKey: importedKey });
    new ToolGroup(s, 'Financial', { target: 'financial', tools: toolsByTarget.financial, tables: { revenue }, access: TARGET_TABLE_ACCESS.financial, timeout: Duration.seconds(5) });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['dynamodb:GetItem', 'dynamodb:Query'], Effect: 'Allow', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/revenue' },
          { Action: ['kms:Decrypt', 'kms:DescribeKey'], Effect: 'Allow', Resource: 'arn:aws:kms:us-east-1:123456789012:key/1111-2222' },
        ]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 5, Environment: { Variables: Match.objectLike({ TABLE_REVENUE: 'revenue' }) } });
  });
});

describe('Powertools source', () => {
  test('bundled by default: no layer, no SSM parameter', () => {
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Layers)).toEqual([]);
    expect(Object.keys(template.toJSON().Parameters ?? {}).filter((p) => p.startsWith('SsmParameterValue'))).toEqual([]);
  });

  test('layerFromSsm: the public layer of the installed version, resolved at deploy time', () => {
    const s = quickStack('FromSsm');
    new ToolCatalog(s, 'Catalog', { targets: ['hr'], powertools: PowertoolsSource.layerFromSsm() });
    const t = Template.fromStack(s);
    expect(POWERTOOLS_VERSION).toMatch(/^2\.\d+\.\d+$/);
    t.hasParameter('*', { Type: 'AWS::SSM::Parameter::Value<String>', Default: `/aws/service/powertools/typescript/generic/all/${POWERTOOLS_VERSION}` });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Layers: [{ Ref: Match.stringLikeRegexp('^SsmParameterValueawsservicepowertoolstypescript') }],
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'tools-hr' }) },
    });
  });

  test('a given layer, or none when bundled', () => {
    const s = quickStack('Layered');
    const layer = lambda.LayerVersion.fromLayerVersionArn(s, 'Powertools', 'arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:40');
    new ToolCatalog(s, 'Catalog', { targets: ['it'], powertools: PowertoolsSource.layer(layer) });
    new ToolGroup(s, 'Bundled', { target: 'financial', tools: toolsByTarget.financial, tables: {}, access: {} });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Layers: ['arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:40'],
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'tools-it' }) },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Layers: Match.absent(),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'tools-financial' }) },
    });
  });
});

describe('bad props fail synth with every problem named', () => {
  test('ToolCatalog: an imported key is used for the logs too, with a warning to allow CloudWatch Logs', () => {
    const s = quickStack('ImportedKey');
    const imported = kms.Key.fromKeyArn(s, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1111-2222');
    const c = new ToolCatalog(s, 'Catalog', { targets: ['financial'], encryptionKey: imported });
    Template.fromStack(s).allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1111-2222' });
    expect(c.node.metadata.map((m) => String(m.data))).toEqual([expect.stringContaining('allow logs.<region>.amazonaws.com to use it')]);
  });

  test('ToolCatalog: unknown and duplicate targets', () => {
    expect(() => new ToolCatalog(quickStack(), 'C', { targets: ['hr', 'hr', 'sales' as never] })).toThrow(
      /\[InvalidToolCatalog\] 2 problems:[\s\S]*unknown target "sales"; expected one of financial, hr, it[\s\S]*listed twice/,
    );
  });

  test('ToolGroup: bad target name, foreign tools, memory, timeout and a missing table, all at once', () => {
    expect(
      () =>
        new ToolGroup(quickStack(), 'G', {
          target: 'HR Tools',
          tools: toolsByTarget.it,
          tables: {},
          access: TARGET_TABLE_ACCESS.it,
          memorySize: 64,
          timeout: Duration.minutes(20),
        }),
    ).toThrow(/target: expected lower-case[\s\S]*resetPassword belongs to target it, not HR Tools[\s\S]*memorySize: expected 128–10240 MB, got 64[\s\S]*timeout: expected 1–900 seconds, got 1200[\s\S]*tables\.itUsers: the HR Tools function needs the itUsers table/);
  });
});
