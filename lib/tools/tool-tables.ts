import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, TABLE_KEYS, type KeySpec, type TableKey, type TableSpec } from '../../lambda/shared/tables';
import { DEFAULT_REMOVAL_POLICY } from './defaults';

export interface ToolTablesProps {
  /**
   * Customer-managed key encrypting every table.
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the tables (and a key created here) when they leave the stack. Use
   * `RemovalPolicy.DESTROY` only for disposable environments.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Which tables to create.
   * @default - every table of lambda/shared/tables.ts
   */
  readonly only?: readonly TableKey[];
}

const attr = (k: KeySpec): dynamodb.Attribute => ({ name: k.name, type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER });

/**
 * The DynamoDB tables of the tool catalog, as specified once in lambda/shared/tables.ts: on-demand,
 * encrypted with a customer-managed KMS key, point-in-time recovery on, TTL where items expire.
 */
export class ToolTables extends Construct {
  /** Tables by logical name. */
  readonly tables: Readonly<Partial<Record<TableKey, dynamodb.Table>>>;
  /** The key encrypting the tables. */
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ToolTablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the tool catalog tables',
        enableKeyRotation: true,
        removalPolicy,
      });
    const keys = props.only ?? TABLE_KEYS;
    this.tables = Object.fromEntries(keys.map((key) => [key, this.table(TABLES[key], removalPolicy)]));
  }

  /** The table of a logical name; throws when it was not created here. */
  get(key: TableKey): dynamodb.Table {
    const t = this.tables[key];
    if (!t) throw new Error(`ToolTables ${this.node.path} has no ${key} table`);
    return t;
  }

  private table(spec: TableSpec, removalPolicy: RemovalPolicy): dynamodb.Table {
    const id = spec.key.charAt(0).toUpperCase() + spec.key.slice(1);
    return new dynamodb.Table(this, id, {
      partitionKey: attr(spec.partitionKey),
      sortKey: spec.sortKey ? attr(spec.sortKey) : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: spec.timeToLiveAttribute,
      removalPolicy,
    });
  }
}
