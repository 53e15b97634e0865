import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { toGatewayToolSchema, type GatewaySchema, type ToolDefinition } from '../../catalog/tool';

const TYPES: Record<GatewaySchema['type'], agentcore.SchemaDefinitionType> = {
  string: agentcore.SchemaDefinitionType.STRING,
  number: agentcore.SchemaDefinitionType.NUMBER,
  integer: agentcore.SchemaDefinitionType.INTEGER,
  boolean: agentcore.SchemaDefinitionType.BOOLEAN,
  array: agentcore.SchemaDefinitionType.ARRAY,
  object: agentcore.SchemaDefinitionType.OBJECT,
};

/** A catalog gateway schema as the L2's `SchemaDefinition`. */
export function toSchemaDefinition(s: GatewaySchema): agentcore.SchemaDefinition {
  return {
    type: TYPES[s.type],
    ...(s.description ? { description: s.description } : {}),
    ...(s.properties ? { properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toSchemaDefinition(v)])) } : {}),
    ...(s.required ? { required: [...s.required] } : {}),
    ...(s.items ? { items: toSchemaDefinition(s.items) } : {}),
  };
}

/** The tool entries of a gateway Lambda target, derived from the catalog definitions. */
export function toToolDefinitions(tools: readonly ToolDefinition[]): agentcore.ToolDefinition[] {
  return tools.map((tool) => {
    const g = toGatewayToolSchema(tool);
    return {
      name: g.name,
      description: g.description,
      inputSchema: toSchemaDefinition(g.inputSchema),
      ...(g.outputSchema ? { outputSchema: toSchemaDefinition(g.outputSchema) } : {}),
    };
  });
}

/** The inline tool schema of a gateway Lambda target, derived from the catalog definitions. */
export function toInlineToolSchema(tools: readonly ToolDefinition[]): agentcore.ToolSchema {
  return agentcore.ToolSchema.fromInline(toToolDefinitions(tools));
}

/**
 * The same schema as an S3 asset: keeps the template small when a catalog has hundreds of tools
 * (CloudFormation templates are limited to 1 MB). The file is content-addressed, so an unchanged
 * catalog is not uploaded again.
 */
export function toAssetToolSchema(tools: readonly ToolDefinition[]): agentcore.ToolSchema {
  const body = JSON.stringify(tools.map(toGatewayToolSchema));
  const dir = path.join(os.tmpdir(), 'agentcore-kit-tool-schemas');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${crypto.createHash('sha256').update(body).digest('hex').slice(0, 32)}.json`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, body);
  return agentcore.ToolSchema.fromLocalAsset(file);
}

/** Size in bytes of the inline schema of `tools` in a template. */
export function inlineToolSchemaBytes(tools: readonly ToolDefinition[]): number {
  return Buffer.byteLength(JSON.stringify(tools.map(toGatewayToolSchema)));
}
