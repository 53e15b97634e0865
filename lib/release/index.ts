export * from './agent-traffic-split';
export * from './canary-alarms';
export * from './release-controller';
export * from './rollout-plan';
export * from './tool-canary-deployment';
