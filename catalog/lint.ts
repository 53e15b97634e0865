/**
 * The catalog lint: rejects vague tool definitions before they reach a model. Run in the tests, by
 * the ToolCatalog construct at synth, and by anyone adding a tool:
 *
 * ```ts
 * import { lintCatalog, formatLintIssues } from './lint';
 * const issues = lintCatalog(toolCatalog);
 * if (issues.length) throw new Error(formatLintIssues(issues));
 * ```
 *
 * Rules (ids in brackets):
 * - [name] camelCase, verb first, not generic (`getData`, `doStuff` fail); unique across the catalog,
 *   also as gateway name `<target>___<name>` [duplicate]; target lower-case [target].
 * - [description] ≥ 80 characters, says what it returns and names a unit or format
 *   (USD, days, ISO dates, YYYY-QN, "one of", characters...). "Gets revenue data" fails all three.
 * - [usage] says when to use the tool ("Use when/for/whenever/only ...").
 * - [field-description] every input and output field (nested too) has a description.
 * - [enum] a string input whose name or description reads like a closed set (region, category,
 *   system, status, type, policy name, "one of"...) must be an enum.
 * - [format] a string input that is an id, date, time, email or period must carry a pattern;
 *   any other string input needs an enum, a pattern or a maximum length (no unbounded free text).
 * - [unit] a number input must name its unit or range.
 * - [errors] at least one error condition, codes unique, each with when/agentAction sentences;
 *   a tool with inputs documents VALIDATION_ERROR.
 * - [idempotent] a mutating tool says in its description that it is idempotent.
 * - [examples] at least one; every example's input and output pass the schemas.
 * - [gateway-schema] the input/output schemas can be expressed for a gateway Lambda target.
 */
import type * as z from 'zod';
import { gatewayToolName, toGatewaySchema, toJsonSchema, type ToolDefinition } from './tool';

export type LintRule =
  | 'name'
  | 'duplicate'
  | 'target'
  | 'description'
  | 'usage'
  | 'field-description'
  | 'enum'
  | 'format'
  | 'unit'
  | 'errors'
  | 'idempotent'
  | 'examples'
  | 'gateway-schema';

export interface LintIssue {
  readonly tool: string;
  readonly rule: LintRule;
  /** JSON path of the field, e.g. `input.region`, when the issue is about one field. */
  readonly field?: string;
  readonly message: string;
}

export const MIN_DESCRIPTION = 80;
export const MIN_USAGE = 40;

const VERBS = [
  'get', 'list', 'search', 'find', 'check', 'calculate', 'compute', 'generate', 'create', 'update', 'delete', 'cancel',
  'reset', 'request', 'submit', 'approve', 'send', 'book', 'lookup', 'validate', 'summarize', 'summarise', 'estimate', 'open', 'close', 'assign', 'fetch', 'query',
];
const GENERIC_NOUNS = /^(Data|Info|Information|Stuff|Thing|Things|Item|Items|Result|Results|Details|Value|Values|Object|Record|Records)$/;
const RETURNS = /\b(returns?|lists?|gives|answers? with|yields?|responds? with|builds?|produces?)\b/i;
const UNIT_OR_FORMAT =
  /\b(USD|EUR|millions?|thousands?|days?|hours?|minutes?|seconds?|percent|ISO|YYYY[-\w]*|format|e\.g\.|one of|characters?|digits?|[0-9]+[–-][0-9]+|between)\b|%/i;
const USAGE = /\buse (it |this tool )?(when|for|whenever|only|to|if)\b/i;
const CLOSED_SET_NAME = /(region|category|categories|status|system|type|kind|level|priority|country|currency|department|policy(name)?|mode|tier|plan|environment|severity|software|product|channel|unit)s?$/i;
const CLOSED_SET_TEXT = /\bone of\b|\beither\b.+\bor\b/i;
const NEEDS_PATTERN_NAME = /(id|ids|date|time|timestamp|email|quarter|period|month|code|phone|url)$/i;

type Json = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Json>;
  items?: Json;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Json[];
};

