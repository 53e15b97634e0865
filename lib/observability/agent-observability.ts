/**
 * One facade for an environment's observability: log + trace delivery for runtimes, gateway and
 * memories, optional Transaction Search and OTLP export, the two dashboards, and the alarms with
 * their SNS topic. Each part is also usable alone.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AgentAlarms, type AlarmThresholds } from './agent-alarms';
import { AgentDashboards, type GuardrailMetrics, type ScoreMetric } from './agent-dashboards';
import type { MonitoredAgent, MonitoredTool } from './agent-metrics';
import { OtlpExport } from './otlp-export';
import { TelemetryDelivery } from './telemetry-delivery';
import { TransactionSearch, type TransactionSearchProps } from './transaction-search';

export interface AgentObservabilityProps {
  /** Environment name: prefixes dashboards, alarms and log groups. */
  readonly environmentName: string;
  readonly agents: readonly MonitoredAgent[];
  /** Days logs are kept. */
  readonly logRetentionDays: number;
  /** Alarm thresholds. */
  readonly alarms: AlarmThresholds;
  /**
   * Key for log groups and the alarm topic.
   * @default - one new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of log groups and created keys.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The MCP tool gateway: its logs and traces are delivered and it gets a dashboard section.
   * @default - none
   */
  readonly gateway?: { readonly name: string; readonly gateway: agentcore.IGateway };
  /**
   * Memories: logs, traces and a dashboard section.
   * @default - none
   */
  readonly memories?: readonly { readonly name: string; readonly memory: agentcore.IMemory }[];
  /**
   * Deliver the runtimes' logs and traces from here (for runtimes created without
   * {@link TelemetryDelivery.runtimeProps}).
   * @default false
   */
  readonly deliverRuntimeTelemetry?: boolean;
  /**
   * Tool names whose invocations and failures are graphed and alarmed.
   * @default - none
   */
  readonly tools?: readonly MonitoredTool[];
  /**
   * Online evaluation scores for the dashboards and the minimum-score alarms.
   * @default - none
   */
  readonly evaluationScores?: readonly ScoreMetric[];
  /**
   * Policy denials metric.
   * @default - `DenyDecisions` across the account's policy engines
   */
  readonly policyDenials?: cloudwatch.IMetric;
  /**
   * The guardrail on the agents' model calls, graphed on the environment dashboard.
   * @default - no guardrail section
   */
  readonly guardrail?: GuardrailMetrics;
  /**
   * Email subscribed to the alarm topic.
   * @default - none
   */
  readonly alarmEmail?: string;
  /**
   * Secret with the OTLP endpoint and headers of an existing backend.
   * @default - no OTLP export
   */
  readonly otlpExportSecretArn?: string;
  /**
   * Enable Transaction Search (one per account and region: set in exactly one stack).
   * @default - not managed here
   */
  readonly transactionSearch?: TransactionSearchProps;
}

export class AgentObservability extends Construct {
  readonly delivery: TelemetryDelivery;
  readonly dashboards: AgentDashboards;
  readonly alarms: AgentAlarms;
  readonly otlpExport?: OtlpExport;
  readonly transactionSearch?: TransactionSearch;

  constructor(scope: Construct, id: string, props: AgentObservabilityProps) {
    super(scope, id);
    this.delivery = new TelemetryDelivery(this, 'Delivery', {
      logGroupPrefix: props.environmentName,
      retentionDays: props.logRetentionDays,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    if (props.deliverRuntimeTelemetry) for (const a of props.agents) this.delivery.addRuntime(a.name, a.runtime);
    if (props.gateway) this.delivery.addGateway(props.gateway.name, props.gateway.gateway);
    for (const m of props.memories ?? []) this.delivery.addMemory(m.name, m.memory);
    if (props.transactionSearch) this.transactionSearch = new TransactionSearch(this, 'TransactionSearch', props.transactionSearch);
    if (props.otlpExportSecretArn) this.otlpExport = new OtlpExport(this, 'OtlpExport', { secretArn: props.otlpExportSecretArn });

    this.dashboards = new AgentDashboards(this, 'Dashboards', {
      dashboardNamePrefix: props.environmentName,
      agents: props.agents,
      tools: props.tools,
      gateway: props.gateway?.gateway,
      memories: props.memories,
      evaluationScores: props.evaluationScores,
      policyDenials: props.policyDenials,
      guardrail: props.guardrail,
    });
    this.alarms = new AgentAlarms(this, 'Alarms', {
      alarmNamePrefix: props.environmentName,
      agents: props.agents,
      thresholds: props.alarms,
      tools: props.tools,
      evaluationScores: props.evaluationScores,
      policyDenials: props.policyDenials,
      email: props.alarmEmail,
      topicKey: props.encryptionKey ?? this.delivery.encryptionKey,
      removalPolicy: props.removalPolicy,
    });
  }

  /** Environment variables for agent runtimes: OpenTelemetry on, and the OTLP secret when configured. */
  runtimeEnvironment(): Record<string, string> {
    return { AGENT_OBSERVABILITY_ENABLED: 'true', ...(this.otlpExport?.environment() ?? {}) };
  }

  /** Lets an agent runtime read the OTLP export secret (no-op without OTLP export). */
  grantTelemetryExport(grantee: iam.IGrantable): iam.Grant | undefined {
    return this.otlpExport?.grantRead(grantee);
  }
}
