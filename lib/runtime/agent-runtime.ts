import { Annotations, Aws, Duration, Fn, RemovalPolicy, Stack, Token, type IResolvable, type IResolveContext } from 'aws-cdk-lib';
import {
  BrowserCustom,
  BrowserNetworkConfiguration,
  CodeInterpreterCustom,
  CodeInterpreterNetworkConfiguration,
  LoggingDestination,
  LogType,
  ProtocolType,
  Runtime,
  RuntimeAuthorizerConfiguration,
  RuntimeEndpoint,
  RuntimeNetworkConfiguration,
  type VpcConfigProps,
} from 'aws-cdk-lib/aws-bedrockagentcore';
import type { Metric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SCRIPTED_MODEL_ENV } from '../../agents/shared/scripted-switch';
import { acknowledgeFindings, acknowledgeGeneratedFindings } from '../compliance/acknowledge';
import { Problems } from '../errors';
import { checkDeployCollisions } from '../compliance/deploy-collisions';
import type { AgentMemory } from '../memory/agent-memory';
import type { AgentCode } from './agent-code';
import { AgentRuntimePerms, INFERENCE_PROFILE_REGIONS } from './perms';
import { requestHeaderAllowlist } from './request-headers';

/** The model an agent calls, as in the environment config (`models.primary`). */
export interface AgentModel {
  /** Foundation model id (`anthropic.claude-...`) or inference profile id (`us.anthropic.claude-...`). */
  readonly modelId: string;
  /** 0–1. */
  readonly temperature: number;
  /** 1–64000. */
  readonly maxTokens: number;
}

/** Inbound JWT of the runtime; the agent verifies the same token again with the same settings. */
export interface AgentJwtAuth {
  /** OIDC discovery URL, ending in `/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** Accepted app client ids (`client_id`). @default - none */
  readonly allowedClients?: readonly string[];
  /** Accepted audiences (`aud`). @default - none */
  readonly allowedAudiences?: readonly string[];
}

export interface AgentCodeInterpreterOptions {
  /** @default 'SANDBOX' (no network) */
  readonly networkMode?: 'SANDBOX' | 'PUBLIC';
}

export interface AgentBrowserOptions {
  readonly networkMode: 'PUBLIC' | 'VPC';
  /** Required when networkMode is VPC. @default - none */
  readonly vpc?: VpcConfigProps;
}

/**
 * VPC network mode: the runtime reaches AWS and your services through network interfaces in your
 * subnets. A private runtime needs the VPC endpoints listed in docs/vpc-runtimes.md (or a NAT route).
 */
