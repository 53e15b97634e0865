import * as path from 'node:path';
import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { SPECIALIST_IDS } from '../../catalog/agents';
import type { ToolDefinition } from '../../catalog/tool';
import type { EnvironmentConfig } from '../config';
import { AgentEvaluation, EvaluationDatasets, KIT_JUDGE_EVALUATORS } from '../evaluation';
import type { ToolGateway } from '../gateway';
import type { AgentGuardrail } from '../guardrails';
import type { AgentMemory } from '../memory';
import { AgentObservability } from '../observability';
import type { DeployedAgent } from './agent-unit';

/** Agents watched by one observability unit: keeps its alarms, dashboards and composite rules within service limits. */
export const AGENTS_PER_OBSERVABILITY_UNIT = 8;

/** Ground-truth datasets of the reference agents, uploaded for batch evaluation. */
const DATASET_DIR = path.join(__dirname, '..', '..', 'eval', 'datasets');

export interface ObservabilityUnitProps {
  readonly config: EnvironmentConfig;
  /** 1-based number of this unit; unit 1 also watches the environment-wide parts (gateway, memory, account settings). */
  readonly unit: number;
  readonly agents: readonly DeployedAgent[];
  /** The tools these agents use. */
  readonly tools: readonly ToolDefinition[];
  readonly gateway: ToolGateway;
  readonly memory: AgentMemory;
  /** The agents' guardrail, graphed in unit 1 (one guardrail serves the environment). @default - none */
  readonly guardrail?: AgentGuardrail;
  readonly key: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

export interface ObservabilityUnit {
  readonly observability: AgentObservability;
  readonly evaluation: AgentEvaluation;
  /** Online-evaluation score of an agent's canary endpoint, for the canary alarms and the rollout. */
  canaryScore(agentId: string): cloudwatch.Metric;
}

/**
 * Measure everything for a group of agents: dashboards and alarms (live and canary side by side),
 * online evaluation of both endpoints with drift alarms, and — in unit 1 — telemetry delivery of
 * the gateway and memory, Transaction Search, OTLP export and the evaluation datasets.
 */
export function buildObservabilityUnit(stack: Stack, props: ObservabilityUnitProps): ObservabilityUnit {
  const { config, unit } = props;
  const first = unit === 1;
  const suffix = first ? '' : `-${unit}`;
  const namePrefix = `kit_${config.name.replace(/-/g, '_')}${first ? '' : `_${unit}`}`;

  const evaluation = new AgentEvaluation(stack, 'Evaluation', {
    namePrefix,
    agents: props.agents.map((a) => ({ name: a.spec.id, runtime: a.runtime.runtime })),
    samplingPercent: config.evaluation.samplingPercent,
    // The kit's LLM-as-judge (answers grounded in tool results), judged by the environment's primary model.
    judges: { definitions: KIT_JUDGE_EVALUATORS, modelId: config.models.primary.modelId },
    drift: { scoreMin: config.evaluation.driftScoreMin },
    encryptionKey: props.key,
    removalPolicy: props.removalPolicy,
    logRetention: config.logRetentionDays as logs.RetentionDays,
  });
  const withDatasets = props.agents.filter((a) => (SPECIALIST_IDS as readonly string[]).includes(a.spec.id));
  if (withDatasets.length) {
    new EvaluationDatasets(stack, 'Datasets', {
      namePrefix,
      files: Object.fromEntries(withDatasets.map((a) => [a.spec.id, path.join(DATASET_DIR, `${a.spec.id}.jsonl`)])),
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
    });
  }

  const observability = new AgentObservability(stack, 'Observability', {
    environmentName: `agentcore-kit-${config.name}${suffix}`,
    // modelId adds the Bedrock per-model token graphs, which need no agent instrumentation.
    agents: props.agents.map((a) => ({ name: a.spec.id, runtime: a.runtime.runtime, prices: config.models.primary, modelId: config.models.primary.modelId })),
    logRetentionDays: config.logRetentionDays,
    alarms: config.alarms,
    encryptionKey: props.key,
    removalPolicy: props.removalPolicy,
    gateway: first ? { name: 'tools', gateway: props.gateway.gateway } : undefined,
    memories: first ? [{ name: 'shared', memory: props.memory.memory }] : undefined,
    tools: props.tools.map((t) => ({ name: t.name, target: t.target })),
    evaluationScores: evaluation.scoreMetrics(),
    policyDenials: props.gateway.metricDenied(),
    guardrail: first && props.guardrail ? { invocations: props.guardrail.metricInvocations(), interventions: props.guardrail.metricInterventions() } : undefined,
    alarmEmail: config.observability.alarmEmail,
    otlpExportSecretArn: first ? config.observability.otlpExportSecretArn : undefined,
    transactionSearch: first && config.observability.transactionSearch ? {} : undefined,
  });

  // Quality drifting on an endpoint pages the same people as every other alarm of the environment.
  evaluation.drift?.addAlarmAction(new actions.SnsAction(observability.alarms.topic));

  return {
    observability,
    evaluation,
    canaryScore: (agentId) => evaluation.metricScore(agentId, 'canary', agentcore.BuiltinEvaluator.GOAL_SUCCESS_RATE.value),
  };
}
