/**
 * IT support tools bound to their catalog definitions (full zod validation), plus `dispatch` — what
 * the local tool server and the tests use. The Lambda entry (./index.ts)
 * serves this same group.
 *
 * ```ts
 * import { dispatch } from './handlers';
 * await dispatch('checkVPNStatus', { userId: 'u20001' }, deps);
 * ```
 */
import { IT_TARGET, resetPassword, checkVPNStatus, requestSoftwareAccess, searchKnowledgeBase } from '../../../catalog/tools/it';
import type { ToolDeps } from '../../shared/deps';
import { bind, dispatchInGroup, toolGroup, type DispatchOptions, type ToolResult } from '../../shared/dispatch';
import { IT_SERVICE, passwordReset, vpnStatus, softwareAccess, knowledgeSearch } from './tools';

export * from './tools';

export const itGroup = toolGroup(IT_TARGET, IT_SERVICE, [bind(resetPassword, passwordReset), bind(checkVPNStatus, vpnStatus), bind(requestSoftwareAccess, softwareAccess), bind(searchKnowledgeBase, knowledgeSearch)]);

/** Run a it tool by name (bare or `it___` prefixed). Never throws. */
export function dispatch(toolName: string, args: unknown, deps: ToolDeps, options?: DispatchOptions): Promise<ToolResult> {
  return dispatchInGroup(itGroup, toolName, args, deps, options);
}
