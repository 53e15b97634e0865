import { gatewayToolName, type ToolDefinition } from '../../catalog/tool';

export type { ToolDefinition };

/** The tool of a catalog by its gateway name (`<target>___<tool>`). */
export function findToolIn(tools: readonly ToolDefinition[], gatewayName: string): ToolDefinition | undefined {
  return tools.find((t) => gatewayToolName(t) === gatewayName);
}