export interface AgentRuntimeNetwork {
  /** The VPC the runtime's network interfaces are placed in. */
  readonly vpc: ec2.IVpc;
  /**
   * Private subnets (1–16) in Availability Zones AgentCore supports; public subnets are refused.
   * @default - the VPC's private subnets (`PRIVATE_WITH_EGRESS`, else `PRIVATE_ISOLATED`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the runtime's network interfaces (1–16).
   * @default - one security group allowing outbound HTTPS (TCP 443) only, to the VPC endpoints and AWS APIs
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

export interface AgentRuntimeProps {
  /** Runtime name: a letter, then letters, digits or `_`, at most 48 characters. */
  readonly runtimeName: string;
  /** What the agent does (runtime description, at most 1200 characters). @default - none */
  readonly description?: string;
  /**
   * The runtime contract: HTTP (`/invocations` and `/ping` on port 8080) for a user-facing agent, A2A
   * (port 9000) for specialists, MCP (Streamable HTTP on port 8000 at `/mcp`, stateless) for a
   * team's own MCP server, which {@link ToolGateway.addRuntimeTarget} registers as a gateway target.
   * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-mcp.html
   * @default 'HTTP'
   */
  readonly protocol?: 'HTTP' | 'A2A' | 'MCP';
  /** The agent's code: `AgentCode.fromEntry('../agents/hr.ts')` (relative to the calling file) or `AgentCode.fromBundle(dir)`. */
  readonly code: AgentCode;
  /**
   * Model settings; passed as MODEL_ID, MODEL_TEMPERATURE, MODEL_MAX_TOKENS, and the role may invoke it.
   * Required for HTTP and A2A agents.
   * @default - none, for an MCP server that calls no model (no model invoke rights)
   */
  readonly model?: AgentModel;
  /** Further models the role may invoke, e.g. the A/B candidate. @default - none */
  readonly additionalModels?: readonly Pick<AgentModel, 'modelId'>[];
  /** JWT inbound auth of the runtime. */
  readonly auth: AgentJwtAuth;
  /** MCP URL of the tool gateway (GATEWAY_URL). @default - none (the supervisor calls no tool) */
  readonly gatewayUrl?: string;
  /**
   * Session memory: MEMORY_ID and MEMORY_CREDENTIALS_FUNCTION are set and the role may invoke the
   * memory's credential vendor for this runtime's identity provider (`memory.grantAgent`); the role
   * has no memory data access of its own (credentials are vended per verified caller).
   * @default - no AgentCore Memory: the agent keeps a session's turns in its own process (AgentCore
   *   runs each session in its own microVM, so they last as long as the session) and has no
   *   long-term memory; no memory permissions are granted
   */
  readonly memory?: AgentMemory;
  /** More environment variables. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Version the `live` endpoint serves. Only the newest version is known at synth time, so for an
   * agent released by a progressive rollout the version comes from outside (context, SSM, release
   * state). {@link AgentRuntime.NEWEST} makes `live` follow every deploy, for agents that no rollout
   * controls. The `canary` endpoint always follows the newest version.
   * @default '1'
   */
  readonly liveVersion?: string;
  /** Application and usage logs go to this log group's retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Key for the log group. @default - CloudWatch Logs default encryption */
  readonly logEncryptionKey?: kms.IKey;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** X-Ray traces of the runtime. @default true */
  readonly tracing?: boolean;
  /**
   * OpenTelemetry GenAI spans from the agent code (`invoke_agent`, `chat`, `execute_tool`; agents/telemetry)
   * to AgentCore Observability, which online evaluations and the code evaluators score. When on, the
   * role may `xray:PutSpans` and `xray:PutSpansForIndexing`; when off, `AGENTCORE_KIT_TRACING=off` is set.
   * The runtime itself sets the OpenTelemetry variables (`OTEL_RESOURCE_ATTRIBUTES` with the `service.name`
   * online evaluations filter on, the traces endpoint); the construct sets none of them.
   * @default true
   */
  readonly agentTracing?: boolean;
  /** A custom Code Interpreter the agent may use (only that one). @default - none */
  readonly codeInterpreter?: AgentCodeInterpreterOptions;
  /** A custom Browser the agent may use (only that one). @default - none */
  readonly browser?: AgentBrowserOptions;
  /** Idle session timeout. @default Duration.minutes(15) */
  readonly idleSessionTimeout?: Duration;
  /**
   * Network mode of the runtime.
   * @default - PUBLIC: AgentCore's managed network, with internet access
   */
  readonly network?: AgentRuntimeNetwork;
  /**
   * Further request headers the runtime passes to the agent code, besides the kit's own
   * ({@link AGENT_REQUEST_HEADERS}: `Authorization` and the as-of date header), which are always on the
   * allowlist. Any valid header outside AgentCore's restricted list; `x-amz-`/`x-amzn-` headers only as
   * `customRequestHeader('Name')` (`X-Amzn-Bedrock-AgentCore-Runtime-Custom-Name`). At most 20 in all.
   * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-header-allowlist.html
   * @default - the kit's own headers only
   */
  readonly requestHeaders?: readonly string[];
}

export const LIVE_ENDPOINT = 'live';
/** Log groups of the agent runtimes (the vended-logs prefix needs no delivery resource policy quota). */
export const LOG_GROUP_PREFIX = '/aws/vendedlogs/bedrock-agentcore/runtimes/';
export const CANARY_ENDPOINT = 'canary';

const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;
/** Subnets and security groups a runtime's VPC configuration takes. */
const MAX_VPC_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 16;
const MAX_ENV = 50;
/** The agents' tracing switch (agents/telemetry): set to `off` to stop their spans; tracing is on without it. */
export const AGENT_TRACING_ENV = 'AGENTCORE_KIT_TRACING';

