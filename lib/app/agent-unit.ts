import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { SPECIALIST_IDS, type AgentSpec } from '../../catalog/agents';
import type { EnvironmentConfig } from '../config';
import { EVALUATION_SPANS_SWITCH } from '../../agents/telemetry/config';
import { OtlpExport } from '../observability';
import { AgentTrafficSplit } from '../release';
import { AgentRuntime, type AgentCode, type AgentRuntimeNetwork } from '../runtime';
import type { FoundationStack } from './foundation-stack';

export interface DeployedAgent {
  readonly spec: AgentSpec;
  readonly runtime: AgentRuntime;
  /**
   * The gateway every caller reaches the agent through — users for the supervisor, the supervisor
   * for a specialist — splitting sessions between its `live` and `canary` endpoints during a rollout.
   */
  readonly split: AgentTrafficSplit;
}

export interface AgentUnitProps {
  readonly config: EnvironmentConfig;
  readonly spec: AgentSpec;
  /** The agent's code. */
  readonly code: AgentCode;
  readonly foundation: FoundationStack;
  /** MCP URL of the tool gateway. */
  readonly gatewayUrl: string;
  /** Specialists already deployed: an HTTP (supervisor) agent reaches each through its traffic split. */
  readonly specialists: readonly DeployedAgent[];
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One agent on AgentCore Runtime, configured from its spec and the environment: model settings,
 * the shared memory, the identity provider's JWT settings, `live` pinned to the version the release
 * machinery recorded, and the traffic split its callers reach it through.
 */
export function buildAgentRuntime(stack: Stack, props: AgentUnitProps): DeployedAgent {
  const { config, spec, foundation } = props;
  const network = runtimeNetwork(stack, config);
  const isSupervisor = spec.protocol === 'HTTP';
  // Every agent's live endpoint stays on the version its release recorded (read at deploy time, so a
  // deploy never undoes a rollback); a new version reaches live only through a rollout.
  const liveVersion = ssm.StringParameter.valueForStringParameter(stack, foundation.liveVersionParameterNames[spec.id]);
  const usesTools = Object.keys(spec.tools).length > 0;
  // Spans go to AgentCore Observability; with an existing backend configured, to it as well.
  const otlpExport = config.observability.otlpExportSecretArn ? new OtlpExport(stack, `OtlpExport-${spec.id}`, { secretArn: config.observability.otlpExportSecretArn }) : undefined;
  const telemetryEnvironment = {
    OTEL_DEPLOYMENT_ENVIRONMENT: config.name,
    [EVALUATION_SPANS_SWITCH]: config.evaluation.replySpans ? 'on' : 'off',
    ...otlpExport?.environment(),
    // The guardrail the model provider sends with every call (the role may call the model only with it).
    ...foundation.guardrail?.environment(),
  };
  const runtime = new AgentRuntime(stack, `Agent-${spec.id}`, {
    runtimeName: `${spec.runtimeName}_${config.name.replace(/-/g, '_')}`.slice(0, 48),
    description: spec.description.slice(0, 200),
    protocol: spec.protocol,
    code: props.code,
    model: config.models.primary,
    additionalModels: config.models.candidate ? [config.models.candidate] : undefined,
    auth: foundation.runtimeAuth,
    memory: foundation.memory,
    gatewayUrl: usesTools ? props.gatewayUrl : undefined,
    liveVersion,
    environment: isSupervisor
      ? {
          ...telemetryEnvironment,
          ORCHESTRATION: config.agents.orchestration,
          // The supervisor routes to the reference specialists it knows (agents/entry/supervisor.ts),
          // each through its split, so a specialist's canary gets its share of the supervisor's sessions.
          ...Object.fromEntries(
            props.specialists.filter((s) => (SPECIALIST_IDS as readonly string[]).includes(s.spec.id)).map((s) => [`SPECIALIST_${s.spec.id.toUpperCase()}_URL`, s.split.invocationUrl]),
          ),
        }
      : telemetryEnvironment,
    codeInterpreter: config.agents.codeInterpreter && !isSupervisor ? {} : undefined,
    // No Browser: no reference agent has a browser tool (config `agents.browser`, lib/config/schema.ts).
    network,
    requestHeaders: config.agents.requestHeaders,
    logRetention: props.logRetention,
    logEncryptionKey: foundation.key,
    logRemovalPolicy: props.removalPolicy,
    tracing: true,
  });
  otlpExport?.grantRead(runtime.runtime);
  const split = new AgentTrafficSplit(stack, `Split-${spec.id}`, {
    runtime: runtime.runtime,
    authorizer: foundation.identity.authorizerConfiguration,
    encryptionKey: foundation.key,
    gatewayName: `agentcore-kit-${config.name}-${spec.id}`.slice(0, 48),
    targetPrefix: spec.id,
  });
  foundation.guardrail?.applyTo(runtime.runtime);
  return { spec, runtime, split };
}

/**
 * The environment's VPC (agents.network), imported once per stack: its subnets and security groups by
 * id. Undefined in PUBLIC mode.
 */
function runtimeNetwork(stack: Stack, config: EnvironmentConfig): AgentRuntimeNetwork | undefined {
  const net = config.agents.network;
  if (net.mode !== 'VPC') return undefined;
  const id = 'AgentNetwork';
  const scope = (stack.node.tryFindChild(id) as Construct | undefined) ?? new Construct(stack, id);
  const existing = scope.node.tryFindChild('Vpc') as ec2.IVpc | undefined;
  const vpc = existing ?? ec2.Vpc.fromVpcAttributes(scope, 'Vpc', { vpcId: net.vpcId, availabilityZones: stack.availabilityZones, isolatedSubnetIds: [] });
  const subnets = net.subnetIds.map((s) => (scope.node.tryFindChild(s) as ec2.ISubnet | undefined) ?? ec2.Subnet.fromSubnetId(scope, s, s));
  const securityGroups = net.securityGroupIds.map((g) => (scope.node.tryFindChild(g) as ec2.ISecurityGroup | undefined) ?? ec2.SecurityGroup.fromSecurityGroupId(scope, g, g, { mutable: false }));
  return { vpc, vpcSubnets: { subnets }, securityGroups };
}