/** Collapse optional/nullable unions to the non-null branch, keeping the outer description. */
function unwrap(s: Json): Json {
  if (s.anyOf) {
    const branch = s.anyOf.find((b) => b.type !== 'null') ?? {};
    return { ...unwrap(branch), description: s.description ?? branch.description };
  }
  return s;
}

function typeOf(s: Json): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  return s.type ?? (s.enum ? typeof s.enum[0] : s.const !== undefined ? typeof s.const : undefined);
}

function walkFields(schema: Json, path: string, visit: (name: string, s: Json, path: string) => void): void {
  const s = unwrap(schema);
  for (const [name, raw] of Object.entries(s.properties ?? {})) {
    const child = unwrap(raw);
    const childPath = `${path}.${name}`;
    visit(name, child, childPath);
    walkFields(child, childPath, visit);
    if (child.items) {
      const items = unwrap(child.items);
      if (items.properties) walkFields(items, `${childPath}[]`, visit);
      else if (typeOf(child) === 'array') visit(name, { ...items, description: items.description ?? child.description }, `${childPath}[]`);
    }
  }
}

function schemaIssues(tool: ToolDefinition, which: 'input' | 'output', schema: z.ZodType, issues: LintIssue[]): void {
  let json: Json;
  try {
    json = toJsonSchema(schema) as Json;
    toGatewaySchema(schema, `${tool.name}.${which}`);
  } catch (error) {
    issues.push({ tool: tool.name, rule: 'gateway-schema', field: which, message: `${which} schema cannot be expressed for a gateway Lambda target: ${(error as Error).message}` });
    return;
  }
  walkFields(json, which, (name, s, path) => {
    const add = (rule: LintRule, message: string) => issues.push({ tool: tool.name, rule, field: path, message });
    const type = typeOf(s);
    if (!s.description || s.description.trim().length < 8) add('field-description', `${path} has no description: say what it is, its unit or format, with an example`);
    if (which !== 'input' || path.endsWith('[]') && type === 'object') return;
    if (type === 'string' && !s.enum && s.const === undefined) {
      if (CLOSED_SET_NAME.test(name) || CLOSED_SET_TEXT.test(s.description ?? '')) {
        add('enum', `${path} reads like a closed set (${name}) but accepts any string: use z.enum([...]) with the allowed values`);
      } else if (NEEDS_PATTERN_NAME.test(name) && !s.pattern && !s.format) {
        add('format', `${path} is an identifier/date/period but has no pattern: add .regex() with the format (e.g. E12345, YYYY-MM-DD)`);
      } else if (!s.pattern && !s.format && s.maxLength === undefined) {
        add('format', `${path} is unbounded free text: add an enum, a pattern or a maximum length`);
      }
    }
    if ((type === 'number' || type === 'integer') && !UNIT_OR_FORMAT.test(s.description ?? '') && (s.minimum === undefined || s.maximum === undefined || Math.abs(s.maximum) > 1e15)) {
      add('unit', `${path} is a number without a unit or range: name the unit (USD, days, percent...) or bound it`);
    }
  });
}

