/** The runtime and memory options as the environment config sets them on the reference platform. */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AgentPlatform } from '../../../lib/app/platform';
import { applyCompliance, formatValidationFindings, readValidationFindings } from '../../../lib/compliance';
import { BUILT_IN_ENVIRONMENTS, loadEnvironment, resolveEnvironment, type EnvironmentConfig } from '../../../lib/config';
import { AGENT_REQUEST_HEADERS } from '../../../lib/runtime';

const VPC = { mode: 'VPC', vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'], securityGroupIds: ['sg-0ccccccccccccccc3'] } as const;

function platform(config: EnvironmentConfig, app = new App({ context: { 'aws:cdk:bundling-stacks': [] } })) {
  const p = new AgentPlatform(app, { config });
  return { app, p, agents: Template.fromStack(Stack.of(p.agents[0].runtime)), foundation: Template.fromStack(p.foundation) };
}

describe('defaults (dev)', () => {
  const dev = loadEnvironment('dev');
  const { agents, foundation } = platform(dev);

  test('runtimes on the public network with the kit’s own request headers', () => {
    const runtimes = Object.values(agents.findResources('AWS::BedrockAgentCore::Runtime'));
    expect(runtimes).toHaveLength(4);
    for (const r of runtimes) {
      expect(r.Properties.NetworkConfiguration).toEqual({ NetworkMode: 'PUBLIC' });
      expect(r.Properties.RequestHeaderConfiguration).toEqual({ RequestHeaderAllowlist: [...AGENT_REQUEST_HEADERS] });
    }
  });

  test('the shared memory holds the strategies the agents’ specs chose, the IT agent’s episodes custom on the primary model', () => {
    foundation.hasResourceProperties('AWS::BedrockAgentCore::Memory', {
      MemoryStrategies: [
        { SemanticMemoryStrategy: Match.objectLike({ Name: 'user_facts' }) },
        { UserPreferenceMemoryStrategy: Match.objectLike({ Name: 'user_preferences' }) },
        { SummaryMemoryStrategy: Match.objectLike({ Name: 'session_summaries' }) },
        {
          CustomMemoryStrategy: Match.objectLike({
            Name: 'user_episodes',
            Configuration: {
              EpisodicOverride: {
                Extraction: { AppendToPrompt: Match.stringLikeRegexp('IT support episodes'), ModelId: dev.models.primary.modelId },
                Reflection: { AppendToPrompt: Match.stringLikeRegexp('recurring problems'), ModelId: dev.models.primary.modelId, Namespaces: ['/users/{actorId}/episodes'] },
              },
            },
          }),
        },
      ],
    });
  });
});

describe('agents.network VPC, extra request headers, memory.strategyModelId (staging)', () => {
  const staging = loadEnvironment('staging');
  const config = resolveEnvironment({
    ...BUILT_IN_ENVIRONMENTS.staging,
    agents: { ...BUILT_IN_ENVIRONMENTS.staging.agents, network: VPC, requestHeaders: ['X-Tenant-Id'] },
    memory: { ...BUILT_IN_ENVIRONMENTS.staging.memory, strategyModelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' },
  });
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false } });
  applyCompliance(app);
  const { agents, foundation } = platform(config, app);

  test('every runtime in the configured subnets and security groups, with the extra header after the kit’s own', () => {
    const runtimes = Object.values(agents.findResources('AWS::BedrockAgentCore::Runtime'));
    expect(runtimes).toHaveLength(4);
    for (const r of runtimes) {
      expect(r.Properties.NetworkConfiguration).toEqual({ NetworkMode: 'VPC', NetworkModeConfig: { Subnets: VPC.subnetIds, SecurityGroups: VPC.securityGroupIds } });
      expect(r.Properties.RequestHeaderConfiguration).toEqual({ RequestHeaderAllowlist: [...AGENT_REQUEST_HEADERS, 'X-Tenant-Id'] });
    }
    // No security group of the kit's own: the configured ones are used as they are.
    expect(agents.findResources('AWS::EC2::SecurityGroup')).toEqual({});
  });

  test('no agent gets a Browser, VPC or not (no reference agent has a browser tool)', () => {
    agents.resourceCountIs('AWS::BedrockAgentCore::BrowserCustom', 0);
  });

  test('custom memory prompts run on the configured model', () => {
    foundation.hasResourceProperties('AWS::BedrockAgentCore::Memory', {
      MemoryStrategies: Match.arrayWith([{ CustomMemoryStrategy: Match.objectLike({ Configuration: { EpisodicOverride: Match.objectLike({ Extraction: Match.objectLike({ ModelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' }) }) } }) }]),
    });
    expect(staging.memory.strategyModelId).toBeUndefined();
  });

  test('zero unacknowledged findings and CloudFormation schema validation passes', () => {
    expect(formatValidationFindings(readValidationFindings(app.synth()))).toBe('');
  });
});

describe('config errors name the field', () => {
  const base = BUILT_IN_ENVIRONMENTS.prod;
  const withAgents = (agents: Record<string, unknown>) => ({ ...base, agents: { ...base.agents, ...agents } });

  test('a malformed subnet id', () => {
    expect(() => resolveEnvironment(withAgents({ network: { ...VPC, subnetIds: ['subnet-xyz'] } }))).toThrow(/agents\.network\.subnetIds\.0: a subnet id such as subnet-0123456789abcdef0/);
  });

  test('a VPC without security groups', () => {
    expect(() => resolveEnvironment(withAgents({ network: { ...VPC, securityGroupIds: [] } }))).toThrow(/agents\.network\.securityGroupIds/);
  });

  test('a Browser for the reference agents', () => {
    expect(() => resolveEnvironment(withAgents({ browser: 'VPC' as 'off' }))).toThrow(/agents\.browser: the reference agents have no browser tool/);
  });

  test('a request header AgentCore never forwards', () => {
    expect(() => resolveEnvironment(withAgents({ requestHeaders: ['X-Amzn-Trace-Id'] }))).toThrow(/agents\.requestHeaders: "X-Amzn-Trace-Id": x-amzn- headers are reserved/);
  });

  test('a memory strategy model that is not a model id', () => {
    expect(() => resolveEnvironment({ ...base, memory: { ...base.memory, strategyModelId: 'haiku' } })).toThrow(/memory\.strategyModelId: a Bedrock model id or inference profile id/);
  });
});
