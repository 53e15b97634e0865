/** The ToolGateway construct: gateway, Lambda targets, policy engine, interceptor, other target kinds. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { gatewayToolName, toGatewayToolSchema, toolCatalog, toolsByTarget, type GatewaySchema, type GatewayToolSchema } from '../../../catalog';
import { MAX_INLINE_SCHEMA_BYTES, ToolGateway, type ToolGatewayProps } from '../../../lib/gateway';
import { inlineToolSchemaBytes, toAssetToolSchema } from '../../../lib/tools';
import { Identity, OutboundCredentials } from '../../../lib/identity';
import { loadPolicyFiles } from '../../../lib/policy';
import { applyCompliance, readValidationFindings } from '../../../lib/compliance';
import { AgentCode, AgentRuntime } from '../../../lib/runtime';

const ENV = { account: '111122223333', region: 'us-east-1' };

/** Synth without bundling unless a test passes its own app: these tests are about wiring, not code assets. */
function fixture(overrides: Partial<ToolGatewayProps> = {}, app = new App({ context: { 'aws:cdk:bundling-stacks': [] } })) {
  const stack = new Stack(app, 'Tools', { env: ENV });
  const kmsKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const targetFunctions = Object.fromEntries(
    Object.keys(toolsByTarget).map((t) => [
      t,
      new lambda.Function(stack, `Fn-${t}`, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') }).addAlias('live'),
    ]),
  );
  const identity = Identity.oidc({ discoveryUrl: 'https://login.example.com/tenant/.well-known/openid-configuration', allowedAudiences: ['api://tools'] });
  const gw = new ToolGateway(stack, 'Gw', { tools: toolCatalog, targetFunctions, identity, kmsKey, rateLimitPerUserPerMinute: 60, ...overrides });
  return { app, stack, gw, kmsKey, targetFunctions };
}

/** A gateway schema as CloudFormation renders it: structural keys capitalised, property names kept. */
const cfnSchema = (s: GatewaySchema): Record<string, unknown> => ({
  Type: s.type,
  ...(s.description ? { Description: s.description } : {}),
  ...(s.properties ? { Properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, cfnSchema(v)])) } : {}),
  ...(s.required ? { Required: s.required } : {}),
  ...(s.items ? { Items: cfnSchema(s.items) } : {}),
});
const cfnTool = (t: GatewayToolSchema) => ({ Name: t.name, Description: t.description, InputSchema: cfnSchema(t.inputSchema), ...(t.outputSchema ? { OutputSchema: cfnSchema(t.outputSchema) } : {}) });

