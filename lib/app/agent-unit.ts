import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { SPECIALIST_IDS, type AgentSpec } from '../../catalog/agents';
import type { EnvironmentConfig } from '../config';
import { EVALUATION_SPANS_SWITCH } from '../../agents/telemetry/config';
import { OtlpExport } from '../observability';
import { AgentCode, AgentRuntime, LIVE_ENDPOINT } from '../runtime';
import { releasedByRollout, type FoundationStack } from './foundation-stack';

export interface DeployedAgent {
  readonly spec: AgentSpec;
  readonly runtime: AgentRuntime;
}

export interface AgentUnitProps {
  readonly config: EnvironmentConfig;
  readonly spec: AgentSpec;
  /** TypeScript entry point of the agent's code. */
  readonly entry: string;
  readonly foundation: FoundationStack;
  /** MCP URL of the tool gateway. */
  readonly gatewayUrl: string;
  /** Specialists already deployed: an HTTP (supervisor) agent gets their invocation URLs. */
  readonly specialists: readonly DeployedAgent[];
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One agent on AgentCore Runtime, configured from its spec and the environment: model settings,
 * the shared memory, the identity provider's JWT settings, and `live` pinned to the version the
 * release machinery recorded (user-facing agents) or following the newest version (specialists).
 */
export function buildAgentRuntime(stack: Stack, props: AgentUnitProps): DeployedAgent {
  const { config, spec, foundation } = props;
  const isSupervisor = spec.protocol === 'HTTP';
  // A rolled-out agent's live endpoint stays on the version its release recorded (read at deploy
  // time, so a deploy never undoes a rollback); an agent released by deploy serves the newest.
  const liveVersion = releasedByRollout(spec) ? ssm.StringParameter.valueForStringParameter(stack, foundation.liveVersionParameterNames[spec.id]) : AgentRuntime.NEWEST;
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
    code: AgentCode.fromEntry(props.entry),
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
          SPECIALIST_QUALIFIER: LIVE_ENDPOINT,
          // The supervisor routes to the reference specialists it knows (agents/entry/supervisor.ts).
          ...Object.fromEntries(
            props.specialists.filter((s) => (SPECIALIST_IDS as readonly string[]).includes(s.spec.id)).map((s) => [`SPECIALIST_${s.spec.id.toUpperCase()}_URL`, s.runtime.invocationUrl]),
          ),
        }
      : telemetryEnvironment,
    codeInterpreter: config.agents.codeInterpreter && !isSupervisor ? {} : undefined,
    // No Browser: no reference agent has a browser tool (config `agents.browser`, lib/config/schema.ts).
    logRetention: props.logRetention,
    logEncryptionKey: foundation.key,
    logRemovalPolicy: props.removalPolicy,
    tracing: true,
  });
  otlpExport?.grantRead(runtime.runtime);
  foundation.guardrail?.applyTo(runtime.runtime);
  return { spec, runtime };
}
