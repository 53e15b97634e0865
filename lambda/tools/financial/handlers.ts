/**
 * Financial analytics tools bound to their catalog definitions (full zod validation), plus `dispatch` — what
 * the local tool server and the tests use. The Lambda entry (./index.ts)
 * serves this same group.
 *
 * ```ts
 * import { dispatch } from './handlers';
 * await dispatch('getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' }, deps);
 * ```
 */
import { FINANCIAL_TARGET, getQuarterlyRevenue, calculateGrowth, generateExecutiveSummary } from '../../../catalog/tools/financial';
import type { ToolDeps } from '../../shared/deps';
import { bind, dispatchInGroup, toolGroup, type DispatchOptions, type ToolResult } from '../../shared/dispatch';
import { FINANCIAL_SERVICE, quarterlyRevenue, growthCalculation, executiveSummary } from './tools';

export * from './tools';

export const financialGroup = toolGroup(FINANCIAL_TARGET, FINANCIAL_SERVICE, [bind(getQuarterlyRevenue, quarterlyRevenue), bind(calculateGrowth, growthCalculation), bind(generateExecutiveSummary, executiveSummary)]);

/** Run a financial tool by name (bare or `financial___` prefixed). Never throws. */
export function dispatch(toolName: string, args: unknown, deps: ToolDeps, options?: DispatchOptions): Promise<ToolResult> {
  return dispatchInGroup(financialGroup, toolName, args, deps, options);
}
