/** agentcore-kit: the public construct library. One export line per concept folder. */
export * from './errors';
export * from './app';
export * from './bundling';
export * from './compliance';
export * from './config';
export * from './evaluation';
export * from './gateway';
export * from './guardrails';
export * from './identity';
export * from './memory';
export * from './observability';
export * from './pipeline';
export * from './policy';
export * from './release';
export * from './runtime';
export * from './tools';
// Defining tools and agents: ToolDefinition, defineTool, the schema converters, tool results and
// errors, the lint and docs generator, the reference catalog and agent specs.
export * from '../catalog';
export * from '../catalog/agents';
export * from '../catalog/caller';
export * from '../catalog/docs';
export * from '../catalog/lint';
