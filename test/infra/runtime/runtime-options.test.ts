import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AS_OF_HEADER } from '../../../agents/shared/http';
import { applyCompliance, readValidationFindings } from '../../../lib/compliance';
import { AGENT_REQUEST_HEADERS, AgentCode, AgentRuntime, customRequestHeader, type AgentRuntimeProps } from '../../../lib/runtime';

const ROOT = path.join(__dirname, '..', '..', '..');
const PYTHON_AGENT = path.join(ROOT, 'agents/examples/python-agent');
const DISCOVERY = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/openid-configuration';
const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-code-'));
fs.writeFileSync(path.join(codeDir, 'index.mjs'), 'export {};\n');

const BASE = {
  runtimeName: 'py_agent',
  code: AgentCode.fromBundle(codeDir),
  model: { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 1024 },
  auth: { discoveryUrl: DISCOVERY, allowedClients: ['client123'] },
} as const satisfies AgentRuntimeProps;

function newStack(app = new App({ context: { 'aws:cdk:bundling-stacks': [] } })) {
  return new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
}

function build(overrides: Partial<AgentRuntimeProps> = {}) {
  const stack = newStack();
  const agent = new AgentRuntime(stack, 'Agent', { ...BASE, ...overrides } as AgentRuntimeProps);
  return { stack, agent, template: Template.fromStack(stack) };
}

function roleStatements(template: Template): Array<Record<string, unknown>> {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^AgentRuntimeExecutionRole') }] } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement);
}

describe('container agents', () => {
  test('fromDockerfile: an arm64 ECR image asset in the cloud assembly, the runtime on its URI, the role may pull it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = newStack(app);
    new AgentRuntime(stack, 'Agent', { ...BASE, code: AgentCode.fromDockerfile('../../../agents/examples/python-agent') });
    const assembly = app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Test.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string }; destinations: Record<string, { repositoryName: string; imageTag: string }> }>;
    };
    const images = Object.entries(manifest.dockerImages);
    expect(images).toHaveLength(1);
    const [hash, image] = images[0];
    expect(image.source.platform).toBe('linux/arm64');
    // The staged build context is the sample agent: its Dockerfile and code, not the tests (.dockerignore).
    const context = path.join(assembly.directory, image.source.directory);
    expect(fs.readFileSync(path.join(context, 'Dockerfile'), 'utf8')).toBe(fs.readFileSync(path.join(PYTHON_AGENT, 'Dockerfile'), 'utf8'));
    expect(fs.existsSync(path.join(context, 'app.py'))).toBe(true);
    expect(fs.existsSync(path.join(context, 'test_app.py'))).toBe(false);
    const destination = Object.values(image.destinations)[0];
    expect(destination.imageTag).toBe(hash);

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      AgentRuntimeArtifact: { ContainerConfiguration: { ContainerUri: Match.objectLike({ 'Fn::Sub': Match.stringLikeRegexp(`${destination.repositoryName.replace(/[${}]/g, '.')}:${hash}$`) }) } },
    });
    const pull = roleStatements(template).find((s) => [s.Action].flat().includes('ecr:BatchGetImage'));
    expect(JSON.stringify(pull?.Resource)).toContain(':repository/');
  });

  test('fromDockerfile without a Dockerfile fails naming the path', () => {
    expect(() => AgentCode.fromDockerfile(codeDir)).toThrow(new RegExp(`\\[AgentCodeNotFound\\] code: ${path.join(codeDir, 'Dockerfile').replace(/[/\\]/g, '.')} does not exist`));
  });

  test('fromEcrImage: the runtime runs repository:tag and may pull from that repository only', () => {
    const stack = newStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/agents');
    new AgentRuntime(stack, 'Agent', { ...BASE, code: AgentCode.fromEcrImage(repository, '1.4.2') });
    const template = Template.fromStack(stack);
    const runtime = Object.values(template.findResources('AWS::BedrockAgentCore::Runtime'))[0] as { Properties: { AgentRuntimeArtifact: unknown } };
    expect(stack.resolve(runtime.Properties.AgentRuntimeArtifact)).toEqual({
      ContainerConfiguration: { ContainerUri: { 'Fn::Join': ['', ['111111111111.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/team/agents:1.4.2']] } },
    });
    const pull = roleStatements(template).find((s) => [s.Action].flat().includes('ecr:BatchGetImage'));
    expect(JSON.stringify(pull?.Resource)).toContain(':repository/team/agents');
  });

  test('fromEcrImage refuses a malformed tag naming it', () => {
    const stack = newStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/agents');
    expect(() => AgentCode.fromEcrImage(repository, 'v1 final')).toThrow(/\[InvalidAgentCode\] tag: "v1 final" is not an image tag/);
  });
});

test('container and MCP runtimes synthesize with zero compliance findings', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = newStack(app);
  applyCompliance(stack);
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/agents');
  new AgentRuntime(stack, 'Py', { ...BASE, code: AgentCode.fromDockerfile(PYTHON_AGENT), logEncryptionKey: key });
  new AgentRuntime(stack, 'Ecr', { ...BASE, runtimeName: 'ecr_agent', code: AgentCode.fromEcrImage(repository, '1.4.2'), logEncryptionKey: key });
  new AgentRuntime(stack, 'Mcp', { ...BASE, runtimeName: 'mcp_server', protocol: 'MCP', model: undefined, logEncryptionKey: key });
  expect(readValidationFindings(app.synth()).map((f) => `${f.rule} at ${f.constructPaths.join(', ')}`)).toEqual([]);
  // The one wildcard a container adds, ecr:GetAuthorizationToken, is named in the acknowledgement's reason.
  const reasons = (id: string) =>
    stack.node
      .findChild(id)
      .node.findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>)))
      .filter(([rule]) => rule.endsWith('AwsSolutions-IAM5[Resource::*]'))
      .map(([, reason]) => reason);
  expect(reasons('Ecr').join()).toContain('ecr:GetAuthorizationToken');
  expect(reasons('Mcp')).toHaveLength(1);
  expect(reasons('Mcp').join()).not.toContain('ecr:');
});