describe('ToolGateway', () => {
  let f: ReturnType<typeof fixture>;
  let template: Template;
  beforeAll(() => {
    f = fixture({ exceptionLevel: 'DEBUG' });
    template = Template.fromStack(f.stack);
  });

  test('an MCP gateway with semantic search, KMS key, JWT inbound auth and the exception level', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::Gateway', {
      ProtocolType: 'MCP',
      ProtocolConfiguration: { Mcp: { SearchType: 'SEMANTIC' } },
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      AuthorizerType: 'CUSTOM_JWT',
      AuthorizerConfiguration: { CustomJWTAuthorizer: { DiscoveryUrl: 'https://login.example.com/tenant/.well-known/openid-configuration', AllowedAudience: ['api://tools'] } },
      ExceptionLevel: 'DEBUG',
    });
  });

  test('one Lambda target per tool group, pointing at the live alias, with the catalog inline schemas', () => {
    template.resourceCountIs('AWS::BedrockAgentCore::GatewayTarget', 3);
    for (const [target, tools] of Object.entries(toolsByTarget)) {
      const alias = f.stack.getLogicalId(f.targetFunctions[target].node.defaultChild as lambda.CfnAlias);
      template.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
        Name: target,
        TargetConfiguration: { Mcp: { Lambda: { LambdaArn: { Ref: alias }, ToolSchema: { InlinePayload: tools.map(toGatewayToolSchema).map(cfnTool) } } } },
      });
    }
  });

  test('Lambda targets use the gateway IAM role as their only outbound credential', () => {
    const targets = template.findResources('AWS::BedrockAgentCore::GatewayTarget');
    for (const t of Object.values(targets)) expect(t.Properties.CredentialProviderConfigurations).toEqual([{ CredentialProviderType: 'GATEWAY_IAM_ROLE' }]);
  });

  test('each alias allows the gateway role in its resource policy, and the target is created after it', () => {
    const roleId = f.stack.getLogicalId(f.gw.gateway.role.node.defaultChild as agentcore.CfnGateway);
    const permissions = template.findResources('AWS::Lambda::Permission', { Properties: { Principal: { 'Fn::GetAtt': [roleId, 'Arn'] }, Action: 'lambda:InvokeFunction' } });
    expect(Object.keys(permissions)).toHaveLength(3);
    expect(Object.keys(template.findResources('AWS::Lambda::Permission'))).toHaveLength(3);
    const targets = template.findResources('AWS::BedrockAgentCore::GatewayTarget');
    for (const [target, fn] of Object.entries(f.targetFunctions)) {
      const alias = f.stack.getLogicalId(fn.node.defaultChild as lambda.CfnAlias);
      const [permissionId] = Object.entries(permissions).find(([, p]) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ Ref: alias }))!;
      const [, targetResource] = Object.entries(targets).find(([, t]) => t.Properties.Name === target)!;
      expect(targetResource.DependsOn).toEqual(expect.arrayContaining([permissionId, roleId, expect.stringMatching(/ServiceRoleDefaultPolicy/)]));
    }
  });

  test('the gateway role may invoke exactly the three aliases and authorize against its policy engine', () => {
    const roleId = f.stack.getLogicalId(f.gw.gateway.role.node.defaultChild as agentcore.CfnGateway);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const invoked = statements.filter((s) => s.Action === 'lambda:InvokeFunction').map((s) => JSON.stringify(s.Resource));
    for (const fn of Object.values(f.targetFunctions)) expect(invoked).toContain(JSON.stringify({ Ref: f.stack.getLogicalId(fn.node.defaultChild as lambda.CfnAlias) }));
    const engineId = f.stack.getLogicalId(f.gw.policyEngine.policyEngine.node.defaultChild as agentcore.CfnPolicyEngine);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['bedrock-agentcore:AuthorizeAction']), Resource: expect.arrayContaining([{ 'Fn::GetAtt': [engineId, 'PolicyEngineArn'] }]) }),
    );
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('*');
  });

  test('the policy engine is attached in ENFORCE mode by default; LOG_ONLY when asked', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::Gateway', { PolicyEngineConfiguration: { Mode: 'ENFORCE' } });
    const logOnly = Template.fromStack(fixture({ policyMode: 'LOG_ONLY' }).stack);
    logOnly.hasResourceProperties('AWS::BedrockAgentCore::Gateway', { PolicyEngineConfiguration: { Mode: 'LOG_ONLY' } });
    logOnly.hasResourceProperties('AWS::BedrockAgentCore::Gateway', { ExceptionLevel: Match.absent() });
  });

  test('one Policy per Cedar statement, bound to this gateway ARN, created after every target', () => {
    const statements = loadPolicyFiles().flatMap((file) => file.policies);
    template.resourceCountIs('AWS::BedrockAgentCore::Policy', statements.length);
    template.hasResourceProperties('AWS::BedrockAgentCore::PolicyEngine', { EncryptionKeyArn: Match.anyValue() });
    const gatewayId = f.stack.getLogicalId(f.gw.gateway.node.defaultChild as agentcore.CfnGateway);
    const targetIds = Object.keys(template.findResources('AWS::BedrockAgentCore::GatewayTarget'));
    for (const policy of Object.values(template.findResources('AWS::BedrockAgentCore::Policy'))) {
      expect(JSON.stringify(policy.Properties.Definition)).toContain(JSON.stringify({ 'Fn::GetAtt': [gatewayId, 'GatewayArn'] }));
      expect(JSON.stringify(policy.Properties.Definition)).not.toContain('{{gatewayArn}}');
      expect(policy.DependsOn).toEqual(expect.arrayContaining(targetIds));
    }
    template.hasResourceProperties('AWS::BedrockAgentCore::Policy', { Name: 'forbid_compensation_1', ValidationMode: 'FAIL_ON_ANY_FINDINGS' });
  });

  test('denials and rate-limit refusals are metrics for alarms', () => {
    expect(f.stack.resolve(f.gw.metricDenied().toMetricConfig().metricStat)).toMatchObject({ namespace: 'AgentCoreKit/Gateway', metricName: 'Denied', dimensions: [{ name: 'service', value: 'gateway-interceptor' }], statistic: 'Sum' });
    expect(f.gw.metricRateLimited().metricName).toBe('RateLimited');
  });

  test('the interceptor runs at REQUEST and RESPONSE, with headers (the caller token) at both', () => {
    const fnId = f.stack.getLogicalId(f.gw.interceptor.node.defaultChild as lambda.CfnFunction);
    template.hasResourceProperties('AWS::BedrockAgentCore::Gateway', {
      InterceptorConfigurations: [
        { InterceptionPoints: ['REQUEST'], InputConfiguration: { PassRequestHeaders: true }, Interceptor: { Lambda: { Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } } } },
        { InterceptionPoints: ['RESPONSE'], InputConfiguration: { PassRequestHeaders: true }, Interceptor: { Lambda: { Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } } } },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: { RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_TABLE: { Ref: Match.stringLikeRegexp('RateLimit') } } },
      KmsKeyArn: Match.anyValue(),
    });
  });

  test('the rate-limit table is KMS-encrypted with a TTL, and the interceptor may only UpdateItem on it', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const tableId = f.stack.getLogicalId(f.gw.rateLimitTable.node.defaultChild as agentcore.CfnGateway);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'dynamodb:UpdateItem', Effect: 'Allow', Resource: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }]) },
    });
  });

  test('exposes every catalog tool by its gateway name', () => {
    expect(f.gw.toolNames).toEqual(toolCatalog.map(gatewayToolName));
  });
});

