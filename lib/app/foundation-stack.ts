import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';

export interface FoundationStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** Shared, long-lived resources every other stack of an environment uses. */
export class FoundationStack extends Stack {
  /** Customer-managed key for every stateful resource of the environment. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/agentcore-kit/${config.name}`,
      description: `agentcore-kit ${config.name}: encryption of tool data, memory, logs and gateway`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
