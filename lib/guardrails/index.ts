export * from './agent-guardrail';
export * from './perms';
export * from './types';
