export * from './code-evaluators';
export * from './agent-evaluation';
export * from './evaluation-datasets';
export * from './judge-definitions';
export * from './judge-evaluators';
