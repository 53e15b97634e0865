export * from './agent-memory';
export * from './perms';
export * from './memory-credential-vendor';
export * from './memory-strategies';
