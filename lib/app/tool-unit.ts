import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ToolTarget } from '../../catalog';
import type { ToolDefinition } from '../../catalog/tool';
import type { EnvironmentConfig } from '../config';
import { ToolCanaryDeployment } from '../release';
import { ToolCatalog, ToolGroup } from '../tools';

/** A tool group brought by a team: its definitions and the handler serving them. */
export interface ToolGroupSpec {
  /** Gateway target name. */
  readonly target: string;
  readonly tools: readonly ToolDefinition[];
  /** Handler entry point (TypeScript), following the gateway Lambda-target contract. */
  readonly entry?: string;
}

export interface DeployedToolGroup {
  readonly target: string;
  readonly group: ToolGroup;
  /** CodeDeploy canary on the group's `live` alias. */
  readonly deployment: ToolCanaryDeployment;
}

interface UnitProps {
  readonly config: EnvironmentConfig;
  readonly key: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

function canary(group: ToolGroup, config: EnvironmentConfig): ToolCanaryDeployment {
  return new ToolCanaryDeployment(group, 'Deployment', {
    alias: group.alias,
    deploymentConfig: config.release.toolDeployment,
    durationP95Ms: config.alarms.toolLatencyP95Ms,
    evaluationPeriods: config.alarms.evaluationPeriods,
  });
}

/** Builders of the tool workload units the platform places into its stacks. */
export const buildToolUnit = {
  /** The reference catalog's tables, functions and seed data. */
  reference(stack: Stack, props: UnitProps & { readonly targets: readonly ToolTarget[] }): DeployedToolGroup[] {
    const catalog = new ToolCatalog(stack, 'Tools', {
      targets: props.targets,
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
      logRetention: props.logRetention,
      seedData: props.config.seedData,
    });
    return Object.values(catalog.groups).map((group) => ({ target: group!.target, group: group!, deployment: canary(group!, props.config) }));
  },

  /** A team's tool group: one function, no tables of the reference catalog. */
  custom(stack: Stack, props: UnitProps & { readonly spec: ToolGroupSpec }): DeployedToolGroup {
    const group = new ToolGroup(stack, `Tools-${props.spec.target}`, {
      target: props.spec.target,
      tools: props.spec.tools,
      tables: {},
      access: {},
      entry: props.spec.entry,
      logRetention: props.logRetention,
      logRemovalPolicy: props.removalPolicy,
      // The foundation key lets CloudWatch Logs of the account use it.
      logEncryptionKey: props.key,
    });
    return { target: group.target, group, deployment: canary(group, props.config) };
  },
};