describe('ToolGateway across stacks', () => {
  test('tool functions in one stack, gateway in another: one-way references, no cycle', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const toolsStack = new Stack(app, 'ToolFns', { env: ENV });
    const frontStack = new Stack(app, 'Front', { env: ENV });
    const targetFunctions = Object.fromEntries(
      Object.keys(toolsByTarget).map((t) => [t, new lambda.Function(toolsStack, `Fn-${t}`, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') }).addAlias('live')]),
    );
    const kmsKey = new kms.Key(frontStack, 'Key', { enableKeyRotation: true });
    const identity = Identity.oidc({ discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedClients: ['c1'] });
    new ToolGateway(frontStack, 'Gw', { tools: toolCatalog, targetFunctions, identity, kmsKey, rateLimitPerUserPerMinute: 10 });
    app.synth();
    expect(frontStack.dependencies.map((d) => d.stackName)).toEqual(['ToolFns']);
    expect(toolsStack.dependencies).toEqual([]);
    Template.fromStack(frontStack).resourceCountIs('AWS::Lambda::Permission', 3);
  });
});

describe('ToolGateway schema location', () => {
  test('a large catalog keeps its tool schemas in S3 assets the gateway role may read, not in the template', () => {
    const { stack } = fixture({ toolSchemaLocation: 'asset' });
    const t = Template.fromStack(stack);
    for (const target of Object.keys(toolsByTarget)) {
      t.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
        Name: target,
        TargetConfiguration: { Mcp: { Lambda: { ToolSchema: { S3: { Uri: Match.anyValue() }, InlinePayload: Match.absent() } } } },
      });
    }
    const rolePolicies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(rolePolicies).toContain('s3:GetObject*');
  });

  test('the asset read grant is acknowledged with its reason, leaving no unacknowledged finding', () => {
    const { app, gw } = fixture({ toolSchemaLocation: 'asset' }, new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:bundling-stacks': [] } }));
    applyCompliance(app);
    const findings = readValidationFindings(app.synth()).filter((f) => f.constructPaths.some((p) => p.startsWith(gw.gateway.role.node.path)));
    expect(findings).toEqual([]);
  });

  test('the asset holds exactly the gateway schema derived from the catalog', () => {
    const schema = toAssetToolSchema(toolsByTarget.hr) as unknown as { path: string };
    expect(JSON.parse(fs.readFileSync(schema.path, 'utf8'))).toEqual(toolsByTarget.hr.map(toGatewayToolSchema));
  });

  test('by default the reference catalog stays inline (well under the size where assets take over)', () => {
    expect(inlineToolSchemaBytes(toolCatalog)).toBeLessThan(MAX_INLINE_SCHEMA_BYTES);
    const t = Template.fromStack(fixture().stack);
    t.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', { TargetConfiguration: { Mcp: { Lambda: { ToolSchema: { InlinePayload: Match.anyValue() } } } } });
  });
});

describe('ToolGateway props validation', () => {
  test('reports every problem at once, naming the prop', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad', { env: ENV });
    const kmsKey = new kms.Key(stack, 'Key');
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    expect(
      () =>
        new ToolGateway(stack, 'Gw', {
          tools: toolCatalog,
          targetFunctions: { financial: fn, hr: fn, payroll: fn },
          identity: Identity.oidc({ discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedClients: ['abc'] }),
          kmsKey,
          rateLimitPerUserPerMinute: 0,
        }),
    ).toThrow(/InvalidToolGatewayProps[\s\S]*targetFunctions\.it: missing[\s\S]*targetFunctions\.payroll: no tool of the catalog belongs[\s\S]*rateLimitPerUserPerMinute: expected a whole number from 1 to 100000, got 0/);
  });
});

