/**
 * Names of the kit's own CloudWatch metrics: what agents and tool handlers emit, what the
 * dashboards and alarms read. No imports, so `agents/` and `lambda/` can use it too.
 *
 * Agents publish (PutMetricData from agents/usage), per request:
 *   namespace `AgentCoreKit/Agents`, dimension `agent` (e.g. `financial`),
 *   metrics `InputTokens`, `OutputTokens` (Count).
 * Tool handlers emit, per call (lambda/shared/telemetry.ts, Powertools Metrics):
 *   namespace `AgentCoreKit/Tools`, dimensions `service` (`tools-<target>`), `tool` (bare tool
 *   name) and `outcome` (`SUCCESS` or an error code such as `VALIDATION_ERROR`), metric
 *   `ToolInvocation` (Count).
 */
import { SUCCESS_OUTCOME, TOOL_INVOCATION_METRIC, TOOL_METRICS_NAMESPACE as TOOLS_NAMESPACE, toolServiceName } from '../../lambda/shared/telemetry';

export const AGENT_METRICS_NAMESPACE = 'AgentCoreKit/Agents';
export const AGENT_METRIC = { inputTokens: 'InputTokens', outputTokens: 'OutputTokens' } as const;
export const AGENT_DIMENSION = 'agent';

export const TOOL_METRICS_NAMESPACE = TOOLS_NAMESPACE;
export const TOOL_METRIC = { invocations: TOOL_INVOCATION_METRIC } as const;
export const TOOL_DIMENSION = { service: 'service', tool: 'tool', outcome: 'outcome' } as const;
export const TOOL_SUCCESS_OUTCOME = SUCCESS_OUTCOME;
export { toolServiceName };

/** AgentCore service metrics (runtimes, gateways, memories, policy engines). */
export const AGENTCORE_NAMESPACE = 'AWS/Bedrock-AgentCore';
/** Where AgentCore online evaluation publishes scores: metric name = evaluator id, dimensions below. */
export const EVALUATION_NAMESPACE = 'Bedrock-AgentCore/Evaluations';
export const EVALUATION_DIMENSION = { serviceName: 'service.name', configId: 'onlineEvaluationConfigId' } as const;
