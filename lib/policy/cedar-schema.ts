/**
 * The Cedar schema of a tool catalog, shaped the way AgentCore Policy generates it from a gateway's
 * MCP tool manifest:
 *
 * - principal `AgentCore::OAuthUser` (id = JWT `sub`); JWT claims are entity *tags* of type String,
 *   read with `principal.hasTag("role") && principal.getTag("role")`;
 * - resource `AgentCore::Gateway` (id = gateway ARN);
 * - one action per tool, `AgentCore::Action::"<target>___<tool>"`, member of `CallTool` → `Mcp`;
 * - `context.input` typed from the tool's gateway input schema (string → String, integer → Long,
 *   boolean → Bool, number → decimal, array → Set, object → record; not required → optional).
 *
 * Plain code (no aws-cdk-lib): the construct, the tests and the local tool server share it.
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/policy-schema-constraints.html
 */
import { gatewayToolName, toGatewayInputSchema, type GatewaySchema, type ToolDefinition } from '../../catalog/tool';

export const CEDAR_NAMESPACE = 'AgentCore';
export const PRINCIPAL_TYPE = `${CEDAR_NAMESPACE}::OAuthUser`;
export const RESOURCE_TYPE = `${CEDAR_NAMESPACE}::Gateway`;
export const ACTION_TYPE = `${CEDAR_NAMESPACE}::Action`;

/** The Cedar action id of a tool: its gateway name. */
export function cedarActionId(tool: Pick<ToolDefinition, 'target' | 'name'>): string {
  return gatewayToolName(tool);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const attrName = (name: string) => (IDENT.test(name) ? name : JSON.stringify(name));

function cedarType(s: GatewaySchema, indent: string): string {
  switch (s.type) {
    case 'string':
      return 'String';
    case 'integer':
      return 'Long';
    case 'boolean':
      return 'Bool';
    case 'number':
      return 'decimal';
    case 'array':
      return `Set<${s.items ? cedarType(s.items, indent) : 'String'}>`;
    case 'object':
      return cedarRecord(s, indent);
  }
}

function cedarRecord(s: GatewaySchema, indent: string): string {
  const entries = Object.entries(s.properties ?? {});
  if (!entries.length) return '{}';
  const required = new Set(s.required ?? []);
  const inner = `${indent}  `;
  const lines = entries.map(([k, v]) => `${inner}${attrName(k)}${required.has(k) ? '' : '?'}: ${cedarType(v, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** The Cedar schema (human-readable syntax) of the given tools. */
export function cedarSchemaFor(tools: readonly ToolDefinition[]): string {
  const actions = tools.map((tool) => {
    const input = cedarRecord(toGatewayInputSchema(tool), '      ');
    return [
      `  action "${cedarActionId(tool)}" in ["CallTool"] appliesTo {`,
      `    principal: [OAuthUser],`,
      `    resource: [Gateway],`,
      `    context: {`,
      `      input: ${input}`,
      `    }`,
      `  };`,
    ].join('\n');
  });
  return [
    `namespace ${CEDAR_NAMESPACE} {`,
    `  // The caller; JWT claims are tags (String).`,
    `  entity OAuthUser = { id: String } tags String;`,
    `  entity Gateway;`,
    `  action "Mcp";`,
    `  action "CallTool" in ["Mcp"];`,
    ...actions,
    `}`,
    '',
  ].join('\n');
}

type CedarValue = string | number | boolean | null | CedarValue[] | { [k: string]: CedarValue } | { __extn: { fn: string; arg: string } };

/** Cedar decimals carry at most 4 fractional digits and always a decimal point. */
function toDecimal(n: number): CedarValue {
  return { __extn: { fn: 'decimal', arg: n.toFixed(4) } };
}

function convert(value: unknown, s: GatewaySchema | undefined): CedarValue {
  if (value === null || value === undefined) return null;
  if (s?.type === 'number' && typeof value === 'number') return toDecimal(value);
  if (Array.isArray(value)) return value.map((v) => convert(v, s?.items));
  if (typeof value === 'object') {
    const out: Record<string, CedarValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined && v !== null) out[k] = convert(v, s?.properties?.[k]);
    }
    return out;
  }
  return value as CedarValue;
}

/** The Cedar request context of a tool call: `{ input: <arguments> }` with numbers as decimals. */
export function cedarContextFor(tool: ToolDefinition, input: Record<string, unknown>): { input: CedarValue } {
  return { input: convert(input, toGatewayInputSchema(tool)) };
}