/**
 * One agent on AgentCore Runtime: the L2 `Runtime` from a NODE_22 code asset, JWT inbound auth
 * (the `Authorization` header is passed through so the agent can act for the user), model, gateway
 * and memory settings as environment variables, application/usage logs and traces, model invoke
 * rights limited to the configured models and their inference profiles, `cloudwatch:PutMetricData`
 * in the agents' token-usage namespace only (`AgentCoreKit/Agents`), and two endpoints:
 * `live` (pinned to {@link AgentRuntimeProps.liveVersion}) and `canary` (newest version).
 */
export class AgentRuntime extends Construct {
  /** `liveVersion` that makes the live endpoint serve the newest version, like the canary. */
  static readonly NEWEST = 'newest';

  readonly runtime: Runtime;
  readonly live: RuntimeEndpoint;
  readonly canary: RuntimeEndpoint;
  readonly logGroup: logs.LogGroup;
  readonly codeInterpreter?: CodeInterpreterCustom;
  readonly browser?: BrowserCustom;
  readonly runtimeName: string;
  /** The runtime contract the agent serves. */
  readonly protocol: 'HTTP' | 'A2A' | 'MCP';
  /** Security groups of the runtime's network interfaces (VPC network mode only). */
  readonly connections?: ec2.Connections;

