/**
 * HR policy tools bound to their catalog definitions (full zod validation), plus `dispatch` — what
 * the local tool server and the tests use. The Lambda entry (./index.ts)
 * serves this same group.
 *
 * ```ts
 * import { dispatch } from './handlers';
 * await dispatch('checkVacationBalance', { employeeId: 'E10001' }, deps);
 * ```
 */
import { HR_TARGET, checkVacationBalance, getPolicy, createHRTicket, getUpcomingHolidays } from '../../../catalog/tools/hr';
import type { ToolDeps } from '../../shared/deps';
import { bind, dispatchInGroup, toolGroup, type DispatchOptions, type ToolResult } from '../../shared/dispatch';
import { HR_SERVICE, vacationBalance, policyDocument, hrTicket, upcomingHolidays } from './tools';

export * from './tools';

export const hrGroup = toolGroup(HR_TARGET, HR_SERVICE, [bind(checkVacationBalance, vacationBalance), bind(getPolicy, policyDocument), bind(createHRTicket, hrTicket), bind(getUpcomingHolidays, upcomingHolidays)]);

/** Run a hr tool by name (bare or `hr___` prefixed). Never throws. */
export function dispatch(toolName: string, args: unknown, deps: ToolDeps, options?: DispatchOptions): Promise<ToolResult> {
  return dispatchInGroup(hrGroup, toolName, args, deps, options);
}