/** Issues of one definition (duplicates need the whole catalog: see {@link lintCatalog}). */
export function lintTool(tool: ToolDefinition): LintIssue[] {
  const issues: LintIssue[] = [];
  const add = (rule: LintRule, message: string, field?: string) => issues.push({ tool: tool.name, rule, message, ...(field ? { field } : {}) });
  const name = tool.name ?? '';

  const verb = name.match(/^[a-z]+/)?.[0] ?? '';
  const noun = name.slice(verb.length);
  if (!/^[a-z][a-zA-Z0-9]{2,63}$/.test(name)) add('name', `name ${JSON.stringify(name)} must be camelCase, 3–64 characters, e.g. getQuarterlyRevenue`);
  else if (!VERBS.includes(verb)) add('name', `name ${name} must start with a verb (${VERBS.slice(0, 8).join(', ')}, ...)`);
  else if (!noun || GENERIC_NOUNS.test(noun)) add('name', `name ${name} is generic: say what it acts on, e.g. getQuarterlyRevenue, not getData`);
  if (!/^[a-z][a-z0-9-]{0,47}$/.test(tool.target ?? '')) add('target', `target ${JSON.stringify(tool.target)} must be lower-case letters, digits and dashes`);

  const description = tool.description ?? '';
  if (description.trim().length < MIN_DESCRIPTION) add('description', `description is ${description.trim().length} characters; at least ${MIN_DESCRIPTION}: say what the tool does, its inputs with formats and what it returns`);
  if (!RETURNS.test(description)) add('description', 'description does not say what the tool returns ("Returns ...")');
  if (!UNIT_OR_FORMAT.test(description)) add('description', 'description names no unit or format (e.g. "in millions of USD", "YYYY-QN", "one of EMEA, APAC, AMER")');
  if ((tool.usage ?? '').trim().length < MIN_USAGE || !USAGE.test(tool.usage ?? '')) add('usage', `usage must say when to use the tool ("Use when ..."), at least ${MIN_USAGE} characters`);

  schemaIssues(tool, 'input', tool.input, issues);
  schemaIssues(tool, 'output', tool.output, issues);

  const errors = tool.errors ?? [];
  if (errors.length === 0) add('errors', 'no error conditions: document at least what the agent gets for invalid input and an unavailable service');
  const codes = errors.map((e) => e.code);
  const dup = codes.filter((c, i) => codes.indexOf(c) !== i);
  if (dup.length) add('errors', `error codes listed twice: ${[...new Set(dup)].join(', ')}; merge the conditions`);
  errors.forEach((e, i) => {
    if ((e.when ?? '').trim().length < 10) add('errors', `errors[${i}] (${e.code}).when must say when it happens`);
    if ((e.agentAction ?? '').trim().length < 10) add('errors', `errors[${i}] (${e.code}).agentAction must say what the agent should do`);
  });
  if (Object.keys(tool.input.shape ?? {}).length > 0 && !codes.includes('VALIDATION_ERROR')) add('errors', 'the tool takes arguments but documents no VALIDATION_ERROR');
  if (tool.mutating && !/idempotent/i.test(description)) add('idempotent', 'a mutating tool must say in its description that it is idempotent (and for how long a retry returns the same record)');

  const examples = tool.examples ?? [];
  if (examples.length === 0) add('examples', 'no example: add a user request, the arguments and a representative result');
  examples.forEach((ex, i) => {
    if (!ex.userRequest?.trim()) add('examples', `examples[${i}].userRequest is empty`);
    const input = tool.input.safeParse(ex.input);
    if (!input.success) add('examples', `examples[${i}].input fails the input schema: ${input.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`);
    const output = tool.output.safeParse(ex.output);
    if (!output.success) add('examples', `examples[${i}].output fails the output schema: ${output.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`);
  });
  return issues;
}

/** Issues of every definition plus duplicate names. An empty list means the catalog is clean. */
export function lintCatalog(tools: readonly ToolDefinition[]): LintIssue[] {
  const issues = tools.flatMap(lintTool);
  const seen = new Map<string, number>();
  for (const t of tools) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  for (const [name, count] of seen) if (count > 1) issues.push({ tool: name, rule: 'duplicate', message: `tool name ${name} is defined ${count} times; names are unique across the catalog` });
  const byGatewayName = new Map<string, string[]>();
  for (const t of tools) {
    const key = gatewayToolName(t).toLowerCase();
    byGatewayName.set(key, [...(byGatewayName.get(key) ?? []), t.name]);
  }
  for (const [key, names] of byGatewayName) {
    if (new Set(names).size > 1) issues.push({ tool: names.join(', '), rule: 'duplicate', message: `gateway names differ only in case (${key}); a model cannot tell them apart` });
  }
  return issues;
}

/** One line per issue: `getData [description] input.x: ...`. */
export function formatLintIssues(issues: readonly LintIssue[]): string {
  return issues.map((i) => `${i.tool} [${i.rule}]${i.field ? ` ${i.field}` : ''}: ${i.message}`).join('\n');
}
