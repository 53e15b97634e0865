/**
 * What a tool handler needs, built once and injectable: the DynamoDB document client, the table
 * names, the Powertools idempotency store, a clock and an id generator.
 *
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { createToolDeps } from '../shared/deps';
 * // In a Lambda: table names from the environment, SDK defaults plus 3 attempts with backoff.
 * const deps = createToolDeps({ tables: tableNamesFromEnv(process.env) });
 * // In a test or a local server: any client, e.g. one pointed at dynalite.
 * const deps = createToolDeps({ client: new DynamoDBClient({ endpoint, region: 'local', credentials }), tables });
 * ```
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { newId } from './ids';
import { TABLES, type TableNames } from './tables';

/** Attempts (first call + retries, exponential backoff with jitter) before SERVICE_UNAVAILABLE. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Everything a pure tool handler may use. */
export interface ToolContext {
  readonly db: DynamoDBDocumentClient;
  readonly tables: TableNames;
  /** Current time; injected so tests are deterministic. */
  readonly now: () => Date;
  /** 8-character record id generator. */
  readonly newId: () => string;
  /**
   * Set by the dispatcher for mutating tools: the request's idempotency key and how long a retry
   * of it is recognised. New record ids derive from it (see create-once.ts).
   */
  readonly request?: RequestIdentity;
}

export interface RequestIdentity {
  /** `<target>.<tool>#<canonical JSON of the validated input>` */
  readonly key: string;
  readonly windowSeconds: number;
}

/** A ToolContext plus what the dispatcher adds around mutating tools. */
export interface ToolDeps extends ToolContext {
  /**
   * Persistence of idempotency records for one key prefix (`<target>.<tool>`); mutating tools run
   * through it. One store per prefix, because a Powertools store holds its key prefix as state.
   */
  readonly idempotencyStore: (keyPrefix: string) => BasePersistenceLayer;
  /** How long a completed create is remembered (a retry within it returns the same record). */
  readonly idempotencyTtlSeconds: number;
}

interface CommonOptions {
  readonly tables: TableNames;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** @default 3600 */
  readonly idempotencyTtlSeconds?: number;
}

/** Either a ready DynamoDB client or a client config, never both. */
export type CreateToolDepsOptions = CommonOptions &
  ({ readonly client: DynamoDBClient; readonly clientConfig?: never } | { readonly client?: never; readonly clientConfig?: DynamoDBClientConfig });

/** The client configuration the tools use: bounded timeouts and retries with backoff. */
export function defaultClientConfig(overrides: DynamoDBClientConfig = {}): DynamoDBClientConfig {
  return {
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    ...overrides,
  };
}

export function createToolDeps(options: CreateToolDepsOptions): ToolDeps {
  const client = options.client ?? new DynamoDBClient(defaultClientConfig(options.clientConfig));
  const stores = new Map<string, BasePersistenceLayer>();
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    tables: options.tables,
    now: options.now ?? (() => new Date()),
    newId: options.newId ?? newId,
    idempotencyStore: (keyPrefix) => {
      let store = stores.get(keyPrefix);
      if (!store) {
        store = new DynamoDBPersistenceLayer({
          tableName: options.tables.idempotency,
          keyAttr: TABLES.idempotency.partitionKey.name,
          expiryAttr: TABLES.idempotency.timeToLiveAttribute,
          awsSdkV3Client: client,
        });
        stores.set(keyPrefix, store);
      }
      return store;
    },
    idempotencyTtlSeconds: options.idempotencyTtlSeconds ?? 3600,
  };
}
