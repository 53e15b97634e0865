import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';

export interface TableBackupProps {
  /** Key of the backup vault (the environment's data key). */
  readonly encryptionKey: kms.IKey;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * AWS Backup for every DynamoDB table of one stack: a vault encrypted with the environment's key and
 * a daily plan kept 35 days, selecting each table by ARN. Point-in-time recovery (on every kit table)
 * covers the last 35 days to the second; the plan adds copies that survive a deleted table or a
 * deleted stack. Add it after the stack's tables exist: tables added later are not selected.
 */
export class TableBackup extends Construct {
  readonly plan: backup.BackupPlan;
  readonly tables: readonly dynamodb.Table[];

  /** Back up the tables of `stack`; undefined when it holds none. */
  static ofStack(stack: Stack, props: TableBackupProps): TableBackup | undefined {
    const tables = stack.node.findAll().filter((c): c is dynamodb.Table => c instanceof dynamodb.Table);
    return tables.length ? new TableBackup(stack, 'TableBackup', props, tables) : undefined;
  }

  /** For an environment that keeps no data: acknowledge the backup-plan finding on each table of `stack`, saying why. */
  static acknowledgeNone(stack: Stack, why: string): void {
    for (const table of stack.node.findAll().filter((c): c is dynamodb.Table => c instanceof dynamodb.Table)) {
      acknowledgeFindings(table, ['NIST.800.53.R5-DynamoDBInBackupPlan', 'HIPAA.Security-DynamoDBInBackupPlan'].map((id) => ({ id, reason: `No AWS Backup plan: ${why}` })));
    }
  }

  private constructor(scope: Construct, id: string, props: TableBackupProps, tables: readonly dynamodb.Table[]) {
    super(scope, id);
    this.tables = tables;
    const vault = new backup.BackupVault(this, 'Vault', { encryptionKey: props.encryptionKey, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN });
    this.plan = backup.BackupPlan.daily35DayRetention(this, 'Plan', vault);
    this.plan.addSelection('Tables', { resources: tables.map((t) => backup.BackupResource.fromDynamoDbTable(t)) });
    acknowledgeFindings(this.plan, [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        reason: 'The AWS Backup selection role needs the service-role policy AWS Backup maintains for taking backups; the selection limits it to these tables',
      },
    ]);
  }
}
