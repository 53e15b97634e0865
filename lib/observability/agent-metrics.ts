/**
 * Metric factories for one agent runtime, per endpoint (`Name=<runtimeName>::<endpointName>`,
 * so live and canary are measured apart; the L2's own `metric*()` read `::DEFAULT`), plus the
 * kit's token, cost, tool and policy metrics.
 */
import { Duration } from 'aws-cdk-lib';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AGENTCORE_NAMESPACE, AGENT_DIMENSION, AGENT_METRIC, AGENT_METRICS_NAMESPACE, TOOL_DIMENSION, TOOL_METRIC, TOOL_METRICS_NAMESPACE, TOOL_SUCCESS_OUTCOME, toolServiceName } from './metric-names';

/** USD per 1,000 tokens (the environment config's model prices). */
export interface TokenPrices {
  readonly inputPricePer1k: number;
  readonly outputPricePer1k: number;
}

/** One agent the dashboards and alarms watch. */
export interface MonitoredAgent {
  /** Short agent name as its metrics carry it in the `agent` dimension, e.g. `financial`. */
  readonly name: string;
  readonly runtime: agentcore.IBedrockAgentRuntime;
  /**
   * Runtime endpoints to watch side by side.
   * @default ['live', 'canary']
   */
  readonly endpoints?: readonly string[];
  /** Model prices for the cost estimate. */
  readonly prices: TokenPrices;
  /**
   * Bedrock model (or inference profile) id the agent calls; adds Bedrock's own token counts per model.
   * @default - no per-model graph
   */
  readonly modelId?: string;
}

const DEFAULT_PERIOD = Duration.minutes(5);

export class AgentMetrics {
  readonly endpoints: readonly string[];

  constructor(readonly agent: MonitoredAgent) {
    this.endpoints = agent.endpoints ?? ['live', 'canary'];
  }

  /** A runtime metric of one endpoint. */
  endpointMetric(endpoint: string, metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.agent.runtime.metric(metricName, {
      period: DEFAULT_PERIOD,
      label: `${this.agent.name} ${endpoint}`,
      ...options,
      dimensionsMap: { Name: `${this.agent.runtime.agentRuntimeName}::${endpoint}`, ...options.dimensionsMap },
    });
  }

  invocations(endpoint: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.endpointMetric(endpoint, 'Invocations', { statistic: 'Sum', ...options });
  }

  throttles(endpoint: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.endpointMetric(endpoint, 'Throttles', { statistic: 'Sum', label: `${this.agent.name} ${endpoint} throttles`, ...options });
  }

  /** Latency of an endpoint at a percentile statistic, e.g. `p95`. */
  latency(endpoint: string, statistic: 'p50' | 'p95' | 'p99' | 'Average' = 'p95', options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.endpointMetric(endpoint, 'Latency', { statistic, unit: cloudwatch.Unit.MILLISECONDS, label: `${this.agent.name} ${endpoint} ${statistic}`, ...options });
  }

  /** Metric-math ids unique per agent and endpoint, so several expressions can share one graph. */
  private ids(endpoint?: string) {
    const slug = `${this.agent.name}_${endpoint ?? ''}`.replace(/[^A-Za-z0-9_]/g, '_');
    return { s: `sys_${slug}`, u: `usr_${slug}`, inv: `inv_${slug}`, i: `in_${slug}`, o: `out_${slug}` };
  }

  /** System + user errors of an endpoint. */
  errors(endpoint: string, options: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
    const id = this.ids(endpoint);
    return new cloudwatch.MathExpression({
      expression: `FILL(${id.s}, 0) + FILL(${id.u}, 0)`,
      usingMetrics: {
        [id.s]: this.endpointMetric(endpoint, 'SystemErrors', { statistic: 'Sum', ...options }),
        [id.u]: this.endpointMetric(endpoint, 'UserErrors', { statistic: 'Sum', ...options }),
      },
      label: `${this.agent.name} ${endpoint} errors`,
      period: options.period ?? DEFAULT_PERIOD,
    });
  }

  /** Errors as a percentage of invocations (0 when idle). */
  errorRate(endpoint: string, options: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
    const id = this.ids(endpoint);
    return new cloudwatch.MathExpression({
      expression: `IF(${id.inv} > 0, 100 * (FILL(${id.s}, 0) + FILL(${id.u}, 0)) / ${id.inv}, 0)`,
      usingMetrics: {
        [id.inv]: this.invocations(endpoint, options),
        [id.s]: this.endpointMetric(endpoint, 'SystemErrors', { statistic: 'Sum', ...options }),
        [id.u]: this.endpointMetric(endpoint, 'UserErrors', { statistic: 'Sum', ...options }),
      },
      label: `${this.agent.name} ${endpoint} error rate %`,
      period: options.period ?? DEFAULT_PERIOD,
    });
  }

  inputTokens(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return tokenMetric(this.agent.name, AGENT_METRIC.inputTokens, options);
  }

