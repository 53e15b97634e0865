import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { applyCompliance, readValidationFindings } from '../../../lib/compliance';
import { AgentMemory } from '../../../lib/memory';
import { AGENT_METRICS_NAMESPACE } from '../../../lib/observability/metric-names';
import { AgentCode, AgentRuntime, type AgentRuntimeProps } from '../../../lib/runtime';

const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-code-'));
fs.writeFileSync(path.join(codeDir, 'index.mjs'), 'export {};\n');

const DISCOVERY = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/openid-configuration';

/** The HR specialist's runtime props, less the memory (which belongs to the test's stack). */
const HR_AGENT = {
  runtimeName: 'hr_policy_assistant',
  protocol: 'A2A',
  code: AgentCode.fromBundle(codeDir),
  model: { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 2048 },
  auth: { discoveryUrl: DISCOVERY, allowedClients: ['client123'] },
} as const satisfies Omit<AgentRuntimeProps, 'memory'>;

function build(overrides: Partial<AgentRuntimeProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const memory = new AgentMemory(stack, 'Memory');
  const agent = new AgentRuntime(stack, 'Hr', {
    ...HR_AGENT,
    memory,
    gatewayUrl: 'https://gw.example.com/mcp',
    liveVersion: '7',
    ...overrides,
  });
  return { stack, agent, template: Template.fromStack(stack) };
}

function roleStatements(template: Template): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^HrRuntimeExecutionRole') }] } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement);
}

