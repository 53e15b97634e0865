/**
 * Two CloudWatch dashboards: one per environment (a section per agent with its endpoints side by
 * side, then tools, policy, memory and evaluation) and one across agents (every agent on the same
 * graphs: traffic, errors, latency, tokens, cost, scores).
 */
import { Duration } from 'aws-cdk-lib';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { Problems } from '../errors';
import { AgentMetrics, modelTokens, policyAllows, policyDenials, toolFailures, toolInvocations, type MonitoredAgent, type MonitoredTool } from './agent-metrics';
import { TOOL_SUCCESS_OUTCOME } from './metric-names';

/** A named score metric, e.g. an online evaluator's score on one endpoint. */
export interface ScoreMetric {
  readonly label: string;
  readonly metric: cloudwatch.IMetric;
}

/** A guardrail's metrics (see `AgentGuardrail.metricInvocations` / `metricInterventions`). */
export interface GuardrailMetrics {
  /** Model calls the guardrail evaluated. */
  readonly invocations: cloudwatch.IMetric;
  /** Model calls on which it intervened (blocked or masked). */
  readonly interventions: cloudwatch.IMetric;
}

export interface AgentDashboardsProps {
  /** Dashboard names derive from it: `<prefix>-operations` and `<prefix>-agents-overview`. */
  readonly dashboardNamePrefix: string;
  readonly agents: readonly MonitoredAgent[];
  /**
   * Tool names (bare) whose invocations and failures are graphed.
   * @default - no tool section
   */
  readonly tools?: readonly MonitoredTool[];
  /**
   * The MCP tool gateway.
   * @default - no gateway section
   */
  readonly gateway?: agentcore.IGateway;
  /**
   * Memories whose operations are graphed.
   * @default - no memory section
   */
  readonly memories?: readonly { readonly name: string; readonly memory: agentcore.IMemory }[];
  /**
   * Online evaluation scores (0–1).
   * @default - no evaluation section
   */
  readonly evaluationScores?: readonly ScoreMetric[];
  /**
   * Policy denials metric.
   * @default - `DenyDecisions` of every policy engine in the account and region
   */
  readonly policyDenials?: cloudwatch.IMetric;
  /**
   * The guardrail on the agents' model calls: evaluations, interventions and the intervention rate.
   * @default - no guardrail section
   */
  readonly guardrail?: GuardrailMetrics;
  /**
   * Time range shown when the dashboard opens.
   * @default Duration.hours(3)
   */
  readonly defaultInterval?: Duration;
}

const MEMORY_OPERATIONS = ['CreateEvent', 'ListEvents', 'RetrieveMemoryRecords'] as const;
const W = 24;

export class AgentDashboards extends Construct {
  /** The environment dashboard: a section per agent, then tools, policy, memory, evaluation. */
  readonly environment: cloudwatch.Dashboard;
  /** Every agent on the same graphs. */
  readonly overview: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: AgentDashboardsProps) {
    super(scope, id);
    const problems = new Problems('InvalidAgentDashboardsProps');
    problems.check(props.agents.length > 0, 'agents: expected at least one agent to monitor');
    problems.check(/^[A-Za-z0-9_-]{1,200}$/.test(props.dashboardNamePrefix), `dashboardNamePrefix: "${props.dashboardNamePrefix}" may only contain letters, digits, - and _`);
    const names = props.agents.map((a) => a.name);
    problems.check(new Set(names).size === names.length, `agents: names must be unique, got ${names.join(', ')}`);
    for (const a of props.agents) {
      problems.check(a.prices.inputPricePer1k >= 0 && a.prices.outputPricePer1k >= 0, `agents.${a.name}.prices: prices must be ≥ 0`);
      problems.check((a.endpoints ?? ['live', 'canary']).length > 0, `agents.${a.name}.endpoints: expected at least one endpoint name`);
    }
    problems.throwIfAny();

    const metrics = props.agents.map((a) => new AgentMetrics(a));
    const start = `-${(props.defaultInterval ?? Duration.hours(3)).toIsoString()}`;
    this.environment = new cloudwatch.Dashboard(this, 'Environment', { dashboardName: `${props.dashboardNamePrefix}-operations`, defaultInterval: props.defaultInterval ?? Duration.hours(3) });
    this.overview = new cloudwatch.Dashboard(this, 'Overview', { dashboardName: `${props.dashboardNamePrefix}-agents-overview`, start });

    for (const m of metrics) this.environment.addWidgets(...agentSection(m));
    if (props.tools?.length) this.environment.addWidgets(...toolSection(props.tools));
    this.environment.addWidgets(...policySection(props.policyDenials ?? policyDenials()));
    if (props.guardrail) this.environment.addWidgets(...guardrailSection(props.guardrail));
    if (props.gateway) this.environment.addWidgets(...gatewaySection(props.gateway));
    if (props.memories?.length) this.environment.addWidgets(...memorySection(props.memories));
    if (props.evaluationScores?.length) this.environment.addWidgets(...evaluationSection(props.evaluationScores));

    this.overview.addWidgets(...overviewSection(metrics, props.evaluationScores ?? []));
  }
}

