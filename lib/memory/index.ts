export * from './agent-memory';
export * from './perms';
