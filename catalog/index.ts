/**
 * The approved tool catalog of the reference agents: one definition per tool, grouped by gateway
 * target (one Lambda function per target).
 *
 * ```ts
 * import { toolCatalog, toolsByTarget, getQuarterlyRevenue, toGatewayToolSchema } from '../catalog';
 * const schemas = toolsByTarget.financial.map(toGatewayToolSchema); // inline schema of a gateway target
 * ```
 */
import type { ToolDefinition } from './tool';
import { FINANCIAL_TARGET, financialTools } from './tools/financial';
import { HR_TARGET, hrTools } from './tools/hr';
import { IT_TARGET, itTools } from './tools/it';

export * from './tool';
export * from './result';
export * from './formats';
export * from './tools/financial';
export * from './tools/hr';
export * from './tools/it';

/** Gateway targets of the reference catalog, one Lambda function each. */
export const TOOL_TARGETS = [FINANCIAL_TARGET, HR_TARGET, IT_TARGET] as const;
export type ToolTarget = (typeof TOOL_TARGETS)[number];

/** Every tool of the reference catalog. */
export const toolCatalog: readonly ToolDefinition[] = Object.freeze([...financialTools, ...hrTools, ...itTools]);

/** Tools per gateway target. */
export const toolsByTarget: Readonly<Record<ToolTarget, readonly ToolDefinition[]>> = Object.freeze({
  financial: financialTools,
  hr: hrTools,
  it: itTools,
});

/** Tool definitions by tool name (without target prefix). */
export const toolsByName: Readonly<Record<string, ToolDefinition>> = Object.freeze(Object.fromEntries(toolCatalog.map((t) => [t.name, t])));

/** The definition of a tool by its bare name or gateway name (`hr___getPolicy`); undefined when unknown. */
export function findTool(name: string): ToolDefinition | undefined {
  const at = name.indexOf('___');
  return at === -1 ? toolsByName[name] : toolCatalog.find((t) => `${t.target}___${t.name}` === name);
}
