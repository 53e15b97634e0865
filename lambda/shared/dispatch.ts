/**
 * Pure, injectable tool dispatch: validate the arguments with the tool's zod schema, run the
 * bound handler (through Powertools idempotency when the tool is mutating) and map every failure
 * to the result contract of catalog/result.ts. No Lambda, no logger, no metrics here — the Lambda
 * entry (lambda-handler.ts) and the local MCP server both wrap this.
 *
 * ```ts
 * import { dispatch } from '../tools/hr/handlers';       // one target
 * import { dispatchTool } from '../tools/dispatch';     // any tool of the catalog
 * const result = await dispatch('getPolicy', { policyName: 'vacation' }, deps);
 * if (isToolError(result)) console.log(result.error.code);
 * ```
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { safeParse, type $ZodType } from 'zod/v4/core';
import { validationFailure, ToolFailure, type ToolErrorResult } from '../../catalog/result';
import { stripTargetPrefix, type ToolDefinition, type ToolSubject } from '../../catalog/tool';
import type { VerifiedCaller } from './caller';
import type { ToolContext, ToolDeps } from './deps';
import { toErrorResult } from './errors';
import { idempotencyKeyPrefix } from './tables';

const LOCAL_CONTEXT = { getRemainingTimeInMillis: () => 30_000 } as Context;

/** What dispatch needs of a tool: a catalog {@link ToolDefinition} is one. */
export interface ToolSpec<I extends $ZodType = $ZodType> {
  readonly name: string;
  readonly target: string;
  readonly input: I;
  /** True when the tool creates or changes a record: it runs through Powertools idempotency. */
  readonly mutating?: boolean;
  /** Self-service tools: the subject argument checked against the verified caller. */
  readonly subject?: ToolSubject;
}

/** The pure function serving a catalog tool: validated input in, the tool's output (typed by the catalog) out. */
export type ToolImplementation<T extends ToolDefinition> = (input: z.output<T['input']>, ctx: ToolContext) => Promise<z.input<T['output']>>;

/** A tool spec (or definition) bound to the pure function that serves it. */
export interface BoundTool<T extends ToolSpec = ToolSpec> {
  readonly definition: T;
  readonly handle: (input: z.output<T['input']>, ctx: ToolContext) => Promise<T extends ToolDefinition ? z.input<T['output']> : unknown>;
}

export function bind<T extends ToolSpec>(definition: T, handle: BoundTool<T>['handle']): BoundTool<T> {
  return { definition, handle };
}

/** The tools one Lambda function (one gateway target) serves. */
export interface ToolGroup {
  readonly target: string;
  /** What the error messages call the data store, e.g. "HR service". */
  readonly service: string;
  readonly tools: ReadonlyMap<string, BoundTool>;
}

export function toolGroup(target: string, service: string, tools: readonly BoundTool[]): ToolGroup {
  for (const t of tools) {
    if (t.definition.target !== target) throw new Error(`${t.definition.name} belongs to target ${t.definition.target}, not ${target}`);
  }
  return { target, service, tools: new Map(tools.map((t) => [t.definition.name, t as BoundTool])) };
}

/** JSON with object keys sorted, so equal inputs give equal keys whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A tool's success output, or the error contract. */
export type ToolResult = Record<string, unknown> | ToolErrorResult;

export interface DispatchOptions {
  /** The Lambda context, so an interrupted idempotent call expires with the invocation. */
  readonly lambdaContext?: Context;
  /** Called with the original error before it is mapped (for logging); never sees a success. */
  readonly onError?: (error: unknown, toolName: string) => void;
  /**
   * The verified caller (from the interceptor, or the local server's own token check). With it,
   * self-service tools refuse a subject other than the caller's own unless the caller's role may
   * act for others.
   */
  readonly caller?: VerifiedCaller;
  /** Refuse self-service tools when no caller is given (the Lambda entry: every call comes through the interceptor). @default false */
  readonly requireCaller?: boolean;
}

/** The second gate behind Cedar: a self-service tool acts on the caller's own record unless the role allows more. */
export function checkSubject(toolName: string, subject: ToolSubject, input: Record<string, unknown>, caller: VerifiedCaller | undefined): void {
  if (!caller) {
    throw new ToolFailure('FORBIDDEN', `${toolName} needs the verified caller, and this invocation carries none; it did not come through the tool gateway.`);
  }
  const named = input[subject.argument];
  const own = (caller as Record<string, string | undefined>)[subject.claim];
  if (named === own) return;
  if (caller.role && subject.actForOthers.includes(caller.role)) return;
  throw new ToolFailure(
    'FORBIDDEN',
    `${toolName} acts on the caller's own ${subject.argument} only: the request names ${String(named)}, the signed-in caller is ${own ?? `without a ${subject.claim} claim`}, and role ${caller.role ?? '(none)'} may not act for others (${subject.actForOthers.join(', ')} may).`,
  );
}

/**
 * Run one tool of `group`. `toolName` may carry the gateway's `<target>___` prefix.
 * Never throws: every failure comes back as `{ error }`.
 */
export async function dispatchInGroup(group: ToolGroup, toolName: string, args: unknown, deps: ToolDeps, options: DispatchOptions = {}): Promise<ToolResult> {
  const name = stripTargetPrefix(toolName);
  const tool = group.tools.get(name);
  if (!tool) {
    return new ToolFailure('VALIDATION_ERROR', `Unknown tool "${toolName}" for target ${group.target}; available: ${[...group.tools.keys()].join(', ')}.`, [
      { field: '(tool name)', expected: `one of ${[...group.tools.keys()].join(', ')}` },
    ]).toResult();
  }
  try {
    const parsed = safeParse(tool.definition.input, args ?? {});
    if (!parsed.success) throw validationFailure(name, parsed.error as z.ZodError);
    const input = parsed.data as Record<string, unknown>;
    const subject = tool.definition.subject;
    if (subject && (options.caller || options.requireCaller)) checkSubject(name, subject, input, options.caller);
    if (!tool.definition.mutating) return (await tool.handle(input, deps)) as Record<string, unknown>;
    const config = new IdempotencyConfig({ expiresAfterSeconds: deps.idempotencyTtlSeconds });
    // Outside Lambda (local server, tests) an interrupted call's in-progress record expires after 30 s.
    config.registerLambdaContext(options.lambdaContext ?? LOCAL_CONTEXT);
    const keyPrefix = idempotencyKeyPrefix(group.target, name);
    const ctx = { ...deps, request: { key: `${keyPrefix}#${canonicalJson(input)}`, windowSeconds: deps.idempotencyTtlSeconds } };
    const once = makeIdempotent((payload: Record<string, unknown>) => tool.handle(payload, ctx), {
      persistenceStore: deps.idempotencyStore(keyPrefix),
      config,
      keyPrefix,
    });
    return (await once(input)) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof ToolFailure)) options.onError?.(error, name);
    return toErrorResult(error, name, group.service);
  }
}
