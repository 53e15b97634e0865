import * as path from 'node:path';
import { Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ToolDefinition } from '../../catalog/tool';
import type { EnvironmentConfig } from '../config';
import { AgentEvaluation, EvaluationDatasets } from '../evaluation';
import type { ToolGateway } from '../gateway';
import type { AgentMemory } from '../memory';
import { AgentObservability } from '../observability';
import type { DeployedAgent } from './agent-unit';

export interface ObservabilityStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly agents: readonly DeployedAgent[];
  readonly tools: readonly ToolDefinition[];
  readonly gateway: ToolGateway;
  readonly memory: AgentMemory;
  readonly key: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/** Ground-truth datasets of the reference agents, uploaded for batch evaluation. */
const DATASET_DIR = path.join(__dirname, '..', '..', 'eval', 'datasets');

/**
 * Measure everything: telemetry delivery, dashboards and alarms of the environment, and online
 * evaluation of every agent's live and canary endpoints with drift alarms on the scores.
 */
export class ObservabilityStack extends Stack {
  readonly observability: AgentObservability;
  readonly evaluation: AgentEvaluation;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;
    const namePrefix = `kit_${config.name.replace(/-/g, '_')}`;

    this.evaluation = new AgentEvaluation(this, 'Evaluation', {
      namePrefix,
      agents: props.agents.map((a) => ({ name: a.spec.id, runtime: a.runtime.runtime })),
      samplingPercent: config.evaluation.samplingPercent,
      drift: { scoreMin: config.evaluation.driftScoreMin },
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
      logRetention: config.logRetentionDays as logs.RetentionDays,
    });
    const referenceDatasets = props.agents.filter((a) => ['financial', 'hr', 'it'].includes(a.spec.id));
    if (referenceDatasets.length) {
      new EvaluationDatasets(this, 'Datasets', {
        namePrefix,
        files: Object.fromEntries(referenceDatasets.map((a) => [a.spec.id, path.join(DATASET_DIR, `${a.spec.id}.jsonl`)])),
        encryptionKey: props.key,
        removalPolicy: props.removalPolicy,
      });
    }

    this.observability = new AgentObservability(this, 'Observability', {
      environmentName: `agentcore-kit-${config.name}`,
      // modelId adds the Bedrock per-model token graphs, which need no agent instrumentation.
      agents: props.agents.map((a) => ({ name: a.spec.id, runtime: a.runtime.runtime, prices: config.models.primary, modelId: config.models.primary.modelId })),
      logRetentionDays: config.logRetentionDays,
      alarms: config.alarms,
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
      gateway: { name: 'tools', gateway: props.gateway.gateway },
      memories: [{ name: 'shared', memory: props.memory.memory }],
      tools: props.tools.map((t) => ({ name: t.name, target: t.target })),
      evaluationScores: this.evaluation.scoreMetrics(),
      policyDenials: props.gateway.metricDenied(),
      alarmEmail: config.observability.alarmEmail,
      otlpExportSecretArn: config.observability.otlpExportSecretArn,
      transactionSearch: config.observability.transactionSearch ? {} : undefined,
    });
  }

  /** Canary score the rollout checks and the canary alarms watch. */
  canaryScore(agentId: string) {
    return this.evaluation.metricScore(agentId, 'canary', agentcore.BuiltinEvaluator.GOAL_SUCCESS_RATE.value);
  }
}