  constructor(scope: Construct, id: string, props: AgentRuntimeProps) {
    super(scope, id);
    checkDeployCollisions(this);
    const liveVersion = props.liveVersion ?? '1';
    const agentTracing = props.agentTracing ?? true;
    const headers = requestHeaderAllowlist(props.requestHeaders ?? []);
    this.validate(props, liveVersion, headers.problems);
    this.runtimeName = props.runtimeName;
    this.protocol = props.protocol ?? 'HTTP';
    const stack = Stack.of(this);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `${LOG_GROUP_PREFIX}${props.runtimeName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // CloudWatch Logs needs the key policy's consent to encrypt the runtime log groups (no-op for an imported key).
    props.logEncryptionKey?.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForAgentRuntimes',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${stack.region}:${stack.account}:log-group:${LOG_GROUP_PREFIX}*` } },
      }),
    );

    if (props.codeInterpreter) {
      this.codeInterpreter = new CodeInterpreterCustom(this, 'CodeInterpreter', {
        codeInterpreterCustomName: `${props.runtimeName}_ci`.slice(0, 48),
        description: `Code Interpreter of ${props.runtimeName}`,
        networkConfiguration:
          (props.codeInterpreter.networkMode ?? 'SANDBOX') === 'PUBLIC' ? CodeInterpreterNetworkConfiguration.usingPublicNetwork() : CodeInterpreterNetworkConfiguration.usingSandboxNetwork(),
      });
    }
    if (props.browser) {
      this.browser = new BrowserCustom(this, 'Browser', {
        browserCustomName: `${props.runtimeName}_browser`.slice(0, 48),
        description: `Browser of ${props.runtimeName}`,
        networkConfiguration: props.browser.networkMode === 'VPC' ? BrowserNetworkConfiguration.usingVpc(this, props.browser.vpc!) : BrowserNetworkConfiguration.usingPublicNetwork(),
      });
    }

    const memoryVendor = props.memory?.credentialVendor(props.auth);
    const models = props.model ? [props.model, ...(props.additionalModels ?? [])] : [];
    const network = props.network ? this.vpcNetwork(props.network) : RuntimeNetworkConfiguration.usingPublicNetwork();
    this.connections = network.connections;

    const environment: Record<string, string> = {
      ...(props.model ? { MODEL_ID: props.model.modelId, MODEL_TEMPERATURE: String(props.model.temperature), MODEL_MAX_TOKENS: String(props.model.maxTokens) } : {}),
      AGENT_REGION: stack.region,
      ...(props.memory && memoryVendor ? { MEMORY_ID: props.memory.memoryId, MEMORY_CREDENTIALS_FUNCTION: memoryVendor.function.functionName } : {}),
      JWT_DISCOVERY_URL: props.auth.discoveryUrl,
      JWT_AUDIENCES: [...(props.auth.allowedAudiences ?? []), ...(props.auth.allowedClients ?? [])].join(','),
      ...(props.gatewayUrl ? { GATEWAY_URL: props.gatewayUrl } : {}),
      ...(this.codeInterpreter ? { CODE_INTERPRETER_ID: this.codeInterpreter.codeInterpreterId } : {}),
      ...(this.browser ? { BROWSER_ID: this.browser.browserId } : {}),
      ...(agentTracing ? {} : { [AGENT_TRACING_ENV]: 'off' }),
      ...props.environment,
    };

    this.runtime = new Runtime(this, 'Runtime', {
      runtimeName: props.runtimeName,
      description: props.description,
      agentRuntimeArtifact: props.code.artifact(),
      protocolConfiguration: { HTTP: ProtocolType.HTTP, A2A: ProtocolType.A2A, MCP: ProtocolType.MCP }[props.protocol ?? 'HTTP'],
      networkConfiguration: network,
      authorizerConfiguration: RuntimeAuthorizerConfiguration.usingJWT(
        props.auth.discoveryUrl,
        props.auth.allowedClients?.length ? [...props.auth.allowedClients] : undefined,
        props.auth.allowedAudiences?.length ? [...props.auth.allowedAudiences] : undefined,
      ),
      requestHeaderConfiguration: { allowlistedHeaders: headers.headers },
      environmentVariables: environment,
      tracingEnabled: props.tracing ?? true,
      loggingConfigs: [
        { logType: LogType.APPLICATION_LOGS, destination: LoggingDestination.cloudWatchLogs(this.logGroup) },
        { logType: LogType.USAGE_LOGS, destination: LoggingDestination.cloudWatchLogs(this.logGroup) },
      ],
      lifecycleConfiguration: { idleRuntimeSessionTimeout: props.idleSessionTimeout ?? Duration.minutes(15) },
    });

    // Model invoke rights: the configured models and inference profiles only (none for a model-less MCP server).
    if (models.length) {
      this.runtime.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'InvokeConfiguredModels',
          actions: AgentRuntimePerms.MODEL_INVOKE,
          resources: [...new Set(models.flatMap((m) => modelResourceArns(m.modelId, stack)))],
        }),
      );
    }
    // Runtime creation creates the runtime-identity service-linked role on first use.
    this.runtime.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'CreateRuntimeIdentityServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [`arn:${Aws.PARTITION}:iam::${stack.account}:role/aws-service-role/${AgentRuntimePerms.RUNTIME_IDENTITY_SERVICE}/${AgentRuntimePerms.RUNTIME_IDENTITY_ROLE}`],
        conditions: { StringEquals: { 'iam:AWSServiceName': AgentRuntimePerms.RUNTIME_IDENTITY_SERVICE } },
      }),
    );
    // Token usage per invocation (agents/usage), in the kit's agent namespace only; PutMetricData has no resource ARN.
    this.runtime.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PublishAgentUsageMetrics',
        actions: AgentRuntimePerms.USAGE_METRICS_PUBLISH,
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': AgentRuntimePerms.USAGE_METRICS_NAMESPACE } },
      }),
    );
    // The agents' GenAI spans to the X-Ray OTLP endpoint (agents/telemetry); X-Ray has no resource-level permissions.
    if (agentTracing) {
      this.runtime.addToRolePolicy(new iam.PolicyStatement({ sid: 'PublishAgentSpans', actions: AgentRuntimePerms.SPANS_PUBLISH, resources: ['*'] }));
    }
    props.memory?.grantAgent(this.runtime, props.auth);
    this.codeInterpreter?.grantUse(this.runtime);
    this.browser?.grantUse(this.runtime);

    this.live = new RuntimeEndpoint(this, 'LiveEndpoint', {
      endpointName: LIVE_ENDPOINT,
      agentRuntimeId: this.runtime.agentRuntimeId,
      agentRuntimeVersion: liveVersion === AgentRuntime.NEWEST ? this.runtime.agentRuntimeVersion : liveVersion,
      description: liveVersion === AgentRuntime.NEWEST ? `${props.runtimeName}: newest version (released by deploy)` : `${props.runtimeName}: recorded good version`,
    });
    this.canary = new RuntimeEndpoint(this, 'CanaryEndpoint', {
      endpointName: CANARY_ENDPOINT,
      agentRuntimeId: this.runtime.agentRuntimeId,
      agentRuntimeVersion: this.runtime.agentRuntimeVersion,
      description: `${props.runtimeName}: newest version`,
    });
    // Endpoints are created after the runtime (and its role policy) and one after the other:
    // concurrent endpoint creation on a runtime still being created fails.
    this.live.node.addDependency(this.runtime);
    this.canary.node.addDependency(this.live);

    scopeRuntimeRoleToItself(this.runtime.role, props.runtimeName);

    // What the Runtime L2 grants its role by itself (the kit adds no wildcard of its own).
    const assetReason = 'Runtime L2: read of the agent code asset in the CDK asset bucket (granted when the code asset is rendered)';
    const assetBucket = (stack.synthesizer as { bucketName?: string }).bucketName;
    // On the execution role (and its policies) only: these are findings of its statements.
    acknowledgeFindings(this.runtime.role, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `X-Ray trace and span upload (Runtime L2; the agents' OpenTelemetry spans), logs:DescribeLogGroups (a list action)${props.code.isContainerImage ? ', ecr:GetAuthorizationToken (Runtime L2, to pull the container image; the layer and image reads stay on its one repository)' : ''} and cloudwatch:PutMetricData support no resource-level permissions; PutMetricData is conditioned on cloudwatch:namespace: bedrock-agentcore (Runtime L2) and ${AgentRuntimePerms.USAGE_METRICS_NAMESPACE} (the agents' token usage)`,
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*'].map((a) => ({ id: `AwsSolutions-IAM5[Action::${a}]`, reason: assetReason })),
      ...(assetBucket ? [{ id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket.replace(/\$\{([^}]+)\}/g, '<$1>')}/*]`, reason: assetReason }] : []),
      ...models
        .filter((m) => m.modelId.startsWith('global.'))
        .map((m) => ({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${m.modelId.slice('global.'.length)}]`,
          reason: 'A global cross-region inference profile may route to any commercial region; the grant stays on this one foundation model',
        })),
    ]);
    acknowledgeGeneratedFindings(
      this.runtime,
      'AwsSolutions-IAM5',
      'Runtime L2, narrowed to this runtime: its own log groups (/aws/bedrock-agentcore/runtimes/<runtimeName>-*, one per endpoint, named by the service) and its own workload identity; DescribeLogGroups needs the account-region list',
      /log-group:|workload-identity\//,
    );
  }

  /** AgentCore invocation URL of this runtime (what another agent or the A2A client calls). */
  get invocationUrl(): string {
    const stack = Stack.of(this);
    const encodedArn = Fn.join('', ['arn%3A', Aws.PARTITION, '%3Abedrock-agentcore%3A', stack.region, '%3A', stack.account, '%3Aruntime%2F', this.runtime.agentRuntimeId]);
    return Fn.join('', ['https://bedrock-agentcore.', stack.region, '.', Aws.URL_SUFFIX, '/runtimes/', encodedArn, '/invocations']);
  }

  /** A runtime metric of one endpoint (dimension `Name=<runtimeName>::<endpointName>`). */
  metricForEndpoint(endpointName: string, metricName: string, props?: MetricOptions): Metric {
    return this.runtime.metric(metricName, { ...props, dimensionsMap: { ...props?.dimensionsMap, Name: `${this.runtimeName}::${endpointName}` } });
  }

  /** Invocations of one endpoint (sum). */
  metricInvocations(endpointName: string, props?: MetricOptions): Metric {
    return this.metricForEndpoint(endpointName, 'Invocations', { statistic: 'Sum', ...props });
  }

  /** Server-side errors of one endpoint (sum). */
  metricSystemErrors(endpointName: string, props?: MetricOptions): Metric {
    return this.metricForEndpoint(endpointName, 'SystemErrors', { statistic: 'Sum', ...props });
  }

  /** Client errors of one endpoint (sum). */
  metricUserErrors(endpointName: string, props?: MetricOptions): Metric {
    return this.metricForEndpoint(endpointName, 'UserErrors', { statistic: 'Sum', ...props });
  }

  /** Throttled invocations of one endpoint (sum). */
  metricThrottles(endpointName: string, props?: MetricOptions): Metric {
    return this.metricForEndpoint(endpointName, 'Throttles', { statistic: 'Sum', ...props });
  }

  /** Latency of one endpoint (p95 by default). */
  metricLatency(endpointName: string, props?: MetricOptions): Metric {
    return this.metricForEndpoint(endpointName, 'Latency', { statistic: 'p95', ...props });
  }

  /**
   * The VPC network configuration: the chosen private subnets, and the given security groups or one
   * allowing outbound HTTPS only (AWS APIs and the VPC endpoints all speak HTTPS on 443).
   */
  private vpcNetwork(network: AgentRuntimeNetwork): RuntimeNetworkConfiguration {
    const securityGroups = network.securityGroups?.length
      ? [...network.securityGroups]
      : [new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: network.vpc, description: `Agent runtime ${this.runtimeName}: outbound HTTPS only`, allowAllOutbound: false })];
    if (!network.securityGroups?.length) securityGroups[0].addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and VPC endpoints');
    return RuntimeNetworkConfiguration.usingVpc(this, { vpc: network.vpc, vpcSubnets: network.vpcSubnets ?? privateSubnets(network.vpc), securityGroups });
  }

  private validate(props: AgentRuntimeProps, liveVersion: string, headerProblems: readonly string[]): void {
    const problems = new Problems('InvalidAgentRuntimeProps');
    const known = (v: string) => !Token.isUnresolved(v);
    if (known(props.runtimeName)) {
      problems.check(NAME_PATTERN.test(props.runtimeName), `runtimeName: "${props.runtimeName}" must start with a letter and hold only letters, digits and _ (at most 48 characters)`);
    }
    if (known(liveVersion)) problems.check(liveVersion === AgentRuntime.NEWEST || /^[1-9]\d{0,4}$/.test(liveVersion), `liveVersion: "${liveVersion}" must be a runtime version number such as "1" or "12", or AgentRuntime.NEWEST`);
    const protocol = props.protocol ?? 'HTTP';
    if (protocol !== 'MCP') problems.check(props.model !== undefined, `model: required for an ${protocol} agent (only an MCP server may have none)`);
    if (props.model) this.validateModels(problems, props.model, props.additionalModels ?? []);
    else problems.check(!props.additionalModels?.length, 'additionalModels: given without model; set model first');
    if (known(props.auth.discoveryUrl)) {
      problems.check(/^https:\/\/.+\/\.well-known\/openid-configuration$/.test(props.auth.discoveryUrl), `auth.discoveryUrl: "${props.auth.discoveryUrl}" must be an https URL ending in /.well-known/openid-configuration`);
    }
    problems.check(
      (props.auth.allowedClients?.length ?? 0) + (props.auth.allowedAudiences?.length ?? 0) > 0,
      'auth: set allowedClients or allowedAudiences (at least one), otherwise any token of the identity provider would be accepted',
    );
    if (props.browser) problems.check(props.browser.networkMode !== 'VPC' || props.browser.vpc !== undefined, 'browser.vpc: required when browser.networkMode is VPC');
    for (const p of headerProblems) problems.add(p);
    if (props.network) {
      const { vpc } = props.network;
      let subnets: ec2.ISubnet[] = [];
      try {
        subnets = vpc.selectSubnets(props.network.vpcSubnets ?? privateSubnets(vpc)).subnets;
      } catch (e) {
        problems.add(`network.vpcSubnets: ${(e as Error).message}`);
      }
      const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
      const chosenPublic = subnets.filter((s) => publicIds.has(s.subnetId)).map((s) => s.subnetId);
      problems.check(subnets.length >= 1 && subnets.length <= MAX_VPC_SUBNETS, `network.vpcSubnets: selects ${subnets.length} subnets; a runtime takes 1 to ${MAX_VPC_SUBNETS} private subnets`);
      problems.check(
        chosenPublic.length === 0,
        `network.vpcSubnets: ${chosenPublic.join(', ')} ${chosenPublic.length === 1 ? 'is a public subnet' : 'are public subnets'}; a runtime's network interfaces get no public IP, so place it in private subnets (with a NAT route or the VPC endpoints of docs/vpc-runtimes.md)`,
      );
      const groups = props.network.securityGroups;
      if (groups) problems.check(groups.length >= 1 && groups.length <= MAX_SECURITY_GROUPS, `network.securityGroups: ${groups.length} given; give 1 to ${MAX_SECURITY_GROUPS}, or leave it out for one allowing outbound HTTPS only`);
    }
    const own = [...(props.model ? ['MODEL_ID', 'MODEL_TEMPERATURE', 'MODEL_MAX_TOKENS'] : []), 'AGENT_REGION', 'JWT_DISCOVERY_URL', 'JWT_AUDIENCES'];
    if (props.memory) own.push('MEMORY_ID', 'MEMORY_CREDENTIALS_FUNCTION');
    if (props.agentTracing === false) own.push(AGENT_TRACING_ENV);
    if (props.gatewayUrl) own.push('GATEWAY_URL');
    if (props.codeInterpreter) own.push('CODE_INTERPRETER_ID');
    if (props.browser) own.push('BROWSER_ID');
    const given = Object.keys(props.environment ?? {});
    problems.check(
      !given.includes(SCRIPTED_MODEL_ENV),
      `environment: ${SCRIPTED_MODEL_ENV} is refused in a deployed runtime; the scripted stand-in for the model is for local runs of a bundle only (remove the variable)`,
    );
    const envCount = new Set([...own, ...given]).size;
    problems.check(
      envCount <= MAX_ENV,
      `environment: ${envCount} variables (${given.length} given + ${own.length} set by the construct); AgentCore allows at most ${MAX_ENV} — pass only what this agent reads`,
    );
    problems.throwIfAny();
  }

  private validateModels(problems: Problems, model: AgentModel, additional: readonly Pick<AgentModel, 'modelId'>[]): void {
    problems.check(model.temperature >= 0 && model.temperature <= 1, `model.temperature: ${model.temperature} must be from 0 to 1`);
    problems.check(Number.isInteger(model.maxTokens) && model.maxTokens >= 1 && model.maxTokens <= 64_000, `model.maxTokens: ${model.maxTokens} must be a whole number from 1 to 64000`);
    const region = Stack.of(this).region;
    const known = (v: string) => !Token.isUnresolved(v);
    [model, ...additional].forEach((m, i) => {
      const field = i === 0 ? 'model.modelId' : `additionalModels[${i - 1}].modelId`;
      if (!known(m.modelId)) return;
      problems.check(/^([a-z-]+\.)?[a-z0-9-]+\.[\w.:-]+$/.test(m.modelId), `${field}: "${m.modelId}" is not a Bedrock model id or inference profile id (e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0)`);
      const geography = profileGeography(m.modelId);
      if (!geography) return;
      if (!known(region)) {
        Annotations.of(this).addWarningV2('agentcore-kit:inference-profile-region', `${field}: "${m.modelId}" is a ${geography}. cross-region inference profile, callable only from ${geography} regions; the stack's region is unresolved, so this cannot be checked at synth (set the stack's env.region)`);
        return;
      }
      if (!GEOGRAPHY_REGION[geography](region)) {
        const local = Object.keys(GEOGRAPHY_REGION).find((g) => g !== 'global' && GEOGRAPHY_REGION[g](region));
        const base = m.modelId.slice(geography.length + 1);
        problems.add(
          `${field}: "${m.modelId}" is a ${geography}. cross-region inference profile, which cannot be called from ${region} (the stack's region); use ${local ? `"${local}.${base}"` : 'a profile of this region\'s geography'} or "global.${base}"`,
        );
      }
    });
  }
}

