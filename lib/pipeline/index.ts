export * from './agent-pipeline';
export * from './agent-platform-stage';
export * from './commands';