function header(markdown: string): cloudwatch.TextWidget {
  return new cloudwatch.TextWidget({ markdown, width: W, height: 1 });
}

function agentSection(m: AgentMetrics): cloudwatch.IWidget[] {
  const eps = m.endpoints;
  const name = m.agent.name;
  const endpointList = eps.join(' vs ');
  return [
    header(`## Agent ${name} — ${endpointList}`),
    new cloudwatch.GraphWidget({ title: `${name}: invocations (${endpointList})`, left: eps.map((e) => m.invocations(e)), width: 6 }),
    new cloudwatch.GraphWidget({
      title: `${name}: latency p50/p95/p99 (ms)`,
      left: eps.flatMap((e) => (['p50', 'p95', 'p99'] as const).map((s) => m.latency(e, s))),
      width: 6,
    }),
    new cloudwatch.GraphWidget({ title: `${name}: errors and throttles`, left: eps.map((e) => m.errors(e)), right: eps.map((e) => m.throttles(e)), width: 6 }),
    new cloudwatch.GraphWidget({ title: `${name}: error rate %`, left: eps.map((e) => m.errorRate(e)), leftYAxis: { min: 0, max: 100 }, width: 6 }),
    new cloudwatch.GraphWidget({ title: `${name}: tokens in/out`, left: [m.inputTokens(), m.outputTokens()], width: 12 }),
    new cloudwatch.SingleValueWidget({ title: `${name}: estimated cost (USD, 24 h)`, metrics: [m.cost({ period: Duration.hours(24) })], width: 12, setPeriodToTimeRange: true }),
  ];
}

function toolSection(tools: readonly MonitoredTool[]): cloudwatch.IWidget[] {
  return [
    header('## Tools — invocations and failures per tool'),
    new cloudwatch.GraphWidget({ title: 'Tool invocations (success)', left: tools.map((t) => toolInvocations(t, TOOL_SUCCESS_OUTCOME)), width: 12, stacked: true }),
    new cloudwatch.GraphWidget({ title: 'Tool failures (any error outcome)', left: tools.map((t) => toolFailures(t)), width: 12 }),
  ];
}

function policySection(denials: cloudwatch.IMetric): cloudwatch.IWidget[] {
  return [header('## Policy'), new cloudwatch.GraphWidget({ title: 'Policy decisions: denials vs allows', left: [denials], right: [policyAllows()], width: W })];
}

function guardrailSection(g: GuardrailMetrics): cloudwatch.IWidget[] {
  const rate = new cloudwatch.MathExpression({
    expression: 'IF(evaluated > 0, 100 * intervened / evaluated, 0)',
    usingMetrics: { evaluated: g.invocations, intervened: g.interventions },
    label: 'intervention rate %',
    period: Duration.minutes(5),
  });
  return [
    header('## Guardrail — model calls blocked or masked (content filters, prompt attacks, denied topics, PII)'),
    new cloudwatch.GraphWidget({ title: 'Guardrail interventions vs evaluations', left: [g.interventions], right: [g.invocations], width: 12 }),
    new cloudwatch.GraphWidget({ title: 'Guardrail intervention rate %', left: [rate], leftYAxis: { min: 0, max: 100 }, width: 12 }),
  ];
}

