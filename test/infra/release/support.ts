/** A test stack with a real Runtime L2, its `live` and `canary` endpoints, and the release constructs on it. */
import { App, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AgentTrafficSplit, type AgentTrafficSplitProps } from '../../../lib/release/agent-traffic-split';
import { CanaryAlarms } from '../../../lib/release/canary-alarms';
import { ReleaseController, type ReleaseControllerProps } from '../../../lib/release/release-controller';

export const ENV = { account: '111111111111', region: 'us-east-1' };

/**
 * @param bundle run esbuild for the release functions (slow); off by default, where the CDK skips
 * bundling and uses a placeholder asset.
 */
export function runtimeStack(id = 'Release', bundle = false) {
  const app = new App({ context: bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, id, { env: ENV });
  const runtime = new agentcore.Runtime(stack, 'Runtime', {
    runtimeName: 'supervisor',
    agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromImageUri('111111111111.dkr.ecr.us-east-1.amazonaws.com/supervisor:4'),
  });
  const live = runtime.addEndpoint('live', { version: '3' });
  const canary = runtime.addEndpoint('canary', { version: '4' });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  return { app, stack, runtime, live, canary, key };
}

export function splitStack(overrides: Partial<AgentTrafficSplitProps> = {}, bundle = false) {
  const s = runtimeStack('Release', bundle);
  const split = new AgentTrafficSplit(s.stack, 'Split', {
    runtime: s.runtime,
    authorizer: agentcore.GatewayAuthorizer.usingCustomJwt({ discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedClients: ['agents-app'] }),
    encryptionKey: s.key,
    ...overrides,
  });
  return { ...s, split };
}

/** @param more props that need the stack (functions, topics) */
export function releaseStack(overrides: Partial<ReleaseControllerProps> = {}, bundle = false, more?: (stack: Stack) => Partial<ReleaseControllerProps>) {
  const s = splitStack({}, bundle);
  const alarms = new CanaryAlarms(s.stack, 'CanaryAlarms', { runtime: s.runtime, errorRatePercent: 2, latencyP95Ms: 6000, throttles: 1 });
  const controller = new ReleaseController(s.stack, 'Release', {
    routing: s.split,
    rollbackAlarm: alarms.composite,
    rollout: 'CANARY_10PERCENT_10MINUTES',
    releaseName: 'supervisor',
    encryptionKey: s.key,
    ...overrides,
    ...more?.(s.stack),
  });
  return { ...s, alarms, controller, template: () => Template.fromStack(s.stack) };
}
