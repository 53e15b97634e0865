import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack, type Environment } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { applyCompliance, readValidationFindings } from '../../../lib/compliance';
import { AgentMemory } from '../../../lib/memory';
import { AgentCode, ReferenceAgents, type ReferenceAgentsProps } from '../../../lib/runtime';

const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-code-'));
fs.writeFileSync(path.join(codeDir, 'index.mjs'), 'export {};\n');

function build(env: Environment | undefined, overrides: Partial<ReferenceAgentsProps> = {}) {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Agents', { env });
  applyCompliance(stack);
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const memory = new AgentMemory(stack, 'Memory', { encryptionKey: key, eventExpiry: Duration.days(7) });
  const agents = new ReferenceAgents(stack, 'Agents', {
    nameSuffix: 'dev',
    memory,
    model: { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 2048 },
    additionalModels: [{ modelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' }],
    auth: { discoveryUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x/.well-known/openid-configuration', allowedClients: ['client1'] },
    gatewayUrl: 'https://gw.example.com/mcp',
    code: () => AgentCode.fromBundle(codeDir),
    liveVersions: { hr: '4' },
    codeInterpreterFor: ['financial'],
    browserFor: ['it'],
    browser: { networkMode: 'PUBLIC' },
    logEncryptionKey: key,
    ...overrides,
  });
  return { app, stack, agents };
}

describe('ReferenceAgents', () => {
  const { app, stack } = build({ account: '111111111111', region: 'us-east-1' });
  const template = Template.fromStack(stack);

  test('four runtimes named from the agent catalog: specialists on A2A with the gateway, the supervisor on HTTP', () => {
    template.resourceCountIs('AWS::BedrockAgentCore::Runtime', 4);
    for (const name of ['financial_analytics_dev', 'hr_policy_assistant_dev', 'it_support_dev']) {
      template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
        AgentRuntimeName: name,
        ProtocolConfiguration: 'A2A',
        EnvironmentVariables: Match.objectLike({ GATEWAY_URL: 'https://gw.example.com/mcp' }),
      });
    }
  });

  test('the supervisor gets the orchestration, the specialist invocation URLs and the live qualifier', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      AgentRuntimeName: 'supervisor_dev',
      ProtocolConfiguration: 'HTTP',
      EnvironmentVariables: Match.objectLike({
        ORCHESTRATION: 'hierarchical',
        SPECIALIST_QUALIFIER: 'live',
        SPECIALIST_HR_URL: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('%3Aruntime%2F$'), { 'Fn::GetAtt': [Match.stringLikeRegexp('^Agentshrpolicyassistant'), 'AgentRuntimeId'] }, '/invocations'])] },
        SPECIALIST_FINANCIAL_URL: Match.anyValue(),
        SPECIALIST_IT_URL: Match.anyValue(),
      }),
    });
    const supervisor = Object.values(template.findResources('AWS::BedrockAgentCore::Runtime', { Properties: { AgentRuntimeName: 'supervisor_dev' } }))[0] as { Properties: { EnvironmentVariables: Record<string, unknown> } };
    expect(supervisor.Properties.EnvironmentVariables.GATEWAY_URL).toBeUndefined();
  });

  test('each agent’s live endpoint is pinned to its own recorded version', () => {
    const live = Object.values(template.findResources('AWS::BedrockAgentCore::RuntimeEndpoint', { Properties: { Name: 'live' } })) as { Properties: { AgentRuntimeVersion: string } }[];
    expect(live.map((e) => e.Properties.AgentRuntimeVersion).sort()).toEqual(['1', '1', '1', '4']);
  });

  test('code interpreter and browser only where asked', () => {
    template.resourceCountIs('AWS::BedrockAgentCore::CodeInterpreterCustom', 1);
    template.hasResourceProperties('AWS::BedrockAgentCore::CodeInterpreterCustom', { Name: 'financial_analytics_dev_ci' });
    template.resourceCountIs('AWS::BedrockAgentCore::BrowserCustom', 1);
    template.hasResourceProperties('AWS::BedrockAgentCore::BrowserCustom', { Name: 'it_support_dev_browser' });
  });

  test('the log key lets CloudWatch Logs encrypt the runtime log groups only, stated once', () => {
    const statements = (Object.values(template.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: { Sid?: string; Condition?: unknown }[] } } }).Properties.KeyPolicy.Statement.filter(
      (s) => s.Sid === 'AllowCloudWatchLogsForAgentRuntimes',
    );
    expect(statements).toHaveLength(1);
    expect(statements[0].Condition).toEqual({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:log-group:/aws/vendedlogs/bedrock-agentcore/runtimes/*']] } },
    });
  });

  test.each([
    ['an account/region stack', app],
    ['an environment-agnostic stack', build(undefined).app],
  ])('no unacknowledged cdk-nag or kit compliance finding in %s', (_name, theApp) => {
    expect(readValidationFindings(theApp.synth()).map((f) => `${f.rule} at ${f.constructPaths.join(', ')}`)).toEqual([]);
  });

  test('bad props are reported together', () => {
    expect(() => build(undefined, { nameSuffix: 'too-long-suffix', browserFor: ['it'], browser: undefined })).toThrow(
      /InvalidReferenceAgentsProps\] 2 problems:[\s\S]*nameSuffix: "too-long-suffix" must be 1–8 letters, digits or _[\s\S]*browser: required when browserFor lists agents/,
    );
  });
});