describe('MCP-server runtimes', () => {
  test('protocol MCP without a model: no model variables, no model invoke rights', () => {
    const { template } = build({ protocol: 'MCP', model: undefined });
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      ProtocolConfiguration: 'MCP',
      EnvironmentVariables: Match.not(Match.objectLike({ MODEL_ID: Match.anyValue() })),
    });
    expect(roleStatements(template).filter((s) => s.Sid === 'InvokeConfiguredModels')).toEqual([]);
  });

  test('an HTTP or A2A agent without a model fails naming the field', () => {
    expect(() => build({ protocol: 'A2A', model: undefined })).toThrow(/model: required for an A2A agent/);
  });
});

describe('VPC network mode', () => {
  test('private subnets and a security group allowing outbound HTTPS only', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const agent = new AgentRuntime(stack, 'Agent', { ...BASE, network: { vpc } });
    const template = Template.fromStack(stack);
    const runtime = Object.values(template.findResources('AWS::BedrockAgentCore::Runtime'))[0] as { Properties: { NetworkConfiguration: { NetworkMode: string; NetworkModeConfig: { Subnets: unknown[]; SecurityGroups: unknown[] } } } };
    expect(runtime.Properties.NetworkConfiguration.NetworkMode).toBe('VPC');
    expect(stack.resolve(runtime.Properties.NetworkConfiguration.NetworkModeConfig.Subnets)).toEqual(stack.resolve(vpc.isolatedSubnets.map((s) => s.subnetId)));
    expect(runtime.Properties.NetworkConfiguration.NetworkModeConfig.SecurityGroups).toHaveLength(1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Agent runtime py_agent: outbound HTTPS only',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
    });
    expect(agent.connections?.securityGroups).toHaveLength(1);
  });

  test('given security groups are used as they are', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
    new AgentRuntime(stack, 'Agent', { ...BASE, network: { vpc, securityGroups: [sg] } });
    Template.fromStack(stack).hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      NetworkConfiguration: { NetworkMode: 'VPC', NetworkModeConfig: { SecurityGroups: ['sg-0123456789abcdef0'], Subnets: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') })]) } },
    });
  });

  test('public subnets and empty security groups fail naming the field', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new AgentRuntime(stack, 'Agent', { ...BASE, network: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, securityGroups: [] } })).toThrow(
      /network\.vpcSubnets: \S+, \S+ are public subnets[\s\S]*network\.securityGroups: 0 given; give 1 to 16/,
    );
  });

  test('a VPC runtime synthesizes with zero compliance findings', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = newStack(app);
    applyCompliance(stack);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ec2.FlowLog(stack, 'FlowLog', { resourceType: ec2.FlowLogResourceType.fromVpc(vpc), destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(stack, 'FlowLogs', { encryptionKey: key })) });
    new AgentRuntime(stack, 'Agent', { ...BASE, network: { vpc }, logEncryptionKey: key });
    expect(readValidationFindings(app.synth()).map((f) => `${f.rule} at ${f.constructPaths.join(', ')}`)).toEqual([]);
  });
});

describe('request header allowlist', () => {
  test('the kit’s own headers are on every runtime, spelt as the agent code reads them', () => {
    expect(AGENT_REQUEST_HEADERS.map((h) => h.toLowerCase())).toEqual(['authorization', AS_OF_HEADER]);
    build().template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', { RequestHeaderConfiguration: { RequestHeaderAllowlist: [...AGENT_REQUEST_HEADERS] } });
  });

  test('given headers follow the kit’s own; the kit’s own given again are not repeated', () => {
    const { template } = build({ requestHeaders: ['X-Tenant-Id', customRequestHeader('Cost-Centre'), 'authorization'] });
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      RequestHeaderConfiguration: { RequestHeaderAllowlist: [...AGENT_REQUEST_HEADERS, 'X-Tenant-Id', 'X-Amzn-Bedrock-AgentCore-Runtime-Custom-Cost-Centre'] },
    });
  });

  test('headers AgentCore never forwards fail, each named with the rule', () => {
    expect(() =>
      build({ requestHeaders: ['x-amz-date', 'X-Amzn-Trace-Id', 'x-amzn-bedrock-agentcore-runtime-session-id', 'Cookie-Jar', 'Content-Type', 'X-Tenant', 'x-tenant', '1bad'] }),
    ).toThrow(
      new RegExp(
        [
          '"x-amz-date": x-amz- headers are reserved for SigV4',
          '"X-Amzn-Trace-Id": x-amzn- headers are reserved; only X-Amzn-Bedrock-AgentCore-Runtime-Custom-\\* may be forwarded',
          '"x-amzn-bedrock-agentcore-runtime-session-id": the runtime always forwards the session id',
          '"Content-Type" is on AgentCore\'s restricted list',
          '"x-tenant" is listed twice',
          '"1bad" is not a header name',
        ].join('[\\s\\S]*'),
      ),
    );
  });

  test('more than 20 headers in all fail, counting the kit’s own', () => {
    const many = Array.from({ length: 19 }, (_, i) => `X-Team-${i}`);
    expect(() => build({ requestHeaders: many })).toThrow(/requestHeaders: 21 headers \(19 given \+ 2 the kit's agents read: Authorization, X-Amzn-Bedrock-AgentCore-Runtime-Custom-As-Of\); AgentCore allows at most 20/);
    expect(() => build({ requestHeaders: many.slice(1) })).not.toThrow();
  });
});
