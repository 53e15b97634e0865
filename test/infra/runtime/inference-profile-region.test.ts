/** A cross-region inference profile must serve the stack's region: checked at synth. */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AgentCode, AgentRuntime } from '../../../lib/runtime';

const runtime = (stack: Stack, modelId: string, additional?: string) =>
  new AgentRuntime(stack, 'Agent', {
    runtimeName: 'hr_assistant',
    code: AgentCode.fromKit('hr'),
    model: { modelId, temperature: 0.2, maxTokens: 1024 },
    additionalModels: additional ? [{ modelId: additional }] : undefined,
    auth: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedAudiences: ['agents'] },
  });
const inRegion = (region: string) => new Stack(new App(), 'S', { env: { account: '111111111111', region } });

test('a us. profile in eu-west-1 fails naming the field and the profile to use', () => {
  expect(() => runtime(inRegion('eu-west-1'), 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toThrow(
    '[InvalidAgentRuntimeProps] model.modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" is a us. cross-region inference profile, which cannot be called from eu-west-1 (the stack\'s region); use "eu.anthropic.claude-sonnet-4-5-20250929-v1:0" or "global.anthropic.claude-sonnet-4-5-20250929-v1:0"',
  );
});

test('additional models are checked too, each named by its index', () => {
  expect(() => runtime(inRegion('ap-northeast-1'), 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.amazon.nova-pro-v1:0')).toThrow(
    /additionalModels\[0\]\.modelId: "eu\.amazon\.nova-pro-v1:0" is a eu\. cross-region inference profile, which cannot be called from ap-northeast-1 .* use "apac\.amazon\.nova-pro-v1:0"/,
  );
});

test.each([
  ['eu-west-1', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ['us-west-2', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ['eu-west-1', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ['eu-west-1', 'anthropic.claude-3-haiku-20240307-v1:0'],
])('in %s, %s is accepted', (region, modelId) => {
  expect(() => runtime(inRegion(region), modelId)).not.toThrow();
});

test('an unresolved region gets a warning, not an error', () => {
  const stack = new Stack(new App(), 'S');
  runtime(stack, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  Annotations.fromStack(stack).hasWarning('/S/Agent', Match.stringLikeRegexp('model.modelId: "us\\.anthropic.*" is a us\\. cross-region inference profile, callable only from us regions; the stack\'s region is unresolved'));
});
