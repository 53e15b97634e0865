/**
 * A real DynamoDB-compatible server (dynalite, in memory) on 127.0.0.1 with a random port, with
 * every table of the tool catalog created — including the Powertools idempotency table — and
 * optionally the reference seed data loaded.
 *
 * ```ts
 * import { startDynalite, type LocalDynamo } from '../../local/dynalite'; // from a test two folders deep
 * import { createToolDeps } from '../lambda/shared/deps';
 * let db: LocalDynamo;
 * beforeAll(async () => { db = await startDynalite({ seed: true }); });
 * afterAll(() => db.stop());
 * const deps = createToolDeps({ client: db.client, tables: db.tables, now: () => new Date('2026-11-26T09:00:00Z') });
 * ```
 *
 * `stop()` destroys the client and closes the server, so jest sees no open handles.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, type AttributeDefinition, type DynamoDBClientConfig, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { loadSeedData } from '../lambda/shared/seed';
import { TABLES, TABLE_KEYS, type TableNames, type TableSpec } from '../lambda/shared/tables';

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A client pointed at the server (fake static credentials, region `local`). */
  readonly client: DynamoDBClient;
  /** Physical table name per logical table. */
  readonly tables: TableNames;
  /** Another client at the same endpoint, e.g. with a different retry policy. */
  newClient(config?: DynamoDBClientConfig): DynamoDBClient;
  /** Destroy every client made here and close the server. */
  stop(): Promise<void>;
}

export interface StartDynaliteOptions {
  /** Load the reference seed data. @default false */
  readonly seed?: boolean;
  /** Physical table name prefix. @default 'test-' */
  readonly prefix?: string;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createTableInput(spec: TableSpec, tableName: string) {
  const keys = [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : [])];
  const KeySchema: KeySchemaElement[] = keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' }));
  const AttributeDefinitions: AttributeDefinition[] = keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
  return { TableName: tableName, KeySchema, AttributeDefinitions, BillingMode: 'PAY_PER_REQUEST' as const };
}

export async function startDynalite(options: StartDynaliteOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const newClient = (config: DynamoDBClientConfig = {}) => {
    const c = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 3, ...config });
    clients.push(c);
    return c;
  };
  const client = newClient();
  const prefix = options.prefix ?? 'test-';
  const tables = Object.fromEntries(TABLE_KEYS.map((k) => [k, `${prefix}${k}`])) as TableNames;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of clients) c.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    for (const key of TABLE_KEYS) await client.send(new CreateTableCommand(createTableInput(TABLES[key], tables[key])));
    if (options.seed) await loadSeedData(client, tables);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, tables, newClient, stop };
}
