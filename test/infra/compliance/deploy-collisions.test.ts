/** Names that collide only at deploy time fail synth, naming both construct paths. */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AgentCode, AgentRuntime, Identity, KitError, ToolCatalog, ToolGateway } from '../../../lib';

const app = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const runtime = (stack: Stack, runtimeName: string) =>
  new AgentRuntime(stack, 'Agent', {
    runtimeName,
    code: AgentCode.fromKit('hr'),
    model: { modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 1024 },
    auth: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedAudiences: ['agents'] },
  });
const synthError = (a: App): KitError => {
  try {
    a.synth();
  } catch (e) {
    return e as KitError;
  }
  throw new Error('synth succeeded');
};

test('one runtime name in two stacks of one environment fails naming both paths (and their log groups)', () => {
  const a = app();
  runtime(new Stack(a, 'One'), 'hr_assistant');
  runtime(new Stack(a, 'Two'), 'hr_assistant');
  const error = synthError(a);
  expect(error).toBeInstanceOf(KitError);
  expect(error.code).toBe('DeployCollision');
  expect(error.problems).toContain('runtime name "hr_assistant" is used twice in one deployment environment: One/Agent/Runtime/Resource and Two/Agent/Runtime/Resource; give one of them another name');
});

test('the same names in different regions do not collide', () => {
  const a = app();
  runtime(new Stack(a, 'One', { env: { account: '111111111111', region: 'eu-west-1' } }), 'hr_assistant');
  runtime(new Stack(a, 'Two', { env: { account: '111111111111', region: 'eu-central-1' } }), 'hr_assistant');
  expect(() => a.synth()).not.toThrow();
});

test('fixed log group, SSM parameter and role names are checked across the app', () => {
  const a = app();
  const env = { account: '111111111111', region: 'eu-west-1' };
  const one = new Stack(a, 'One', { env });
  const two = new Stack(a, 'Two', { env });
  runtime(one, 'hr_one');
  for (const s of [one, two]) {
    new logs.LogGroup(s, 'Logs', { logGroupName: '/acme/agents' });
    new ssm.StringParameter(s, 'Param', { parameterName: '/acme/live-version', stringValue: '1' });
    new iam.Role(s, 'Role', { roleName: 'acme-agents', assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }
  expect(synthError(a).problems).toEqual([
    'log group name "/acme/agents" is used twice in 111111111111/eu-west-1: One/Logs/Resource and Two/Logs/Resource; give one of them another name',
    'SSM parameter name "/acme/live-version" is used twice in 111111111111/eu-west-1: One/Param/Resource and Two/Param/Resource; give one of them another name',
    'IAM role name "acme-agents" is used twice in 111111111111/eu-west-1: One/Role/Resource and Two/Role/Resource; give one of them another name',
  ]);
});

test('two tool gateways in one environment would count each other\'s metrics: a warning naming both paths', () => {
  const a = app();
  for (const id of ['One', 'Two']) {
    const stack = new Stack(a, id);
    const tools = new ToolCatalog(stack, 'Tools');
    const identity = Identity.oidc({ discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', allowedAudiences: ['api://agents'] });
    new ToolGateway(stack, 'Gateway', { tools: tools.tools, targetFunctions: tools.aliases, identity, kmsKey: new kms.Key(stack, 'Key'), rateLimitPerUserPerMinute: 60 });
  }
  const warnings = a
    .synth()
    .stacks.flatMap((s) => s.messages)
    .filter((m) => m.level === 'warning' && String(m.entry.data).includes('is used twice'))
    .map((m) => `${m.id} ${String(m.entry.data)}`);
  expect(warnings).toContainEqual(expect.stringMatching(/^\/Two\/Gateway gateway metric namespace and dimension ".* service=gateway-interceptor" is used twice in one deployment environment: One\/Gateway and Two\/Gateway;/));
  expect(warnings).toContainEqual(expect.stringMatching(/^\/Two\/Tools\/Hr\/Function\/Resource metric namespace and service .* "[^"]+\/tools-hr" is used twice in one deployment environment: One\/Tools\/Hr\/Function\/Resource and Two\/Tools\/Hr\/Function\/Resource;/));
});
