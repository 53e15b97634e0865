import { Aws, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TOOL_TARGETS, toolsByTarget, type ToolTarget } from '../../catalog';
import type { ToolDefinition } from '../../catalog/tool';
import { TARGET_TABLE_ACCESS, type TableKey } from '../../lambda/shared/tables';
import { Problems } from '../errors';
import { DEFAULT_REMOVAL_POLICY } from './defaults';
import { ToolGroup, type ToolFunctionOptions } from './tool-group';
import { ToolSeedData } from './tool-seed-data';
import { ToolTables } from './tool-tables';
import { validateToolCatalog } from './validate-catalog';

export interface ToolCatalogProps extends ToolFunctionOptions {
  /**
   * Customer-managed key for the tables and the log groups. A `kms.Key` gets a key policy statement
   * letting CloudWatch Logs of this account and region use it; an imported key must already allow it
   * (synth warns).
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of the tables, the key created here and the log groups.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Load the reference seed data into the tables at deploy time (dev only).
   * @default false
   */
  readonly seedData?: boolean;
  /**
   * Gateway targets to deploy.
   * @default - all of the reference catalog: financial, hr, it
   */
  readonly targets?: readonly ToolTarget[];
}

/**
 * The reference tool catalog: the DynamoDB tables, one {@link ToolGroup} (function + `live` alias)
 * per gateway target, and optionally the dev seed data. The catalog is linted at construction, so a
 * vague definition fails synth.
 *
 * ```ts
 * const tools = new ToolCatalog(this, 'Tools', { encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY, seedData: true });
 * new ToolGateway(this, 'Gateway', { tools: tools.tools, targetFunctions: tools.aliases, ... }); // one target per group
 * new ToolCanaryDeployment(this, 'HrCanary', { alias: tools.aliases.hr, ... });
 * ```
 */
export class ToolCatalog extends Construct {
  readonly tables: ToolTables;
  /** One group per deployed target. */
  readonly groups: Readonly<Partial<Record<ToolTarget, ToolGroup>>>;
  readonly encryptionKey: kms.IKey;
  readonly seedData?: ToolSeedData;

  constructor(scope: Construct, id: string, props: ToolCatalogProps = {}) {
    super(scope, id);
    const targets = props.targets ?? TOOL_TARGETS;
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;

    const problems = new Problems('InvalidToolCatalog');
    problems.check(targets.length > 0, 'targets: expected at least one of financial, hr, it');
    for (const t of targets) problems.check((TOOL_TARGETS as readonly string[]).includes(t), `targets: unknown target ${JSON.stringify(t)}; expected one of ${TOOL_TARGETS.join(', ')}`);
    problems.check(new Set(targets).size === targets.length, `targets: listed twice in ${JSON.stringify(targets)}`);
    problems.throwIfAny();
    validateToolCatalog(targets.flatMap((t) => toolsByTarget[t]));

    const needed = [...new Set(targets.flatMap((t) => Object.keys(TARGET_TABLE_ACCESS[t]) as TableKey[]))];
    this.tables = new ToolTables(this, 'Tables', { encryptionKey: props.encryptionKey, removalPolicy, only: needed });
    this.encryptionKey = this.tables.encryptionKey;
    if (!allowCloudWatchLogs(this.encryptionKey)) {
      Validations.of(this).addWarning(
        'agentcore-kit:ToolLogKeyPolicy',
        'encryptionKey is imported, so its key policy cannot be changed here: allow logs.<region>.amazonaws.com to use it (kms:Encrypt*, Decrypt*, GenerateDataKey*, DescribeKey) or the log groups fail to create.',
      );
    }
    const logKey = this.encryptionKey;

    this.groups = Object.fromEntries(
      targets.map((target) => [
        target,
        new ToolGroup(this, pascal(target), {
          memorySize: props.memorySize,
          timeout: props.timeout,
          logLevel: props.logLevel,
          tracing: props.tracing,
          logRetention: props.logRetention,
          metricsNamespace: props.metricsNamespace,
          powertools: props.powertools,
          logRemovalPolicy: props.logRemovalPolicy ?? removalPolicy,
          target,
          tools: toolsByTarget[target],
          tables: this.tables.tables,
          access: TARGET_TABLE_ACCESS[target],
          logEncryptionKey: logKey,
        }),
      ]),
    );
    if (props.seedData) this.seedData = new ToolSeedData(this, 'SeedData', { tables: this.tables.tables, logRetention: props.logRetention, logEncryptionKey: logKey });
  }

  /** The Lambda function per deployed target. */
  get functions(): Readonly<Record<string, lambda.IFunction>> {
    return Object.fromEntries(Object.entries(this.groups).map(([t, g]) => [t, g!.function]));
  }

  /** The `live` alias per deployed target: what the gateway invokes and CodeDeploy shifts. */
  get aliases(): Readonly<Record<string, lambda.Alias>> {
    return Object.fromEntries(Object.entries(this.groups).map(([t, g]) => [t, g!.alias]));
  }

  /** The definitions per deployed target (for the gateway's inline schema, Cedar, docs). */
  get toolsByTarget(): Readonly<Record<string, readonly ToolDefinition[]>> {
    return Object.fromEntries(Object.entries(this.groups).map(([t, g]) => [t, g!.tools]));
  }

  /** Every deployed definition. */
  get tools(): readonly ToolDefinition[] {
    return Object.values(this.groups).flatMap((g) => g!.tools);
  }

}

function pascal(target: string): string {
  return target.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** Let CloudWatch Logs of this account and region encrypt log groups with the key. False for an imported key. */
export function allowCloudWatchLogs(key: kms.IKey): boolean {
  return key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
    }),
  ).statementAdded;
}
