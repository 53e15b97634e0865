import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { agentSpecs, type AgentSpec } from '../../../catalog/agents';
import { AgentPlatform } from '../../../lib/app/platform';
import { loadEnvironment } from '../../../lib/config';

/** Synth without bundling: these tests are about wiring, not code assets. */
function platform(envName: string, props: Partial<ConstructorParameters<typeof AgentPlatform>[1]> = {}): AgentPlatform {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new AgentPlatform(app, { config: loadEnvironment(envName), ...props });
}

const byName = (p: AgentPlatform) => Object.fromEntries(p.stacks.map((s) => [s.stackName.replace(/^AgentCoreKit-\w+-/, ''), Template.fromStack(s)]));

describe('reference platform (dev)', () => {
  const dev = platform('dev');
  const t = byName(dev);

  test('one stack per concern, tools and agents in their own shards', () => {
    expect(Object.keys(t)).toEqual(['Foundation', 'Tools1', 'Agents1', 'Gateway', 'Observability1', 'Release']);
  });

  test('gateway targets invoke the tool functions through their live aliases', () => {
    const aliases = t.Tools1.findResources('AWS::Lambda::Alias', { Properties: { Name: 'live' } });
    expect(Object.keys(aliases)).toHaveLength(3);
    for (const target of ['financial', 'hr', 'it']) {
      t.Gateway.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
        Name: target,
        TargetConfiguration: { Mcp: { Lambda: { LambdaArn: { 'Fn::ImportValue': Match.stringLikeRegexp(`Tools1:ExportsOutputRefTools${target[0].toUpperCase()}${target.slice(1)}Live`) } } } },
      });
    }
  });

  test('every agent pins live to the version its release recorded in SSM; canary serves the newest', () => {
    const agents = ['supervisor', 'financial', 'hr', 'it'];
    const names = agents.map((a) => `/agentcore-kit/release/dev-${a}/live-version`);
    for (const name of names) t.Foundation.hasResourceProperties('AWS::SSM::Parameter', { Name: name, Value: '1' });
    const params = Object.entries(t.Agents1.toJSON().Parameters as Record<string, { Default?: string }>);
    for (const name of names) {
      const [paramId] = params.find(([, p]) => p.Default === name)!;
      t.Agents1.resourcePropertiesCountIs('AWS::BedrockAgentCore::RuntimeEndpoint', { Name: 'live', AgentRuntimeVersion: { Ref: paramId } }, 1);
    }
    const newest = { 'Fn::GetAtt': [Match.anyValue(), 'AgentRuntimeVersion'] };
    t.Agents1.resourcePropertiesCountIs('AWS::BedrockAgentCore::RuntimeEndpoint', { Name: 'live', AgentRuntimeVersion: newest }, 0);
    t.Agents1.resourcePropertiesCountIs('AWS::BedrockAgentCore::RuntimeEndpoint', { Name: 'canary', AgentRuntimeVersion: newest }, 4);
  });

  test('specialists get the tool gateway URL; the supervisor gets the specialists and the orchestration mode', () => {
    t.Agents1.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      AgentRuntimeName: 'hr_policy_assistant_dev',
      ProtocolConfiguration: 'A2A',
      EnvironmentVariables: Match.objectLike({ GATEWAY_URL: { 'Fn::ImportValue': Match.stringLikeRegexp('Gateway') }, MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' }),
    });
    t.Agents1.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      AgentRuntimeName: 'supervisor_dev',
      ProtocolConfiguration: 'HTTP',
      EnvironmentVariables: Match.objectLike({
        ORCHESTRATION: 'hierarchical',
        // Each specialist through its own split (the rule picks live or canary per session), not the runtime.
        ...Object.fromEntries(
          ['financial', 'hr', 'it'].map((id) => [`SPECIALIST_${id.toUpperCase()}_URL`, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp(`^Split${id}Gateway`), 'GatewayUrl'] }, `/${id}-live/invocations`]] }]),
        ),
      }),
    });
    const supervisor = Object.values(t.Agents1.findResources('AWS::BedrockAgentCore::Runtime', { Properties: { AgentRuntimeName: 'supervisor_dev' } }))[0];
    expect(supervisor.Properties.EnvironmentVariables.GATEWAY_URL).toBeUndefined();
    expect(supervisor.Properties.EnvironmentVariables.SPECIALIST_QUALIFIER).toBeUndefined();
  });

  test('every agent gets a traffic split next to its runtime, and canary alarms and a rollout state machine of its own', () => {
    const agents = ['supervisor', 'financial', 'hr', 'it'];
    t.Agents1.resourceCountIs('AWS::BedrockAgentCore::GatewayRule', 4);
    for (const id of agents) t.Agents1.hasResourceProperties('AWS::BedrockAgentCore::GatewayRule', { Actions: [{ RouteToTarget: { StaticRoute: { TargetName: `${id}-live` } } }] });
    t.Release.resourceCountIs('AWS::StepFunctions::StateMachine', 4);
    for (const id of agents) t.Release.hasResourceProperties('AWS::SSM::Parameter', { Name: `/agentcore-kit/release/dev-${id}/config` });
    // The rollback fires on each canary's own alarms only: the observability stack's error-rate, latency
    // and throttle alarms of that agent's canary (one set per endpoint, not a second copy here).
    const composites = Object.values(t.Release.findResources('AWS::CloudWatch::CompositeAlarm')).map((c) => JSON.stringify(c.Properties.AlarmRule));
    expect(composites).toHaveLength(4);
    for (const id of agents) {
      const rule = composites.find((r) => r.includes(`ObservabilityAlarms${id}canary`))!;
      for (const alarm of ['ErrorRate', 'LatencyP95', 'Throttles']) expect(rule).toMatch(new RegExp(`Fn::ImportValue[^}]*Observability1:ExportsOutputFnGetAttObservabilityAlarms${id}canary${alarm}`));
      expect(rule.match(/ALARM\(/g)).toHaveLength(3);
      expect(rule).not.toMatch(new RegExp(`ObservabilityAlarms(?!${id})\\w+canary`));
    }
    const configs = Object.values(t.Release.findResources('AWS::Lambda::Function'))
      .filter((f) => JSON.stringify(f.Properties.Description).includes('rollout steps'))
      .map((f) => JSON.stringify(f.Properties.Environment.Variables.RELEASE_CONFIG));
    expect(configs).toHaveLength(4);
    for (const config of configs) {
      expect(config).toContain('\\"scoreCheck\\":{\\"namespace\\":\\"Bedrock-AgentCore/Evaluations\\"');
      expect(config).toContain('\\"metricName\\":\\"Builtin.GoalSuccessRate\\"');
      expect(config).toContain('\\"minimum\\":0.7');
    }
    // Each release's own failures page through the environment's alarm topic.
    const failureAlarms = Object.values(t.Release.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(failureAlarms).toHaveLength(8);
    for (const a of failureAlarms) expect(JSON.stringify(a.AlarmActions)).toMatch(/Observability1:ExportsOutputRefObservabilityAlarmsTopic/);
  });

  test("every split gateway's logs and traces are delivered (routing audit, A/B variant attribution)", () => {
    const sources = Object.values(t.Release.findResources('AWS::Logs::DeliverySource')).map((r) => r.Properties);
    for (const id of ['supervisor', 'financial', 'hr', 'it']) {
      const gatewayArn = { 'Fn::ImportValue': expect.stringMatching(new RegExp(`Agents1:ExportsOutputFnGetAttSplit${id}Gateway\\w+GatewayArn`)) };
      expect(sources).toEqual(expect.arrayContaining([expect.objectContaining({ LogType: 'APPLICATION_LOGS', ResourceArn: gatewayArn }), expect.objectContaining({ LogType: 'TRACES', ResourceArn: gatewayArn })]));
      const group = Object.values(t.Release.findResources('AWS::Logs::LogGroup'))
        .map((r) => r.Properties)
        .find((p) => p.LogGroupName === `/aws/vendedlogs/bedrock-agentcore/agentcore-kit-dev-release/gateway/split-${id}`);
      expect(group).toMatchObject({ KmsKeyId: { 'Fn::ImportValue': expect.stringContaining('Foundation') } });
    }
  });

  test('quality drift on the live endpoints notifies the environment alarm topic', () => {
    const drift = Object.values(t.Observability1.findResources('AWS::CloudWatch::CompositeAlarm', { Properties: { AlarmName: 'kit_dev-evaluation-drift' } }));
    expect(drift).toHaveLength(1);
    const topic = Object.keys(t.Observability1.findResources('AWS::SNS::Topic'))[0];
    expect(drift[0].Properties.AlarmActions).toEqual([{ Ref: topic }]);
    // One drift alarm per agent and watched evaluator, on live.
    const children = Object.values(t.Observability1.findResources('AWS::CloudWatch::Alarm')).filter((a) => /-live-.*-drift$/.test(a.Properties.AlarmName));
    expect(children.length).toBeGreaterThanOrEqual(4);
  });

  test('the evaluation gate gets a role the pipeline account may assume, reading the evaluation client only, and the outputs it needs', () => {
    const role = Object.values(t.Foundation.findResources('AWS::IAM::Role', { Properties: { RoleName: 'agentcore-kit-dev-evaluation-gate' } }))[0];
    // The pipeline's account, and in it only the gate step's role.
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
        Condition: { ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/agentcore-kit-dev-evaluation-gate-caller']] } } },
      },
    ]);
    const roleId = Object.keys(t.Foundation.findResources('AWS::IAM::Role', { Properties: { RoleName: 'agentcore-kit-dev-evaluation-gate' } }))[0];
    const policies = Object.values(t.Foundation.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 'cognito-idp:DescribeUserPoolClient', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IdentityUserPool/), 'Arn'] } },
    ]);
    const access = dev.pipelineOutputs.evaluationAccess!;
    expect(access.roleName).toBe('agentcore-kit-dev-evaluation-gate');
    expect(access.callerRoleName).toBe('agentcore-kit-dev-evaluation-gate-caller');
    expect([access.userPoolId, access.clientId, access.tokenUrl, access.scope].map((o) => o.node.id)).toEqual(['EvaluationUserPoolId', 'EvaluationClientId', 'EvaluationTokenUrl', 'EvaluationScope']);
    expect(t.Foundation.toJSON().Outputs.EvaluationScope.Value).toBe('agentcore-tools/invoke');
  });

  test('the agent runtimes accept persona tokens: the evaluation client is among their allowed clients', () => {
    const runtimes = Object.values(t.Agents1.findResources('AWS::BedrockAgentCore::Runtime'));
    expect(runtimes).toHaveLength(4);
    for (const r of runtimes) expect(JSON.stringify(r.Properties.AuthorizerConfiguration.CustomJWTAuthorizer.AllowedClients)).toContain('EvaluationClient');
  });

  test('every table is encrypted with the environment key and destroyed with the dev stack', () => {
    const keyImport = Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('Foundation:ExportsOutputFnGetAttDataKey') });
    for (const tpl of Object.values(t)) {
      for (const table of Object.values(tpl.findResources('AWS::DynamoDB::Table'))) {
        expect(table.DeletionPolicy).toBe('Delete');
        const kmsId = table.Properties.SSESpecification.KMSMasterKeyId;
        expect(kmsId['Fn::ImportValue'] ?? kmsId['Fn::GetAtt']).toBeDefined();
      }
    }
    t.Tools1.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyImport } });
  });

  test('every agent calls its model with the environment guardrail, may apply only it, and is denied model calls without it', () => {
    t.Foundation.resourceCountIs('AWS::Bedrock::Guardrail', 1);
    t.Foundation.hasResourceProperties('AWS::Bedrock::Guardrail', { Name: 'agentcore-kit-dev', TopicPolicyConfig: { TopicsConfig: Match.arrayWith([Match.objectLike({ Name: 'Compensation', Type: 'DENY' })]) } });
    const runtimes = Object.values(t.Agents1.findResources('AWS::BedrockAgentCore::Runtime'));
    expect(runtimes).toHaveLength(4);
    for (const r of runtimes) {
      expect(r.Properties.EnvironmentVariables.GUARDRAIL_ID).toEqual({ 'Fn::ImportValue': expect.stringMatching(/Foundation:ExportsOutputFnGetAttGuardrail.*GuardrailId/) });
      expect(r.Properties.EnvironmentVariables.GUARDRAIL_VERSION).toEqual({ 'Fn::ImportValue': expect.stringMatching(/Foundation:ExportsOutputFnGetAttGuardrailVersion.*Version/) });
    }
    const statements = Object.values(t.Agents1.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((st) => st.Sid === 'RequireAgentGuardrail')).toHaveLength(4);
    expect(statements.filter((st) => st.Action === 'bedrock:ApplyGuardrail')).toHaveLength(4);
    // Interventions are on the environment dashboard.
    expect(JSON.stringify(t.Observability1.findResources('AWS::CloudWatch::Dashboard'))).toContain('Guardrail interventions vs evaluations');
  });

  test('no Browser is provisioned in any environment (no reference agent has a browser tool)', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const stacks = env === 'dev' ? Object.values(t) : Object.values(byName(platform(env)));
      for (const s of stacks) s.resourceCountIs('AWS::BedrockAgentCore::BrowserCustom', 0);
    }
  });

  test('online evaluation scores the kit LLM-as-judge next to the built-ins and code evaluators', () => {
    t.Observability1.hasResourceProperties('AWS::BedrockAgentCore::Evaluator', { EvaluatorName: 'kit_dev_grounded_answer', EvaluatorConfig: { LlmAsAJudge: Match.objectLike({ ModelConfig: { BedrockEvaluatorModelConfig: Match.objectLike({ ModelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' }) } }) } });
    for (const c of Object.values(t.Observability1.findResources('AWS::BedrockAgentCore::OnlineEvaluationConfig'))) expect(c.Properties.Evaluators).toHaveLength(10);
  });

  test('dev loads seed data and allows the gateway to return debug errors', () => {
    t.Tools1.resourceCountIs('Custom::ToolSeedData', 1);
    t.Gateway.hasResourceProperties('AWS::BedrockAgentCore::Gateway', { ExceptionLevel: 'DEBUG' });
  });
});

describe('reference platform (prod)', () => {
  const prod = platform('prod');
  const t = byName(prod);

  test('prod agents never hand spans back to an evaluation request; dev agents do', () => {
    for (const r of Object.values(t.Agents1.findResources('AWS::BedrockAgentCore::Runtime'))) expect(r.Properties.EnvironmentVariables.AGENTCORE_KIT_EVALUATION_SPANS).toBe('off');
    const devAgents = Template.fromStack(Stack.of(platform('dev').agents[0].runtime));
    for (const r of Object.values(devAgents.findResources('AWS::BedrockAgentCore::Runtime'))) expect(r.Properties.EnvironmentVariables.AGENTCORE_KIT_EVALUATION_SPANS).toBe('on');
  });

  test('no persona tokens in prod: no evaluation client, no evaluation role, nothing for a gate', () => {
    expect(JSON.stringify(t.Foundation.findResources('AWS::Cognito::UserPoolClient'))).not.toContain('m2m-evaluation');
    t.Foundation.resourcePropertiesCountIs('AWS::IAM::Role', { RoleName: 'agentcore-kit-prod-evaluation-gate' }, 0);
    expect(prod.pipelineOutputs.evaluationAccess).toBeUndefined();
  });

  test('policy is enforced and stateful resources are retained', () => {
    t.Gateway.hasResourceProperties('AWS::BedrockAgentCore::Gateway', { PolicyEngineConfiguration: { Mode: 'ENFORCE' } });
    for (const tpl of Object.values(t)) {
      for (const table of Object.values(tpl.findResources('AWS::DynamoDB::Table'))) expect(table.DeletionPolicy).toBe('Retain');
    }
    t.Foundation.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  test('no seed data and no debug errors in prod', () => {
    t.Tools1.resourceCountIs('Custom::ToolSeedData', 0);
    const gw = Object.values(t.Gateway.findResources('AWS::BedrockAgentCore::Gateway'))[0];
    expect(gw.Properties.ExceptionLevel).toBeUndefined();
  });

  test('tool canaries use the configured CodeDeploy config', () => {
    t.Tools1.resourcePropertiesCountIs('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent10Minutes' }, 3);
  });
});

describe('platform props', () => {
  const spec = (over: Partial<AgentSpec>): AgentSpec => ({ ...agentSpecs.hr, ...over });

  test('agents are spread over more stacks when a stack would be too large', () => {
    const clones = Array.from({ length: 16 }, (_, i) => spec({ id: `hr${i}` as AgentSpec['id'], runtimeName: `hr_clone_${i}` }));
    // Each clone runs the hr agent's code (an agent's entry must exist, bundled or not).
    const agentEntries = Object.fromEntries(clones.map((c) => [c.id, path.join(__dirname, '..', '..', '..', 'agents', 'entry', 'hr.ts')]));
    const p = platform('dev', { maxResourcesPerStack: 250, agents: [...Object.values(agentSpecs), ...clones], agentEntries });
    const agentStacks = p.stacks.filter((s) => /-Agents\d+$/.test(s.stackName));
    const observabilityStacks = p.stacks.filter((s) => /-Observability\d+$/.test(s.stackName));
    expect(agentStacks.length).toBeGreaterThan(1);
    expect(observabilityStacks.length).toBe(3); // 20 agents, at most 8 per observability unit
    // 20 releases, at most 8 per release stack; the first keeps the plain name.
    expect(p.releases.map((s) => s.stackName)).toEqual(['AgentCoreKit-dev-Release', 'AgentCoreKit-dev-Release2', 'AgentCoreKit-dev-Release3']);
    expect(p.releases.map((s) => s.releases.length)).toEqual([8, 8, 4]);
    expect(Object.keys(p.pipelineOutputs.rolloutStateMachineArns!)).toHaveLength(20);
    for (const s of p.stacks) expect(Object.keys(Template.fromStack(s).toJSON().Resources).length).toBeLessThan(500);
  });

  test('with an existing OTLP backend configured, every agent gets the secret ARN and may read that secret only', () => {
    const dev = loadEnvironment('dev');
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:otlp-backend-AbCdEf';
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const p = new AgentPlatform(app, { config: { ...dev, observability: { ...dev.observability, otlpExportSecretArn: secretArn } } });
    const agents = Template.fromStack(Stack.of(p.agents[0].runtime));
    const runtimes = Object.values(agents.findResources('AWS::BedrockAgentCore::Runtime'));
    expect(runtimes).toHaveLength(4);
    for (const r of runtimes) expect(r.Properties.EnvironmentVariables).toMatchObject({ OTLP_EXPORT_SECRET_ARN: secretArn, OTEL_DEPLOYMENT_ENVIRONMENT: 'dev' });
    const reads = Object.values(agents.findResources('AWS::IAM::Policy'))
      .flatMap((pol) => pol.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
      .filter((st) => JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue'));
    expect(reads).toHaveLength(4);
    for (const st of reads) expect(st.Resource).toBe(secretArn);
  });

  test('a pipeline in another account is the one trusted with the evaluation role', () => {
    const p = platform('staging', { pipelineAccount: '999988887777' });
    const foundation = Template.fromStack(p.foundation);
    foundation.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'agentcore-kit-staging-evaluation-gate',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::999988887777:root']] } },
            Condition: { ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::999988887777:role/agentcore-kit-staging-evaluation-gate-caller']] } } },
          }),
        ],
      },
    });
  });

  test('bad agent lists fail with every problem named', () => {
    expect(() =>
      platform('dev', {
        agents: [agentSpecs.supervisor, spec({ id: 'it' }), spec({ id: 'it', tools: { payroll: ['x'] } }), spec({ id: 'financial', protocol: 'HTTP' })],
      }),
    ).toThrow(/ids must be unique, it given twice[\s\S]*at most one HTTP \(user-facing\) agent, got supervisor, financial[\s\S]*agents\.it\.tools: unknown gateway target "payroll"/);
  });

  test('a platform of one specialist still serves the shared catalog, and releases that specialist', () => {
    const p = platform('dev', { agents: [agentSpecs.hr] });
    const tools = Template.fromStack(p.stacks.find((s) => s.stackName.endsWith('Tools1')) as Stack);
    tools.resourcePropertiesCountIs('AWS::Lambda::Alias', { Name: 'live' }, 3);
    Template.fromStack(p.stacks.find((s) => s.stackName.endsWith('Agents1')) as Stack).resourceCountIs('AWS::BedrockAgentCore::Runtime', 1);
    Template.fromStack(p.releases[0]).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(Object.keys(p.pipelineOutputs.rolloutStateMachineArns!)).toEqual(['dev-hr']);
  });

  test('agentEntries resolve against the file that creates the platform, not the kit file that bundles them or the working directory', () => {
    expect(() => platform('dev', { agents: [agentSpecs.hr], agentEntries: { hr: '../../../agents/entry/hr.ts' } })).not.toThrow();
    expect(() => platform('dev', { agents: [agentSpecs.hr], agentEntries: { hr: 'agents/entry/hr.ts' } })).toThrow(
      `[AgentEntryNotFound] entry: "agents/entry/hr.ts" resolves to ${path.join(__dirname, 'agents/entry/hr.ts')}, which is not a file; a relative entry is resolved against the directory of the calling file (${__filename}), not the working directory — or pass an absolute path`,
    );
  });

  test('without the reference catalog an agent naming its targets is rejected', () => {
    expect(() => platform('dev', { agents: [agentSpecs.hr], referenceCatalog: false })).toThrow(/agents\.hr\.tools: unknown gateway target "hr"/);
  });
});
