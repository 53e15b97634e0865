import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { gatewayToolName, type ToolDefinition } from '../../catalog/tool';
import { DECISION_METRICS, METRICS_NAMESPACE } from '../../lambda/interceptor/metrics';
import { RATE_LIMIT_KEY, RATE_LIMIT_TTL_ATTRIBUTE } from '../../lambda/interceptor/rate-limit-table';
import { acknowledgeFindings, acknowledgeGeneratedFindings } from '../compliance/acknowledge';
import { acknowledgeTracing, functionRole } from '../compliance/function-role';
import { claimDeployName } from '../compliance/deploy-collisions';
import { acknowledgeFunctionBaseline } from '../compliance/packs';
import { KitError, Problems } from '../errors';
import type { IInboundIdentity } from '../identity/inbound-identity';
import { ToolPolicyEngine, type PolicyMode } from '../policy/tool-policy-engine';
import { LAMBDA_TARGET_ACTION, RATE_LIMIT_TABLE_ACTIONS } from './perms';
import { inlineToolSchemaBytes, toAssetToolSchema, toInlineToolSchema } from '../tools/gateway-schema';
import { listTools } from '../tools/tool-group';
import { KIT_FUNCTIONS, kitLambdaCode } from '../bundling';
import type { AgentRuntime } from '../runtime/agent-runtime';

export interface ToolGatewayProps {
  /** The tools the gateway serves through Lambda targets; grouped by `tool.target`, one target per group. */
  readonly tools: readonly ToolDefinition[];
  /**
   * The function serving each target, by target name — pass the `live` alias so deployments of the
   * tool code go through its CodeDeploy deployment group.
   */
  readonly targetFunctions: Readonly<Record<string, lambda.IFunction>>;
  /** Who may call the gateway: `Identity.cognito(...)` or `Identity.oidc(...)`. */
  readonly identity: IInboundIdentity;
  /** Encrypts the gateway, the policy engine, the rate-limit table and the interceptor's logs and environment. */
  readonly kmsKey: kms.IKey;
  /** Calls per user per minute the interceptor admits (1–100000). */
  readonly rateLimitPerUserPerMinute: number;
  /**
   * `DEBUG` returns detailed errors to callers (dev only).
   * @default - sanitized errors
   */
  readonly exceptionLevel?: 'DEBUG';
  /**
   * Policy enforcement: ENFORCE, or LOG_ONLY to observe decisions without enforcing them.
   * @default 'ENFORCE'
   */
  readonly policyMode?: PolicyMode;
  /**
   * Directory of `*.cedar` files.
   * @default - the kit's `policies/`
   */
  readonly policyDir?: string;
  /**
   * How the service treats its analyzer findings when it creates a policy.
   * @default agentcore.PolicyValidationMode.FAIL_ON_ANY_FINDINGS
   */
  readonly policyValidationMode?: agentcore.PolicyValidationMode;
  /**
   * Gateway name: letters, digits and single dashes, at most 48.
   * @default - generated
   */
  readonly gatewayName?: string;
  /**
   * Instructions the gateway gives MCP clients.
   * @default - a sentence about the tool catalog and semantic search
   */
  readonly instructions?: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Where the Lambda targets' tool schemas live: inline in the template, or as S3 assets. A catalog
   * of hundreds of tools does not fit inline (CloudFormation templates are limited to 1 MB).
   * @default - inline while the whole catalog's schemas take at most 256 KB, otherwise assets
   */
  readonly toolSchemaLocation?: 'inline' | 'asset';
}

export interface OpenApiTargetOptions {
  /** Target name (letters, digits, single dashes; at most 100); tool names are prefixed with it. */
  readonly name: string;
  readonly description?: string;
  /** The OpenAPI document. */
  readonly schema: agentcore.ApiSchema;
  /** API key or OAuth2 credentials (`GatewayCredentialProvider.fromApiKeyIdentity` / `fromOauthIdentity`). */
  readonly credentials: agentcore.ICredentialProviderConfig;
}

export interface SmithyTargetOptions {
  readonly name: string;
  readonly description?: string;
  /** The Smithy model of an AWS service API; called with the gateway role (SigV4). */
  readonly model: agentcore.ApiSchema;
}

export interface McpServerTargetOptions {
  readonly name: string;
  readonly description?: string;
  /** HTTPS endpoint of the MCP server. */
  readonly endpoint: string;
  /** API key or OAuth2 credentials for the server; required (no anonymous MCP servers). */
  readonly credentials: agentcore.ICredentialProviderConfig;
}

