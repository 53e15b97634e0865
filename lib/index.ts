/** agentcore-kit: the public construct library. One export line per concept folder. */
export * from './errors';
export * from './app';
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