  outputTokens(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return tokenMetric(this.agent.name, AGENT_METRIC.outputTokens, options);
  }

  /** Estimated model cost in USD per period: tokens × the prices given. */
  cost(options: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
    const { inputPricePer1k, outputPricePer1k } = this.agent.prices;
    const id = this.ids();
    return new cloudwatch.MathExpression({
      expression: `FILL(${id.i}, 0) / 1000 * ${inputPricePer1k} + FILL(${id.o}, 0) / 1000 * ${outputPricePer1k}`,
      usingMetrics: { [id.i]: this.inputTokens(options), [id.o]: this.outputTokens(options) },
      label: `${this.agent.name} est. cost (USD)`,
      period: options.period ?? DEFAULT_PERIOD,
    });
  }
}

function tokenMetric(agent: string, metricName: string, options: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: AGENT_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [AGENT_DIMENSION]: agent },
    statistic: 'Sum',
    period: DEFAULT_PERIOD,
    label: `${agent} ${metricName === AGENT_METRIC.inputTokens ? 'in' : 'out'}`,
    ...options,
  });
}

/** Bedrock's own token count of one model (`AWS/Bedrock`, dimension `ModelId`), independent of agent instrumentation. */
export function modelTokens(modelId: string, direction: 'in' | 'out', options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Bedrock',
    metricName: direction === 'in' ? 'InputTokenCount' : 'OutputTokenCount',
    dimensionsMap: { ModelId: modelId },
    statistic: 'Sum',
    period: DEFAULT_PERIOD,
    label: `${modelId} ${direction}`,
    ...options,
  });
}

/** A tool of the catalog: its bare name and gateway target (a `ToolDefinition` fits). */
export interface MonitoredTool {
  readonly name: string;
  readonly target: string;
}

/** Calls of one tool with one outcome (`SUCCESS` or an error code). */
export function toolInvocations(tool: MonitoredTool, outcome: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: TOOL_METRICS_NAMESPACE,
    metricName: TOOL_METRIC.invocations,
    dimensionsMap: { [TOOL_DIMENSION.service]: toolServiceName(tool.target), [TOOL_DIMENSION.tool]: tool.name, [TOOL_DIMENSION.outcome]: outcome },
    statistic: 'Sum',
    period: DEFAULT_PERIOD,
    label: `${tool.name} ${outcome}`,
    ...options,
  });
}

/** Failed calls of one tool: every outcome but success (a search over the outcome dimension, for graphs). */
export function toolFailures(tool: MonitoredTool, period: Duration = DEFAULT_PERIOD): cloudwatch.MathExpression {
  const schema = `{${TOOL_METRICS_NAMESPACE},${TOOL_DIMENSION.outcome},${TOOL_DIMENSION.service},${TOOL_DIMENSION.tool}}`;
  return new cloudwatch.MathExpression({
    expression: `SUM(SEARCH('${schema} ${TOOL_DIMENSION.tool}="${tool.name}" NOT ${TOOL_DIMENSION.outcome}="${TOOL_SUCCESS_OUTCOME}" MetricName="${TOOL_METRIC.invocations}"', 'Sum', ${period.toSeconds()}))`,
    usingMetrics: {},
    label: `${tool.name} failures`,
    period,
  });
}

/** Failed calls of one tool for alarms (Metrics Insights, which alarms accept). */
export function toolFailuresQuery(tool: MonitoredTool, period: Duration = DEFAULT_PERIOD): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SELECT SUM(${TOOL_METRIC.invocations}) FROM SCHEMA("${TOOL_METRICS_NAMESPACE}", ${TOOL_DIMENSION.outcome}, ${TOOL_DIMENSION.service}, ${TOOL_DIMENSION.tool}) WHERE ${TOOL_DIMENSION.tool} = '${tool.name}' AND ${TOOL_DIMENSION.outcome} != '${TOOL_SUCCESS_OUTCOME}'`,
    usingMetrics: {},
    label: `${tool.name} failures`,
    period,
  });
}

/** Cedar policy decisions of one kind across the account's policy engines in this region, as a Metrics Insights query (usable in alarms). */
function policyDecisions(kind: 'Deny' | 'Allow', label: string, period: Duration): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression: `SELECT SUM(${kind}Decisions) FROM "${AGENTCORE_NAMESPACE}"`, usingMetrics: {}, label, period });
}

/** Cedar policy denials (`DenyDecisions`) across the account's policy engines in this region. */
export function policyDenials(period: Duration = DEFAULT_PERIOD): cloudwatch.MathExpression {
  return policyDecisions('Deny', 'policy denials', period);
}

/** Cedar policy allows, for the ratio next to the denials. */
export function policyAllows(period: Duration = DEFAULT_PERIOD): cloudwatch.MathExpression {
  return policyDecisions('Allow', 'policy allows', period);
}
