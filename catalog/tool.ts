/**
 * The one definition of a tool. Everything else — the gateway's inline tool schema, the handler's
 * input validation, the Cedar action and its schema, the generated catalog document and the lint —
 * is derived from a `ToolDefinition`.
 *
 * This module is shared by infrastructure (`lib/`), handlers (`lambda/`) and agents (`agents/`),
 * so it depends on zod only.
 */
import * as z from 'zod';
import { CALLER_ARGUMENT, CALLER_GATEWAY_SCHEMA, GATEWAY_TOOL_SEPARATOR } from './caller';

/** Business domains of the reference agents; a team adds its own. */
export type ToolDomain = string;

/** A documented failure mode of a tool: what the agent receives and what it should do. */
export interface ToolErrorCondition {
  /** Stable error code returned in the structured result, e.g. `NOT_FOUND`. */
  readonly code: ToolErrorCode;
  /** When this happens. */
  readonly when: string;
  /** What the agent should do: retry, ask the user, relay "service unavailable"... */
  readonly agentAction: string;
}

/** Error codes every handler maps its failures to, at one edge. */
/** `INTERNAL_ERROR` is the catch-all for a defect (never retryable); every tool may return it, so definitions need not list it. */
export const TOOL_ERROR_CODES = ['VALIDATION_ERROR', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR'] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

export interface ToolExample {
  /** A user request that should lead to this tool call. */
  readonly userRequest: string;
  /** The arguments the agent should send. Validated against the input schema by the lint. */
  readonly input: Record<string, unknown>;
  /** A representative successful result. Validated against the output schema by the lint. */
  readonly output: Record<string, unknown>;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodType = z.ZodType> {
  /** camelCase verb-first name, e.g. `getQuarterlyRevenue`. Unique across the catalog. */
  readonly name: string;
  /** Gateway target (tool group) this tool belongs to, e.g. `financial`. One Lambda per target. */
  readonly target: string;
  /** What the tool does, its inputs with units and formats, and what it returns. */
  readonly description: string;
  /** When the agent should (and should not) use this tool. */
  readonly usage: string;
  /** Input arguments. Every field carries a `.describe()`. */
  readonly input: I;
  /** Successful result. Every field carries a `.describe()`. */
  readonly output: O;
  /** Documented failure modes. */
  readonly errors: readonly ToolErrorCondition[];
  /** At least one worked example. */
  readonly examples: readonly ToolExample[];
  /** True when the tool creates or changes a record; such tools must be idempotent. */
  readonly mutating?: boolean;
  /**
   * Self-service tools: which argument names whose record is read or changed, the verified caller
   * claim it must equal, and the roles that may act for someone else. The handler refuses any
   * other subject (FORBIDDEN) as a second gate behind the Cedar policies.
   */
  readonly subject?: ToolSubject;
}

export interface ToolSubject {
  /** Input argument naming the person, e.g. `employeeId`. */
  readonly argument: string;
  /** Caller claim that must equal it, e.g. `employeeId`. */
  readonly claim: string;
  /** Roles that may name someone else, e.g. `['hr-staff']`. */
  readonly actForOthers: readonly string[];
}

/** Identity of the helper keeps the literal types of the schemas for handler typing. */
export function defineTool<I extends z.ZodObject, O extends z.ZodType>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return Object.freeze(def);
}

export type ToolInput<T extends ToolDefinition> = z.infer<T['input']>;
export type ToolOutput<T extends ToolDefinition> = z.infer<T['output']>;

/** The separator the gateway puts between target name and tool name. */
export { GATEWAY_TOOL_SEPARATOR };

/** `financial___getQuarterlyRevenue` — the name an MCP client sees and Cedar's action id. */
export function gatewayToolName(tool: Pick<ToolDefinition, 'target' | 'name'>): string {
  return `${tool.target}${GATEWAY_TOOL_SEPARATOR}${tool.name}`;
}

/** Strip the `<target>___` prefix the gateway adds; a bare name passes through. */
export function stripTargetPrefix(name: string): string {
  const at = name.indexOf(GATEWAY_TOOL_SEPARATOR);
  return at === -1 ? name : name.slice(at + GATEWAY_TOOL_SEPARATOR.length);
}

/**
 * JSON Schema limited to what AgentCore gateway Lambda targets accept:
 * `type`, `properties`, `required`, `items`, `description`.
 */
export interface GatewaySchema {
  readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  readonly description?: string;
  readonly properties?: Record<string, GatewaySchema>;
  readonly required?: string[];
  readonly items?: GatewaySchema;
}

export interface GatewayToolSchema {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: GatewaySchema;
  readonly outputSchema?: GatewaySchema;
}

type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
};

