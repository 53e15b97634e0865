export * from './code-evaluators';
export * from './agent-evaluation';
export * from './evaluation-datasets';
