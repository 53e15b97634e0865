export * from './agent-memory';
export * from './perms';
export * from './memory-strategies';
