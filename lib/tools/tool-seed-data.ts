import * as crypto from 'node:crypto';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SEED_ITEMS } from '../../lambda/shared/seed-data';
import { TABLES, type TableKey } from '../../lambda/shared/tables';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { acknowledgeFunctionBaseline } from '../compliance/packs';
import { functionRole } from '../compliance/function-role';
import { DEFAULT_LOG_RETENTION, KEY_WRITE_ACTIONS, TOOL_ARCHITECTURE, TOOL_RUNTIME } from './defaults';
import { KIT_FUNCTIONS, kitLambdaCode } from '../bundling';

export interface ToolSeedDataProps {
  /** The tables to seed, by logical name; tables without seed data are ignored. */
  readonly tables: Readonly<Partial<Record<TableKey, dynamodb.ITable>>>;
  /**
   * Retention of the loader's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key the loader's log group is encrypted with (its policy must let CloudWatch Logs use it).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * Loads the reference seed data (lambda/shared/seed-data.ts) into the tool tables at deploy time —
 * for dev environments. A custom resource invoked by CloudFormation directly (no provider framework,
 * no wildcard invoke permissions); it re-runs whenever the seed data changes.
 */
export class ToolSeedData extends Construct {
  readonly function: lambda.Function;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ToolSeedDataProps) {
    super(scope, id);
    const seeded = (Object.keys(SEED_ITEMS) as TableKey[]).filter((k) => props.tables[k]);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptionKey: props.logEncryptionKey,
    });
    const role = functionRole(this, 'Role', logGroup, 'Dev seed-data loader of the tool tables');
    for (const key of seeded) {
      const table = props.tables[key]!;
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:BatchWriteItem'], resources: [table.tableArn] }));
      table.encryptionKey?.grant(role, ...KEY_WRITE_ACTIONS);
    }
    this.function = new lambda.Function(this, 'Function', {
      code: kitLambdaCode(KIT_FUNCTIONS.seedData),
      handler: 'index.handler',
      runtime: TOOL_RUNTIME,
      architecture: TOOL_ARCHITECTURE,
      memorySize: 256,
      timeout: Duration.minutes(2),
      role,
      logGroup,
      description: 'Loads reference seed data into the tool tables (dev)',
      environment: Object.fromEntries(seeded.map((k) => [TABLES[k].envVar, props.tables[k]!.tableName])),
    });
    const version = crypto.createHash('sha256').update(JSON.stringify(SEED_ITEMS)).digest('hex').slice(0, 16);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::ToolSeedData',
      properties: { version, tables: seeded.map((k) => props.tables[k]!.tableName) },
    });
    acknowledgeFindings(this.function, [{ id: 'AwsSolutions-L1', reason: 'The seed loader shares the tool functions’ pinned Node.js 22 runtime.' }]);
    acknowledgeFunctionBaseline(this.function, { kind: 'custom-resource', caller: 'Custom::ToolSeedData (dev seed data)' });
    acknowledgeFindings(this.function, [{ id: 'Serverless-LambdaTracing', reason: 'Runs once per change of the dev seed data, at deploy; its log group and the custom resource’s status are the record, a trace adds nothing' }]);
  }
}
