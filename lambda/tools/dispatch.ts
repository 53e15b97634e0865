/**
 * Dispatch any tool of the reference catalog by name — what a local MCP tool server or an
 * end-to-end test needs. Names may be bare (`getPolicy`) or gateway-prefixed (`hr___getPolicy`).
 *
 * ```ts
 * import { startDynalite } from '../../local/dynalite';
 * import { createToolDeps } from '../shared/deps';
 * import { dispatchTool } from './dispatch';
 * const db = await startDynalite({ seed: true });
 * const deps = createToolDeps({ client: db.client, tables: db.tables });
 * const result = await dispatchTool('financial___getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' }, deps);
 * await db.stop();
 * ```
 */
import { ToolFailure } from '../../catalog/result';
import { GATEWAY_TOOL_SEPARATOR } from '../../catalog/tool';
import type { ToolDeps } from '../shared/deps';
import { dispatchInGroup, type DispatchOptions, type ToolGroup, type ToolResult } from '../shared/dispatch';
import { financialGroup } from './financial/handlers';
import { hrGroup } from './hr/handlers';
import { itGroup } from './it/handlers';

/** Every tool group of the reference catalog, by gateway target. */
export const toolGroups: Readonly<Record<string, ToolGroup>> = { financial: financialGroup, hr: hrGroup, it: itGroup };

/** The group serving a tool name, or undefined. */
export function groupOf(toolName: string): ToolGroup | undefined {
  const at = toolName.indexOf(GATEWAY_TOOL_SEPARATOR);
  if (at !== -1) return toolGroups[toolName.slice(0, at)];
  return Object.values(toolGroups).find((g) => g.tools.has(toolName));
}

/** Run any catalog tool. Never throws: failures come back as `{ error }`. */
export async function dispatchTool(toolName: string, args: unknown, deps: ToolDeps, options?: DispatchOptions): Promise<ToolResult> {
  const group = groupOf(toolName);
  if (!group) {
    return new ToolFailure('VALIDATION_ERROR', `Unknown tool "${toolName}".`, [{ field: '(tool name)', expected: 'a tool of the catalog, e.g. financial___getQuarterlyRevenue' }]).toResult();
  }
  return dispatchInGroup(group, toolName, args, deps, options);
}