export interface RuntimeTargetOptions {
  /** Target name (letters, digits, single dashes; at most 100); tool names are prefixed with it. */
  readonly name: string;
  readonly description?: string;
  /** An `AgentRuntime` with `protocol: 'MCP'`: a team's own MCP server on AgentCore Runtime. */
  readonly runtime: AgentRuntime;
  /**
   * The runtime endpoint the gateway calls.
   * @default 'live'
   */
  readonly endpoint?: string;
  /**
   * OAuth2 client credentials the gateway obtains a token with (`GatewayCredentialProvider.fromOauthIdentity`):
   * the runtime's inbound JWT authorizer must accept that client (`auth.allowedClients`).
   */
  readonly credentials: agentcore.ICredentialProviderConfig;
}

export interface ApiGatewayTargetOptions {
  readonly name: string;
  readonly description?: string;
  readonly restApi: apigateway.IRestApi;
  /**
   * Stage to call.
   * @default - the API's deployment stage
   */
  readonly stage?: string;
  /** Which paths and methods become tools. */
  readonly toolConfiguration: agentcore.ApiGatewayToolConfiguration;
  /**
   * API key credentials, when the stage requires a key.
   * @default - the gateway role (IAM)
   */
  readonly credentials?: agentcore.ICredentialProviderConfig;
}

const TARGET_NAME = /^([0-9a-zA-Z][-]?){1,100}$/;
const GATEWAY_NAME = /^([0-9a-zA-Z][-]?){1,48}$/;

/**
 * The tool front door: an AgentCore MCP `Gateway` (semantic tool search, KMS-encrypted, JWT
 * inbound auth) with
 * - one Lambda target per tool group, inline tool schemas from the catalog, the gateway role as
 *   the only outbound credential, and a resource policy on each function allowing the gateway role,
 *   created before the target (the service test-invokes the function when the target is created);
 * - a Cedar `PolicyEngine` (ENFORCE or LOG_ONLY) whose policies are created after the targets;
 * - a REQUEST/RESPONSE interceptor Lambda for audit logging, per-user rate limiting (DynamoDB
 *   counter table with TTL) and caller-claim propagation, failing closed.
 * Further target kinds: {@link addOpenApiTarget}, {@link addSmithyTarget}, {@link addMcpServerTarget},
 * {@link addApiGatewayTarget}. Their tools are denied until a policy permits them.
 */
/** Above this, tool schemas go to S3 assets by default. */
export const MAX_INLINE_SCHEMA_BYTES = 256 * 1024;

export class ToolGateway extends Construct {
  readonly gateway: agentcore.Gateway;
  readonly policyEngine: ToolPolicyEngine;
  readonly interceptor: lambda.Function;
  readonly rateLimitTable: dynamodb.Table;
  /** Lambda targets by target name. */
  readonly targets: Readonly<Record<string, agentcore.GatewayTarget>>;
  /** Every tool name the Lambda targets expose, `<target>___<tool>`. */
  readonly toolNames: readonly string[];
  private readonly targetNames = new Set<string>();