/** Full JSON Schema (draft 2020-12) of a zod schema, for MCP servers and docs. */
export function toJsonSchema(schema: z.ZodType): JsonSchema & Record<string, unknown> {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema & Record<string, unknown>;
  delete json.$schema;
  return json;
}

const JS_SAFE = 9007199254740991;

/** Constraints the gateway cannot express as keywords are folded into the description, so the model still sees them. */
function constraintText(s: JsonSchema): string[] {
  const parts: string[] = [];
  if (s.enum) parts.push(`One of: ${s.enum.map(String).join(', ')}.`);
  if (s.const !== undefined) parts.push(`Always ${String(s.const)}.`);
  if (s.pattern) parts.push(`Must match ${s.pattern}.`);
  if (s.format) parts.push(`Format: ${s.format}.`);
  const min = s.minimum !== undefined && s.minimum > -JS_SAFE ? s.minimum : undefined;
  const max = s.maximum !== undefined && s.maximum < JS_SAFE ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) parts.push(`Between ${min} and ${max}.`);
  else if (min !== undefined) parts.push(`At least ${min}.`);
  else if (max !== undefined) parts.push(`At most ${max}.`);
  if (s.minLength !== undefined && s.minLength > 0 && s.maxLength !== undefined) parts.push(`${s.minLength}–${s.maxLength} characters.`);
  else if (s.maxLength !== undefined) parts.push(`At most ${s.maxLength} characters.`);
  if (s.maxItems !== undefined) parts.push(`At most ${s.maxItems} items.`);
  return parts;
}

function narrow(s: JsonSchema, path: string): GatewaySchema {
  // Optional/nullable fields come out as anyOf; the gateway has no union, so take the non-null branch.
  if (s.anyOf) {
    const branch = s.anyOf.find((b) => b.type !== 'null');
    if (!branch) throw new Error(`${path}: union without a non-null branch cannot be expressed for the gateway`);
    return narrow({ ...branch, description: s.description ?? branch.description }, path);
  }
  const rawType = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const type = (rawType ?? (s.enum ? typeof s.enum[0] : undefined) ?? (s.const !== undefined ? typeof s.const : undefined)) as GatewaySchema['type'] | undefined;
  if (!type || !['string', 'number', 'integer', 'boolean', 'array', 'object'].includes(type)) {
    throw new Error(`${path}: type ${JSON.stringify(s.type)} cannot be expressed for the gateway (string, number, integer, boolean, array, object)`);
  }
  const own = s.description && !/[.!?:;]$/.test(s.description) && constraintText(s).length ? `${s.description}.` : s.description;
  const description = [own, ...constraintText(s)].filter(Boolean).join(' ') || undefined;
  const out: { -readonly [K in keyof GatewaySchema]: GatewaySchema[K] } = { type };
  if (description) out.description = description;
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, narrow(v, `${path}.${k}`)]));
    if (s.required?.length) out.required = [...s.required];
  }
  if (s.items) out.items = narrow(s.items, `${path}[]`);
  return out;
}

/** The gateway's inline schema of a zod schema (see {@link GatewaySchema}). */
export function toGatewaySchema(schema: z.ZodType, path = '$'): GatewaySchema {
  return narrow(toJsonSchema(schema), path);
}

/**
 * The gateway's input schema of a tool: its arguments plus the optional reserved `_caller` the
 * interceptor adds (catalog/caller.ts). The Cedar schema is built from this too.
 */
export function toGatewayInputSchema(tool: Pick<ToolDefinition, 'name' | 'input'>): GatewaySchema {
  const schema = toGatewaySchema(tool.input, `${tool.name}.input`);
  return { ...schema, properties: { ...schema.properties, [CALLER_ARGUMENT]: CALLER_GATEWAY_SCHEMA } };
}

/** The inline tool entry the gateway target gets; tool descriptions carry usage and errors for the model. */
export function toGatewayToolSchema(tool: ToolDefinition): GatewayToolSchema {
  return {
    name: tool.name,
    description: modelFacingDescription(tool),
    inputSchema: toGatewayInputSchema(tool),
    outputSchema: toGatewaySchema(tool.output, `${tool.name}.output`),
  };
}

/** What the model reads: description, when to use it, and the failure modes it must handle. */
export function modelFacingDescription(tool: ToolDefinition): string {
  const errors = tool.errors.map((e) => `${e.code} when ${e.when}`).join('; ');
  return `${tool.description} Use: ${tool.usage} Errors: ${errors}.`;
}