function gatewaySection(gateway: agentcore.IGateway): cloudwatch.IWidget[] {
  const period = Duration.minutes(5);
  return [
    header('## Tool gateway'),
    new cloudwatch.GraphWidget({ title: 'Gateway invocations and errors', left: [gateway.metricInvocations({ period })], right: [gateway.metricSystemErrors({ period }), gateway.metricUserErrors({ period }), gateway.metricThrottles({ period })], width: 12 }),
    new cloudwatch.GraphWidget({ title: 'Gateway latency p95 (ms)', left: [gateway.metricLatency({ period, statistic: 'p95' }), gateway.metricDuration({ period, statistic: 'p95' })], width: 12 }),
  ];
}

function memorySection(memories: readonly { readonly name: string; readonly memory: agentcore.IMemory }[]): cloudwatch.IWidget[] {
  const period = Duration.minutes(5);
  return [
    header('## Memory operations'),
    new cloudwatch.GraphWidget({
      title: 'Memory operations',
      left: memories.flatMap(({ name, memory }) => MEMORY_OPERATIONS.map((op) => memory.metricInvocationsForApiOperation(op, { period, label: `${name} ${op}` }))),
      right: memories.flatMap(({ name, memory }) => MEMORY_OPERATIONS.map((op) => memory.metricErrorsForApiOperation(op, { period, label: `${name} ${op} errors` }))),
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Memory events and long-term records created',
      left: memories.flatMap(({ name, memory }) => [memory.metricEventCreationCount({ period, label: `${name} events` }), memory.metric('CreationCount', { dimensionsMap: { ItemType: 'MemoryRecordsExtracted' }, statistic: 'Sum', period, label: `${name} records` })]),
      width: 12,
    }),
  ];
}

function evaluationSection(scores: readonly ScoreMetric[]): cloudwatch.IWidget[] {
  return [
    header('## Online evaluation scores'),
    new cloudwatch.GraphWidget({ title: 'Evaluation scores (0–1)', left: scores.map((s) => withLabel(s)), leftYAxis: { min: 0, max: 1 }, width: W }),
  ];
}

function overviewSection(metrics: readonly AgentMetrics[], scores: readonly ScoreMetric[]): cloudwatch.IWidget[] {
  const live = (m: AgentMetrics) => m.endpoints[0];
  const widgets: cloudwatch.IWidget[] = [
    header('## All agents'),
    new cloudwatch.GraphWidget({ title: 'Invocations per agent and endpoint', left: metrics.flatMap((m) => m.endpoints.map((e) => m.invocations(e))), width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Error rate % per agent and endpoint', left: metrics.flatMap((m) => m.endpoints.map((e) => m.errorRate(e))), width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Latency p95 per agent (ms)', left: metrics.flatMap((m) => m.endpoints.map((e) => m.latency(e, 'p95'))), width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Throttles per agent', left: metrics.flatMap((m) => m.endpoints.map((e) => m.throttles(e))), width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Tokens per agent (in / out)', left: metrics.map((m) => m.inputTokens()), right: metrics.map((m) => m.outputTokens()), width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Estimated cost per agent (USD per 5 min)', left: metrics.map((m) => m.cost()), width: 8, stacked: true }),
    new cloudwatch.SingleValueWidget({
      title: `Estimated cost per agent (USD, 24 h) — ${metrics.map((m) => `${m.agent.name} on ${live(m)}`).join(', ')}`,
      metrics: metrics.map((m) => m.cost({ period: Duration.hours(24) })),
      width: W,
      setPeriodToTimeRange: true,
    }),
  ];
  const models = [...new Set(metrics.map((m) => m.agent.modelId).filter((id): id is string => !!id))];
  if (models.length) {
    widgets.push(
      new cloudwatch.GraphWidget({
        title: 'Bedrock tokens per model (in / out)',
        left: models.map((id) => modelTokens(id, 'in')),
        right: models.map((id) => modelTokens(id, 'out')),
        width: W,
      }),
    );
  }
  if (scores.length) widgets.push(new cloudwatch.GraphWidget({ title: 'Evaluation scores per agent (0–1)', left: scores.map((s) => withLabel(s)), leftYAxis: { min: 0, max: 1 }, width: W }));
  return widgets;
}

function withLabel(s: ScoreMetric): cloudwatch.IMetric {
  return s.metric instanceof cloudwatch.Metric || s.metric instanceof cloudwatch.MathExpression ? s.metric.with({ label: s.label }) : s.metric;
}
