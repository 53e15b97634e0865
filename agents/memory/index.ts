export * from './namespaces';
export * from './store';
export * from './in-process-memory';
export * from './agentcore-memory';
export * from './credentials';