  constructor(scope: Construct, id: string, props: ToolGatewayProps) {
    super(scope, id);
    // The interceptor's metrics carry a fixed namespace and service: a second gateway in the same account and region would count into this one's alarms.
    claimDeployName(this, 'gateway metric namespace and dimension', `${METRICS_NAMESPACE} service=gateway-interceptor`, 'warning');
    const groups = ToolGateway.validate(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.policyEngine = new ToolPolicyEngine(this, 'Policy', {
      tools: props.tools,
      policyDir: props.policyDir,
      mode: props.policyMode,
      kmsKey: props.kmsKey,
      validationMode: props.policyValidationMode,
    });

    this.rateLimitTable = new dynamodb.Table(this, 'RateLimit', {
      partitionKey: { name: RATE_LIMIT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: RATE_LIMIT_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.kmsKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    const interceptorLogs = new logs.LogGroup(this, 'InterceptorLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: props.kmsKey, removalPolicy });
    const interceptorRole = functionRole(this, 'InterceptorRole', interceptorLogs, 'Gateway interceptor: its own log group and the rate-limit table');
    this.interceptor = new lambda.Function(this, 'Interceptor', {
      code: kitLambdaCode(KIT_FUNCTIONS.interceptor),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(5),
      description: 'Gateway interceptor: audit log, per-user rate limit, caller claims to targets',
      environment: { RATE_LIMIT_TABLE: this.rateLimitTable.tableName, RATE_LIMIT_PER_MINUTE: String(props.rateLimitPerUserPerMinute), POWERTOOLS_SERVICE_NAME: 'gateway-interceptor' },
      environmentEncryption: props.kmsKey,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: interceptorLogs,
      role: interceptorRole,
    });
    this.rateLimitTable.grant(this.interceptor, ...RATE_LIMIT_TABLE_ACTIONS);

    this.gateway = new agentcore.Gateway(this, 'Gateway', {
      gatewayName: props.gatewayName,
      description: 'Tool catalog of the agent platform',
      protocolConfiguration: agentcore.GatewayProtocol.mcp({
        searchType: agentcore.McpGatewaySearchType.SEMANTIC,
        supportedVersions: [agentcore.MCPProtocolVersion.MCP_2025_06_18, agentcore.MCPProtocolVersion.MCP_2025_03_26],
        instructions: props.instructions ?? 'Approved enterprise tools. Use semantic search to find the tool for a task; every call is authorised per user by policy.',
      }),
      authorizerConfiguration: props.identity.authorizerConfiguration,
      exceptionLevel: props.exceptionLevel === 'DEBUG' ? agentcore.GatewayExceptionLevel.DEBUG : undefined,
      kmsKey: props.kmsKey,
      interceptorConfigurations: [
        agentcore.LambdaInterceptor.forRequest(this.interceptor, { passRequestHeaders: true }),
        // Headers at RESPONSE too, so the outcome is audited with the caller.
        agentcore.LambdaInterceptor.forResponse(this.interceptor, { passRequestHeaders: true }),
      ],
      policyEngineConfiguration: this.policyEngine.gatewayConfiguration(),
    });

    const schemaLocation = props.toolSchemaLocation ?? (inlineToolSchemaBytes(props.tools) <= MAX_INLINE_SCHEMA_BYTES ? 'inline' : 'asset');
    const targets: Record<string, agentcore.GatewayTarget> = {};
    for (const [name, tools] of groups) {
      const fn = props.targetFunctions[name];
      // Resource-based permission for the gateway role, in place before the target: the service
      // test-invokes the function while creating the target, before the role's identity policy
      // may have propagated. Created in this construct's stack (not the function's), so a function
      // in another stack does not make the two stacks reference each other.
      const permission = new lambda.CfnPermission(this, `Allow-${name}`, {
        action: LAMBDA_TARGET_ACTION,
        functionName: fn.functionArn,
        principal: this.gateway.role.roleArn,
      });
      const target = this.gateway.addLambdaTarget(`Target-${name}`, {
        gatewayTargetName: name,
        description: listTools(`${tools.length} tools: `, tools, 200),
        lambdaFunction: fn,
        toolSchema: schemaLocation === 'inline' ? toInlineToolSchema(tools) : toAssetToolSchema(tools),
        credentialProviderConfigurations: [agentcore.GatewayCredentialProvider.fromIamRole()],
      });
      target.node.addDependency(permission, this.gateway.role);
      targets[name] = target;
    }
    this.targets = targets;
    for (const name of Object.keys(targets)) this.targetNames.add(name);
    this.toolNames = props.tools.map(gatewayToolName);
    this.policyEngine.bindTo(this.gateway, Object.values(targets));

    acknowledgeFindings(this.interceptor, [{ id: 'AwsSolutions-L1', reason: 'Lambda and AgentCore run Node 22 across the platform; the runtime is pinned to NODEJS_22_X on purpose' }]);
    acknowledgeFunctionBaseline(this.interceptor, { kind: 'synchronous', caller: 'the AgentCore Gateway (its request and response interceptor)' });
    acknowledgeTracing(interceptorRole);
    const interceptorId = Stack.of(this).getLogicalId(this.interceptor.node.defaultChild as lambda.CfnFunction);
    acknowledgeFindings(this.gateway.role, [
      { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'Granted by the Gateway L2 for its encryption key only (resource is that one key ARN)' },
      { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'Granted by the Gateway L2 for its encryption key only (resource is that one key ARN)' },
      { id: `AwsSolutions-IAM5[Resource::<${interceptorId}.Arn>:*]`, reason: 'Granted by LambdaInterceptor: invoke on the interceptor function and its versions, nothing else' },
    ]);
    if (schemaLocation === 'asset') {
      const reason = 'Granted by the tool-schema S3 assets (Asset.grantRead): read of the CDK asset bucket objects holding this gateway\'s tool schemas';
      const found = acknowledgeGeneratedFindings(this.gateway.role, 'AwsSolutions-IAM5', reason, /s3:|Resource::.*cdk-.*assets/);
      // Many targets overflow the role's policy into extra policies at synth: acknowledge on the role itself.
      const ids = [...new Set(found.map((f) => f.slice(0, f.indexOf(' at '))))];
      acknowledgeFindings(this.gateway.role, ids.map((id) => ({ id, reason })));
    }
  }

  private static validate(props: ToolGatewayProps): Map<string, ToolDefinition[]> {
    const problems = new Problems('InvalidToolGatewayProps');
    const groups = new Map<string, ToolDefinition[]>();
    for (const tool of props.tools) groups.set(tool.target, [...(groups.get(tool.target) ?? []), tool]);
    problems.check(props.tools.length > 0, 'tools: expected at least one tool definition');
    for (const [target, tools] of groups) {
      problems.check(TARGET_NAME.test(target), `tools: target name ${JSON.stringify(target)} must be letters, digits and single dashes (at most 100)`);
      problems.check(props.targetFunctions[target] !== undefined, `targetFunctions.${target}: missing; expected the function (live alias) serving ${tools.map((t) => t.name).join(', ')}`);
      const names = tools.map((t) => t.name);
      const dup = names.filter((n, i) => names.indexOf(n) !== i);
      problems.check(dup.length === 0, `tools: ${[...new Set(dup)].join(', ')} defined twice in target ${target}`);
    }
    for (const target of Object.keys(props.targetFunctions)) {
      problems.check(groups.has(target), `targetFunctions.${target}: no tool of the catalog belongs to this target; expected one of ${[...groups.keys()].join(', ')}`);
    }
    const limit = props.rateLimitPerUserPerMinute;
    problems.check(Number.isInteger(limit) && limit >= 1 && limit <= 100_000, `rateLimitPerUserPerMinute: expected a whole number from 1 to 100000, got ${limit}`);
    if (props.gatewayName !== undefined && !Token.isUnresolved(props.gatewayName)) {
      problems.check(GATEWAY_NAME.test(props.gatewayName), `gatewayName: expected letters, digits and single dashes (at most 48), got ${JSON.stringify(props.gatewayName)}`);
    }
    problems.throwIfAny();
    return groups;
  }

  private checkTargetName(name: string): void {
    const problems = new Problems('InvalidGatewayTarget');
    problems.check(TARGET_NAME.test(name), `name: expected letters, digits and single dashes (at most 100), got ${JSON.stringify(name)}`);
    problems.check(!this.targetNames.has(name), `name: a target called ${JSON.stringify(name)} already exists`);
    problems.throwIfAny();
    this.targetNames.add(name);
  }

  private static checkCredentials(kind: string, credentials: agentcore.ICredentialProviderConfig): void {
    if (credentials.credentialProviderType === agentcore.CredentialProviderType.GATEWAY_IAM_ROLE) {
      throw new KitError('InvalidGatewayTarget', [`credentials: ${kind} targets need API key or OAuth2 credentials (GatewayCredentialProvider.fromApiKeyIdentity / fromOauthIdentity), got the gateway IAM role`]);
    }
  }

  /** An OpenAPI target called with an API key or OAuth2 credentials. */
  addOpenApiTarget(id: string, options: OpenApiTargetOptions): agentcore.GatewayTarget {
    this.checkTargetName(options.name);
    ToolGateway.checkCredentials('OpenAPI', options.credentials);
    return this.gateway.addOpenApiTarget(id, { gatewayTargetName: options.name, description: options.description, apiSchema: options.schema, credentialProviderConfigurations: [options.credentials] });
  }

  /** A Smithy-modelled AWS API, called with the gateway role (SigV4); grant the role what the API needs. */
  addSmithyTarget(id: string, options: SmithyTargetOptions): agentcore.GatewayTarget {
    this.checkTargetName(options.name);
    return this.gateway.addSmithyTarget(id, { gatewayTargetName: options.name, description: options.description, smithyModel: options.model, credentialProviderConfigurations: [agentcore.GatewayCredentialProvider.fromIamRole()] });
  }

  /** An existing MCP server, reached over HTTPS with an API key or OAuth2 credentials. */
  addMcpServerTarget(id: string, options: McpServerTargetOptions): agentcore.GatewayTarget {
    this.checkTargetName(options.name);
    if (!Token.isUnresolved(options.endpoint) && !/^https:\/\/\S+$/.test(options.endpoint)) {
      throw new KitError('InvalidGatewayTarget', [`endpoint: expected an https:// URL of the MCP server, got ${JSON.stringify(options.endpoint)}`]);
    }
    ToolGateway.checkCredentials('MCP server', options.credentials);
    return this.gateway.addMcpServerTarget(id, { gatewayTargetName: options.name, description: options.description, endpoint: options.endpoint, credentialProviderConfigurations: [options.credentials] });
  }

  /**
   * An MCP server hosted on AgentCore Runtime (`AgentRuntime` with `protocol: 'MCP'`) as a target: the
   * gateway calls the runtime's invocation URL with `?qualifier=<endpoint>` (the `live` endpoint by
   * default, so a rollout of the server moves the gateway with it) and an OAuth2 token the runtime's
   * JWT authorizer accepts. Its tools are denied until a Cedar policy permits them.
   * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-target-MCPservers.html
   */
  addRuntimeTarget(id: string, options: RuntimeTargetOptions): agentcore.GatewayTarget {
    const problems = new Problems('InvalidGatewayTarget');
    problems.check(options.runtime.protocol === 'MCP', `runtime: ${options.runtime.runtimeName} speaks ${options.runtime.protocol}; a gateway target must be an MCP server (AgentRuntime protocol: 'MCP')`);
    problems.check(
      options.credentials.credentialProviderType === agentcore.CredentialProviderType.OAUTH,
      `credentials: an AgentCore runtime authorizes callers by JWT, so the gateway needs OAuth2 client credentials (GatewayCredentialProvider.fromOauthIdentity), got ${options.credentials.credentialProviderType}`,
    );
    const endpoint = options.endpoint ?? 'live';
    if (!Token.isUnresolved(endpoint)) problems.check(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/.test(endpoint), `endpoint: ${JSON.stringify(endpoint)} is not a runtime endpoint name (a letter, then letters, digits or _)`);
    problems.throwIfAny();
    this.checkTargetName(options.name);
    const target = this.gateway.addMcpServerTarget(id, {
      gatewayTargetName: options.name,
      description: options.description,
      endpoint: `${options.runtime.invocationUrl}?qualifier=${endpoint}`,
      credentialProviderConfigurations: [options.credentials],
    });
    // The service lists the server's tools when it creates the target: the endpoint must exist by then.
    target.node.addDependency(options.runtime.live, options.runtime.canary);
    return target;
  }

  /** An API Gateway REST API stage; selected paths and methods become tools. */
  addApiGatewayTarget(id: string, options: ApiGatewayTargetOptions): agentcore.GatewayTarget {
    this.checkTargetName(options.name);
    if (!options.toolConfiguration.toolFilters.length) throw new KitError('InvalidGatewayTarget', ['toolConfiguration.toolFilters: expected at least one path/method filter']);
    return this.gateway.addApiGatewayTarget(id, {
      gatewayTargetName: options.name,
      description: options.description,
      restApi: options.restApi,
      stage: options.stage,
      apiGatewayToolConfiguration: options.toolConfiguration,
      credentialProviderConfigurations: options.credentials ? [options.credentials] : undefined,
    });
  }

  /**
   * A metric the interceptor emits per decision (namespace `AgentCoreKit/Gateway`, dimension
   * `service=gateway-interceptor`): ToolCallsForwarded, RateLimited, RejectedMalformed,
   * RejectedUnauthenticated, LimiterUnavailable, ToolCallsCompleted, ToolErrors, Denied.
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: 'gateway-interceptor' }, statistic: 'Sum', period: Duration.minutes(5), ...props });
  }

  /** Tool calls answered with an error by the gateway — policy denials among them. */
  metricDenied(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(DECISION_METRICS.denied, props);
  }

  /** Tool calls refused by the per-user rate limit. */
  metricRateLimited(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(DECISION_METRICS.rate_limited, props);
  }

  /** Let `grantee` call the gateway's tools. */
  grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.gateway.grantInvoke(grantee);
  }

  /** The gateway's MCP endpoint URL. */
  get url(): string {
    return this.gateway.gatewayUrl ?? '';
  }
}