/** The VPC's private subnets: with egress (a NAT route) if it has any, else isolated ones (VPC endpoints only). */
function privateSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnetType: vpc.privateSubnets.length ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
}

/** The regions a cross-region inference profile of each geography can be called from, by the region's name. */
const GEOGRAPHY_REGION: Readonly<Record<string, (region: string) => boolean>> = {
  global: () => true,
  'us-gov': (r) => r.startsWith('us-gov-'),
  us: (r) => r.startsWith('us-') && !r.startsWith('us-gov-'),
  eu: (r) => r.startsWith('eu-'),
  apac: (r) => r.startsWith('ap-'),
  jp: (r) => r === 'ap-northeast-1' || r === 'ap-northeast-3',
  au: (r) => r === 'ap-southeast-2' || r === 'ap-southeast-4',
  ca: (r) => r.startsWith('ca-'),
};

/** The geography prefix of a cross-region inference profile id (`us.`, `eu.`, `global.`...), undefined for a model id. */
function profileGeography(modelId: string): string | undefined {
  const prefix = modelId.split('.')[0];
  return prefix in GEOGRAPHY_REGION ? prefix : undefined;
}

/**
 * Resources `bedrock:InvokeModel*` needs for a model id: the foundation model in this region, or —
 * for a cross-region inference profile — the profile in this account and the foundation model in
 * every region the profile routes to.
 */
