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

/** The inline tool schema of a gateway Lambda target, derived from the catalog definitions. */
export function toInlineToolSchema(tools: readonly ToolDefinition[]): agentcore.ToolSchema {
  return agentcore.ToolSchema.fromInline(
    tools.map((tool) => {
      const g = toGatewayToolSchema(tool);
      return {
        name: g.name,
        description: g.description,
        inputSchema: toSchemaDefinition(g.inputSchema),
        ...(g.outputSchema ? { outputSchema: toSchemaDefinition(g.outputSchema) } : {}),
      };
    }),
  );
}
