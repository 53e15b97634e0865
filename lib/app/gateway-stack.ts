import { Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ToolDefinition } from '../../catalog/tool';
import type { EnvironmentConfig } from '../config';
import { ToolGateway } from '../gateway';
import type { IInboundIdentity } from '../identity';
import type { DeployedToolGroup } from './tool-unit';

export interface GatewayStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly tools: readonly ToolDefinition[];
  readonly toolGroups: readonly DeployedToolGroup[];
  readonly identity: IInboundIdentity;
  readonly key: kms.IKey;
  /** @default - the kit's policies/ folder */
  readonly policyDir?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

/** The tool front door: MCP gateway with semantic search, interceptor and Cedar policy engine. */
export class GatewayStack extends Stack {
  readonly tools: ToolGateway;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.tools = new ToolGateway(this, 'ToolGateway', {
      gatewayName: `agentcore-kit-${config.name}-tools`,
      tools: props.tools,
      targetFunctions: Object.fromEntries(props.toolGroups.map((g) => [g.target, g.group.alias])),
      identity: props.identity,
      kmsKey: props.key,
      rateLimitPerUserPerMinute: config.gateway.rateLimitPerUserPerMinute,
      exceptionLevel: config.gateway.exceptionLevel,
      policyMode: config.policy.mode,
      policyDir: props.policyDir,
      removalPolicy: props.removalPolicy,
      logRetention: props.logRetention,
    });
  }
}