export function modelResourceArns(modelId: string, stack: Stack): string[] {
  const partition = Aws.PARTITION;
  const prefix = modelId.split('.')[0];
  const regions = INFERENCE_PROFILE_REGIONS[prefix];
  if (prefix === 'global') {
    const base = modelId.slice('global.'.length);
    return [`arn:${partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${modelId}`, `arn:${partition}:bedrock:*::foundation-model/${base}`];
  }
  if (!regions) return [`arn:${partition}:bedrock:${stack.region}::foundation-model/${modelId}`];
  const base = modelId.slice(prefix.length + 1);
  return [`arn:${partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${modelId}`, ...regions.map((r) => `arn:${partition}:bedrock:${r}::foundation-model/${base}`)];
}

/**
 * The Runtime L2 grants its execution role the log groups of *every* runtime of the account
 * (`/aws/bedrock-agentcore/runtimes/*`) and the access tokens of *every* workload identity
 * (`workload-identity/*`): with dev and prod in one account, a dev agent could write prod's runtime
 * logs and take prod agents' workload tokens. The service names a runtime's log groups
 * `<runtimeName>-<id>-<endpoint>` and its workload identity `<runtimeName>-<id>`, so both grants are
 * narrowed to `<runtimeName>-*` (runtime names carry the environment, e.g. `hr_prod`). The L2 adds
 * the statements itself (sids LogGroupAccess, LogStreamAccess, GetAgentAccessToken); the rendered
 * policy is rewritten, every other statement untouched.
 */