describe('other target kinds', () => {
  let f: ReturnType<typeof fixture>;
  let template: Template;
  let days: AgentRuntime;
  const mcpCodeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-code-'));
  fs.writeFileSync(path.join(mcpCodeDir, 'index.mjs'), 'export {};\n');
  beforeAll(() => {
    f = fixture();
    const secret = new secretsmanager.Secret(f.stack, 'CrmKey');
    const apiKey = OutboundCredentials.apiKey(f.stack, 'CrmKeyProvider', { name: 'crm-api-key', secret });
    f.gw.addOpenApiTarget('Crm', {
      name: 'crm',
      schema: agentcore.ApiSchema.fromInline(JSON.stringify({ openapi: '3.0.1', info: { title: 'CRM', version: '1' }, servers: [{ url: 'https://crm.example.com' }], paths: { '/accounts': { get: { operationId: 'listAccounts', responses: { '200': { description: 'ok' } } } } } })),
      credentials: agentcore.GatewayCredentialProvider.fromApiKeyIdentity(apiKey),
    });
    f.gw.addSmithyTarget('Dynamo', { name: 'dynamo', model: agentcore.ApiSchema.fromInline(JSON.stringify({ smithy: '2.0', shapes: {} })) });
    const oauthSecret = new secretsmanager.Secret(f.stack, 'WikiClientSecret');
    const oauth = OutboundCredentials.oauth2(f.stack, 'WikiOAuth', { name: 'wiki-oauth', discoveryUrl: 'https://auth.example.com/.well-known/openid-configuration', clientId: 'wiki-client', clientSecret: oauthSecret });
    f.gw.addMcpServerTarget('Wiki', { name: 'wiki', endpoint: 'https://mcp.wiki.example.com/mcp', credentials: agentcore.GatewayCredentialProvider.fromOauthIdentity(oauth, { scopes: ['wiki.read'] }) });
    days = new AgentRuntime(f.stack, 'Days', { runtimeName: 'working_days', protocol: 'MCP', code: AgentCode.fromBundle(mcpCodeDir), auth: { discoveryUrl: 'https://auth.example.com/.well-known/openid-configuration', allowedClients: ['wiki-client'] } });
    f.gw.addRuntimeTarget('DaysTarget', { name: 'working-days', runtime: days, credentials: agentcore.GatewayCredentialProvider.fromOauthIdentity(oauth, { scopes: ['mcp/invoke'] }) });
    const api = new apigateway.RestApi(f.stack, 'Projects', { deployOptions: { stageName: 'prod' } });
    api.root.addResource('projects').addMethod('GET');
    f.gw.addApiGatewayTarget('ProjectsTarget', { name: 'projects', restApi: api, toolConfiguration: { toolFilters: [{ filterPath: '/projects', methods: [agentcore.ApiGatewayHttpMethod.GET] }] } });
    template = Template.fromStack(f.stack);
  });

  test('OpenAPI target with an API key from the token vault', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
      Name: 'crm',
      TargetConfiguration: { Mcp: { OpenApiSchema: { InlinePayload: Match.stringLikeRegexp('listAccounts') } } },
      CredentialProviderConfigurations: [{ CredentialProviderType: 'API_KEY', CredentialProvider: { ApiKeyCredentialProvider: Match.objectLike({ ProviderArn: Match.anyValue() }) } }],
    });
  });

  test('Smithy target signed with the gateway role', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
      Name: 'dynamo',
      TargetConfiguration: { Mcp: { SmithyModel: { InlinePayload: Match.anyValue() } } },
      CredentialProviderConfigurations: [{ CredentialProviderType: 'GATEWAY_IAM_ROLE' }],
    });
  });

  test('existing MCP server with OAuth2 credentials', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
      Name: 'wiki',
      TargetConfiguration: { Mcp: { McpServer: { Endpoint: 'https://mcp.wiki.example.com/mcp' } } },
      CredentialProviderConfigurations: [{ CredentialProviderType: 'OAUTH', CredentialProvider: { OauthCredentialProvider: Match.objectLike({ Scopes: ['wiki.read'] }) } }],
    });
  });

  test('an MCP server on AgentCore Runtime: its live endpoint, OAuth2 credentials, created after the endpoints', () => {
    const [target] = Object.values(template.findResources('AWS::BedrockAgentCore::GatewayTarget', { Properties: { Name: 'working-days' } })) as Array<{
      Properties: { TargetConfiguration: unknown; CredentialProviderConfigurations: unknown };
      DependsOn: string[];
    }>;
    const runtimeId = { 'Fn::GetAtt': [f.stack.getLogicalId(days.runtime.node.defaultChild as CfnElement), 'AgentRuntimeId'] };
    expect(f.stack.resolve(target.Properties.TargetConfiguration)).toEqual({
      Mcp: {
        McpServer: {
          Endpoint: {
            'Fn::Join': ['', ['https://bedrock-agentcore.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/runtimes/arn%3A', { Ref: 'AWS::Partition' }, '%3Abedrock-agentcore%3Aus-east-1%3A111122223333%3Aruntime%2F', runtimeId, '/invocations?qualifier=live']],
          },
        },
      },
    });
    expect(target.Properties.CredentialProviderConfigurations).toEqual([expect.objectContaining({ CredentialProviderType: 'OAUTH' })]);
    expect(target.DependsOn).toEqual(expect.arrayContaining(Object.keys(template.findResources('AWS::BedrockAgentCore::RuntimeEndpoint'))));
  });

  test('a runtime target must be an MCP server reached with OAuth2', () => {
    const agent = new AgentRuntime(f.stack, 'Chat', {
      runtimeName: 'chat',
      code: AgentCode.fromBundle(mcpCodeDir),
      model: { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 1024 },
      auth: { discoveryUrl: 'https://auth.example.com/.well-known/openid-configuration', allowedClients: ['c'] },
    });
    expect(() => f.gw.addRuntimeTarget('Chat', { name: 'chat', runtime: agent, credentials: agentcore.GatewayCredentialProvider.fromIamRole() })).toThrow(
      /runtime: chat speaks HTTP; a gateway target must be an MCP server[\s\S]*credentials: an AgentCore runtime authorizes callers by JWT, so the gateway needs OAuth2 client credentials/,
    );
    expect(() => f.gw.addRuntimeTarget('Days2', { name: 'days-two', runtime: days, endpoint: 'live-1', credentials: agentcore.GatewayCredentialProvider.fromIamRole() })).toThrow(/endpoint: "live-1" is not a runtime endpoint name/);
  });

  test('API Gateway stage target', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
      Name: 'projects',
      TargetConfiguration: { Mcp: { ApiGateway: Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('DeploymentStageprod') }, ApiGatewayToolConfiguration: { ToolFilters: [{ FilterPath: '/projects', Methods: ['GET'] }] } }) } },
    });
  });

  test('secrets reach the template as Secrets Manager references only', () => {
    const providers = JSON.stringify({ ...template.findResources('AWS::BedrockAgentCore::ApiKeyCredentialProvider'), ...template.findResources('AWS::BedrockAgentCore::OAuth2CredentialProvider') });
    expect(providers).toContain('{{resolve:secretsmanager:');
    expect(Object.keys(template.findResources('AWS::BedrockAgentCore::OAuth2CredentialProvider'))).toHaveLength(1);
  });

  test('bad target options are refused with the reason', () => {
    const iamRole = agentcore.GatewayCredentialProvider.fromIamRole();
    expect(() => f.gw.addMcpServerTarget('Plain', { name: 'plain', endpoint: 'http://mcp.example.com', credentials: iamRole })).toThrow(/endpoint: expected an https:\/\/ URL/);
    expect(() => f.gw.addOpenApiTarget('Iam', { name: 'iam', schema: agentcore.ApiSchema.fromInline('{}'), credentials: iamRole })).toThrow(/OpenAPI targets need API key or OAuth2 credentials/);
    expect(() => f.gw.addSmithyTarget('Again', { name: 'dynamo', model: agentcore.ApiSchema.fromInline('{}') })).toThrow(/a target called "dynamo" already exists/);
    expect(() => f.gw.addSmithyTarget('Under', { name: 'bad_name', model: agentcore.ApiSchema.fromInline('{}') })).toThrow(/name: expected letters, digits and single dashes/);
  });
});
