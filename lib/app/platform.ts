import { Tags, type Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { FoundationStack } from './foundation-stack';

export interface AgentPlatformProps {
  readonly config: EnvironmentConfig;
}

/**
 * The reference platform of one environment: the stacks, in dependency order. `scope` is an App
 * (`cdk deploy -c env=...`) or a Stage (pipelines). Stacks compose constructs and hold no resource logic.
 */
export class AgentPlatform {
  readonly stacks: Stack[] = [];
  readonly foundation: FoundationStack;

  constructor(scope: Construct, props: AgentPlatformProps) {
    const { config } = props;
    const env = config.account || config.region ? { account: config.account, region: config.region } : undefined;
    const prefix = `AgentCoreKit-${config.name}`;

    this.foundation = new FoundationStack(scope, `${prefix}-Foundation`, { config, env });
    this.stacks.push(this.foundation);

    for (const stack of this.stacks) {
      Tags.of(stack).add('project', 'agentcore-kit');
      for (const [k, v] of Object.entries(config.tags)) Tags.of(stack).add(k, v);
    }
  }
}