function scopeRuntimeRoleToItself(role: iam.IRole, runtimeName: string): void {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy) || Token.isUnresolved(runtimeName)) return;
  const stack = Stack.of(policy);
  const logGroups = `arn:${Aws.PARTITION}:logs:${stack.region}:${stack.account}:log-group:/aws/bedrock-agentcore/runtimes/${runtimeName}-*`;
  const directory = `arn:${Aws.PARTITION}:bedrock-agentcore:${stack.region}:${stack.account}:workload-identity-directory/default`;
  const scoped: Record<string, string | string[]> = {
    LogGroupAccess: logGroups,
    LogStreamAccess: `${logGroups}:log-stream:*`,
    GetAgentAccessToken: [directory, `${directory}/workload-identity/${runtimeName}-*`],
    // The Service Authorization Reference lists no resource type for DescribeLogGroups: a log-group
    // ARN grants nothing, only "*" does (a list action; it reads no log data).
    DescribeLogGroups: '*',
  };
  const document: IResolvable = {
    creationStack: [],
    resolve: (ctx: IResolveContext) => {
      const doc = policy.document.resolve(ctx) as { Statement: Array<{ Sid?: string; Resource: unknown }> } | undefined;
      return doc && { ...doc, Statement: doc.Statement.map((st) => (st.Sid && scoped[st.Sid] ? { ...st, Resource: ctx.resolve(scoped[st.Sid]) } : st)) };
    },
    toString: () => Token.asString(document),
  };
  (policy.node.defaultChild as iam.CfnPolicy).addPropertyOverride('PolicyDocument', document);
}
