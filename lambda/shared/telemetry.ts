/**
 * Names shared by the tool functions and the constructs that alarm on them. Plain constants:
 * lib/ imports this file without pulling in any SDK.
 */

/** CloudWatch namespace of the tool metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const TOOL_METRICS_NAMESPACE = 'AgentCoreKit/Tools';
/** One data point per tool invocation, dimensions service, tool and outcome. */
export const TOOL_INVOCATION_METRIC = 'ToolInvocation';
/** Dimension values of `outcome`: SUCCESS or an error code of the catalog. */
export const SUCCESS_OUTCOME = 'SUCCESS';
/** Powertools service name of a target's function (POWERTOOLS_SERVICE_NAME). */
export function toolServiceName(target: string): string {
  return `tools-${target}`;
}
