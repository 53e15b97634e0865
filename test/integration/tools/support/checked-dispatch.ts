/**
 * Every success a handler returns in these tests is parsed by its tool's catalog output schema, so
 * a result the gateway's declared schema would not describe (Infinity, a missing field, a wrong
 * enum) fails the test that produced it, whatever that test asserts itself.
 *
 * ```ts
 * import { dispatch as financial } from '../../../lambda/tools/financial/handlers';
 * const dispatch = checked(financial);
 * ```
 */
import { findTool, isToolError } from '../../../../catalog';
import type { ToolResult } from '../../../../lambda/shared/dispatch';

type Dispatch<A extends unknown[]> = (toolName: string, args: unknown, ...rest: A) => Promise<ToolResult>;

/** Throws when `result` is a success that does not match the output schema of `toolName`. */
export function assertOutputSchema(toolName: string, result: ToolResult): ToolResult {
  if (isToolError(result)) return result;
  const tool = findTool(toolName);
  if (!tool) throw new Error(`${toolName} returned a success but is not in the catalog`);
  const parsed = tool.output.safeParse(result);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`).join('; ');
    throw new Error(`${toolName} returned output outside its catalog output schema: ${issues}\n${JSON.stringify(result)}`);
  }
  return result;
}

/** `dispatch` with every success checked against the catalog output schema. */
export function checked<A extends unknown[]>(dispatch: Dispatch<A>): Dispatch<A> {
  return async (toolName, args, ...rest) => assertOutputSchema(toolName, await dispatch(toolName, args, ...rest));
}
