export * from './agent-code';
export * from './agent-runtime';
export * from './perms';
export * from './reference-agents';
export * from './request-headers';