describe('AgentRuntime', () => {
  test('two environments in one account: each runtime role reaches its own log groups and workload identity only', () => {
    const stack = new Stack(new App(), 'Shared', { env: { account: '111111111111', region: 'us-east-1' } });
    const memory = new AgentMemory(stack, 'Memory');
    for (const env of ['dev', 'prod']) new AgentRuntime(stack, `Hr${env}`, { ...HR_AGENT, runtimeName: `hr_${env}`, memory });
    const template = Template.fromStack(stack);
    for (const env of ['dev', 'prod']) {
      const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^Hr${env}RuntimeExecutionRole`) }] } });
      const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Sid?: string; Resource: unknown }> } } }).Properties.PolicyDocument.Statement);
      const bySid = Object.fromEntries(statements.filter((st) => st.Sid).map((st) => [st.Sid, JSON.stringify(st.Resource)]));
      expect(bySid.LogGroupAccess).toContain(`:log-group:/aws/bedrock-agentcore/runtimes/hr_${env}-*`);
      expect(bySid.LogStreamAccess).toContain(`:log-group:/aws/bedrock-agentcore/runtimes/hr_${env}-*:log-stream:*`);
      expect(bySid.GetAgentAccessToken).toContain(`workload-identity-directory/default/workload-identity/hr_${env}-*`);
      // Nothing of the account-wide grants the L2 writes is left, and nothing names the other environment.
      const other = env === 'dev' ? 'prod' : 'dev';
      const all = JSON.stringify(statements);
      expect(all).not.toMatch(/runtimes\/\*|workload-identity\/\*/);
      expect(all).not.toContain(`hr_${other}`);
    }
  });

  test('a NODE_22 code asset, A2A protocol, JWT inbound auth, and the Authorization and date headers passed to the agent', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      AgentRuntimeName: 'hr_policy_assistant',
      AgentRuntimeArtifact: { CodeConfiguration: { Runtime: 'NODE_22', EntryPoint: ['index.mjs'], Code: { S3: Match.anyValue() } } },
      ProtocolConfiguration: 'A2A',
      AuthorizerConfiguration: { CustomJWTAuthorizer: { DiscoveryUrl: DISCOVERY, AllowedClients: ['client123'] } },
      RequestHeaderConfiguration: { RequestHeaderAllowlist: ['Authorization', 'X-Amzn-Bedrock-AgentCore-Runtime-Custom-As-Of'] },
    });
  });

  test('model, memory, gateway and identity settings reach the agent as environment variables', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      EnvironmentVariables: Match.objectLike({
        MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        MODEL_TEMPERATURE: '0.2',
        MODEL_MAX_TOKENS: '2048',
        AGENT_REGION: 'us-east-1',
        MEMORY_ID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Memory'), 'MemoryId'] },
        GATEWAY_URL: 'https://gw.example.com/mcp',
        JWT_DISCOVERY_URL: DISCOVERY,
        JWT_AUDIENCES: 'client123',
      }),
    });
  });

  test('without memory: no MEMORY_ID, no memory permissions, the rest as with memory', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    new AgentRuntime(stack, 'Hr', { ...HR_AGENT, gatewayUrl: 'https://gw.example.com/mcp' });
    const template = Template.fromStack(stack);
    const [runtime] = Object.values(template.findResources('AWS::BedrockAgentCore::Runtime')) as { Properties: { EnvironmentVariables: Record<string, unknown> } }[];
    expect(Object.keys(runtime.Properties.EnvironmentVariables).sort()).toEqual(['AGENT_REGION', 'GATEWAY_URL', 'JWT_AUDIENCES', 'JWT_DISCOVERY_URL', 'MODEL_ID', 'MODEL_MAX_TOKENS', 'MODEL_TEMPERATURE']);
    const actions = roleStatements(template).flatMap((st) => [st.Action].flat() as string[]);
    expect(actions.filter((a) => /CreateEvent|ListEvents|RetrieveMemoryRecords|Memory/.test(a))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['bedrock:InvokeModel']));
  });

  test('live is pinned to the recorded version, canary follows the newest, and they are created one after the other', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::BedrockAgentCore::RuntimeEndpoint', { Name: 'live', AgentRuntimeVersion: '7' });
    template.hasResourceProperties('AWS::BedrockAgentCore::RuntimeEndpoint', {
      Name: 'canary',
      AgentRuntimeVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HrRuntime'), 'AgentRuntimeVersion'] },
    });
    const endpoints = template.findResources('AWS::BedrockAgentCore::RuntimeEndpoint');
    const byName = Object.fromEntries(Object.entries(endpoints).map(([id, r]) => [(r as { Properties: { Name: string } }).Properties.Name, { id, dependsOn: (r as { DependsOn?: string[] }).DependsOn ?? [] }]));
    expect(byName.canary.dependsOn).toContain(byName.live.id);
    expect(byName.live.dependsOn.some((d: string) => /^HrRuntimeExecutionRoleDefaultPolicy/.test(d))).toBe(true);
    expect(byName.live.dependsOn.some((d: string) => /^HrRuntime[0-9A-F]{8}$/.test(d))).toBe(true);
  });

  test('the live version defaults to "1"', () => {
    const { template } = build({ liveVersion: undefined });
    template.hasResourceProperties('AWS::BedrockAgentCore::RuntimeEndpoint', { Name: 'live', AgentRuntimeVersion: '1' });
  });

  test('model invocation is limited to the inference profile and its foundation models in the profile regions', () => {
    const { template } = build({ additionalModels: [{ modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }] });
    const invoke = roleStatements(template).find((s) => s.Sid === 'InvokeConfiguredModels')!;
    expect(invoke.Action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    const arn = (tail: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, tail]] });
    expect(invoke.Resource).toEqual([
      arn(':bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0'),
      arn(':bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
      arn(':bedrock:us-east-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
      arn(':bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
      arn(':bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'),
    ]);
    const bedrockWildcards = roleStatements(template).filter((s) => [s.Action].flat().some((a) => String(a).startsWith('bedrock:')) && s.Resource === '*');
    expect(bedrockWildcards).toEqual([]);
  });

  test('the runtime-identity service-linked role may be created, and no other', () => {
    const { template } = build();
    expect(roleStatements(template)).toContainEqual(
      expect.objectContaining({
        Sid: 'CreateRuntimeIdentityServiceLinkedRole',
        Action: 'iam:CreateServiceLinkedRole',
        Condition: { StringEquals: { 'iam:AWSServiceName': 'runtime-identity.bedrock-agentcore.amazonaws.com' } },
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/aws-service-role/runtime-identity.bedrock-agentcore.amazonaws.com/AWSServiceRoleForBedrockAgentCoreRuntimeIdentity']],
        },
      }),
    );
  });

  test('the role may put metrics in the agents’ usage namespace (the one the dashboards read) and no other', () => {
    const { template } = build();
    const statements = roleStatements(template);
    expect(statements).toContainEqual({
      Sid: 'PublishAgentUsageMetrics',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'AgentCoreKit/Agents' } },
    });
    expect(AGENT_METRICS_NAMESPACE).toBe('AgentCoreKit/Agents');
    // Every PutMetricData grant of the role (the L2's included) is fenced by a namespace condition.
    const puts = statements.filter((s) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
    expect(puts.map((s) => (s.Condition as { StringEquals?: Record<string, string> } | undefined)?.StringEquals?.['cloudwatch:namespace']).sort()).toEqual(['AgentCoreKit/Agents', 'bedrock-agentcore']);
  });

  test('the wildcard-resource finding is acknowledged by a token-free id with a reason naming the namespace, and nothing is left in an environment-agnostic stack', () => {
    const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const stack = new Stack(app, 'Agnostic');
    applyCompliance(stack);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const agent = new AgentRuntime(stack, 'Hr', {
      ...HR_AGENT,
      memory: new AgentMemory(stack, 'Memory', { encryptionKey: key, eventExpiry: Duration.days(7) }),
      logEncryptionKey: key,
    });
    // Recorded as metadata `{ "Annotation::<finding id>": reason }` on the runtime's execution role only.
    expect(agent.runtime.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && JSON.stringify(m.data).includes('Resource::*'))).toEqual([]);
    const acknowledged = Object.fromEntries(
      agent.runtime.role.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => [id.replace(/^Annotation::/, ''), reason]),
    );
    expect(acknowledged['AwsSolutions-IAM5[Resource::*]']).toContain('AgentCoreKit/Agents');
    expect(Object.keys(acknowledged).filter((id) => Token.isUnresolved(id) || id.includes('${Token['))).toEqual([]);
    expect(readValidationFindings(app.synth()).map((f) => `${f.rule} at ${f.constructPaths.join(', ')}`)).toEqual([]);
  });

  test('the role has no memory data access: it may invoke the memory credential vendor, whose name the agent gets', () => {
    const { template } = build();
    const statements = roleStatements(template);
    expect(statements.flatMap((st) => [st.Action].flat() as string[]).filter((a) => /^bedrock-agentcore:.*(Event|Memory)/.test(a))).toEqual([]);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MemoryCredentialVendorFunction/), 'Arn'] } }));
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', { EnvironmentVariables: Match.objectLike({ MEMORY_CREDENTIALS_FUNCTION: { Ref: Match.stringLikeRegexp('^MemoryCredentialVendorFunction') } }) });
  });

  test('application and usage logs go to a retained log group; traces go to X-Ray', () => {
    const { template } = build();
    template.hasResource('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/aws/vendedlogs/bedrock-agentcore/runtimes/hr_policy_assistant', RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
    for (const logType of ['APPLICATION_LOGS', 'USAGE_LOGS', 'TRACES']) {
      template.hasResourceProperties('AWS::Logs::DeliverySource', { LogType: logType, ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HrRuntime'), 'AgentRuntimeArn'] } });
    }
    template.hasResourceProperties('AWS::Logs::DeliveryDestination', { DeliveryDestinationType: 'XRAY' });
  });

  test('no code interpreter or browser unless asked for', () => {
    const { template } = build();
    template.resourceCountIs('AWS::BedrockAgentCore::CodeInterpreterCustom', 0);
    template.resourceCountIs('AWS::BedrockAgentCore::BrowserCustom', 0);
  });

  test('a sandboxed code interpreter and a VPC browser, each usable by this agent only', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const memory = new AgentMemory(stack, 'Memory2');
    new AgentRuntime(stack, 'Fin', {
      runtimeName: 'financial_analytics',
      code: AgentCode.fromBundle(codeDir),
      model: { modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0, maxTokens: 1000 },
      auth: { discoveryUrl: DISCOVERY, allowedAudiences: ['api'] },
      memory,
      codeInterpreter: {},
      browser: { networkMode: 'VPC', vpc: { vpc } },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::BedrockAgentCore::CodeInterpreterCustom', { Name: 'financial_analytics_ci', NetworkConfiguration: { NetworkMode: 'SANDBOX' } });
    template.hasResourceProperties('AWS::BedrockAgentCore::BrowserCustom', { Name: 'financial_analytics_browser', NetworkConfiguration: { NetworkMode: 'VPC', VpcConfig: Match.anyValue() } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FinRuntimeExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['bedrock-agentcore:StartCodeInterpreterSession', 'bedrock-agentcore:InvokeCodeInterpreter', 'bedrock-agentcore:StopCodeInterpreterSession'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FinCodeInterpreter'), 'CodeInterpreterArn'] },
          }),
          Match.objectLike({
            Action: Match.arrayWith(['bedrock-agentcore:StartBrowserSession']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FinBrowser'), 'BrowserArn'] },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', { AgentRuntimeName: 'financial_analytics', ProtocolConfiguration: 'HTTP', EnvironmentVariables: Match.objectLike({ CODE_INTERPRETER_ID: Match.anyValue(), BROWSER_ID: Match.anyValue() }) });
  });

  test('per-endpoint metrics carry Name=<runtime>::<endpoint> for live/canary alarms', () => {
    const { stack, agent } = build();
    expect(stack.resolve(agent.metricSystemErrors('canary').dimensions)).toEqual({
      Operation: 'InvokeAgentRuntime',
      Name: 'hr_policy_assistant::canary',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^HrRuntime[0-9A-F]{8}$/), 'AgentRuntimeArn'] },
    });
  });

  test('the invocation URL embeds the URL-encoded runtime ARN', () => {
    const { stack, agent } = build();
    expect(JSON.stringify(stack.resolve(agent.invocationUrl))).toBe(
      '{"Fn::Join":["",["https://bedrock-agentcore.us-east-1.",{"Ref":"AWS::URLSuffix"},"/runtimes/arn%3A",{"Ref":"AWS::Partition"},"%3Abedrock-agentcore%3Aus-east-1%3A111111111111%3Aruntime%2F",{"Fn::GetAtt":["HrRuntime7E842AA2","AgentRuntimeId"]},"/invocations"]]}',
    );
  });

  test('more environment variables than AgentCore allows are refused, counting the construct’s own', () => {
    const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`EXTRA_${i}`, 'x']));
    expect(() => build({ environment: extra(41) })).not.toThrow();
    expect(() => build({ environment: extra(42) })).toThrow(
      '[InvalidAgentRuntimeProps] environment: 51 variables (42 given + 9 set by the construct); AgentCore allows at most 50 — pass only what this agent reads',
    );
  });

  test('the scripted stand-in for the model is refused in a deployed runtime', () => {
    expect(() => build({ environment: { AGENTCORE_KIT_SCRIPTED_MODEL: 'keywords' } })).toThrow(
      '[InvalidAgentRuntimeProps] environment: AGENTCORE_KIT_SCRIPTED_MODEL is refused in a deployed runtime; the scripted stand-in for the model is for local runs of a bundle only (remove the variable)',
    );
  });

  test('bad props are reported together, naming each field and what is expected', () => {
    expect(() =>
      build({
        runtimeName: 'hr-policy',
        liveVersion: 'latest',
        model: { modelId: 'claude', temperature: 1.5, maxTokens: 0 },
        auth: { discoveryUrl: 'http://idp/jwks' },
        browser: { networkMode: 'VPC' },
      }),
    ).toThrow(
      /InvalidAgentRuntimeProps\] 8 problems:[\s\S]*runtimeName: "hr-policy"[\s\S]*liveVersion: "latest"[\s\S]*model.temperature: 1.5[\s\S]*model.maxTokens: 0[\s\S]*model.modelId: "claude"[\s\S]*auth.discoveryUrl[\s\S]*auth: set allowedClients or allowedAudiences[\s\S]*browser.vpc: required/,
    );
  });
});
