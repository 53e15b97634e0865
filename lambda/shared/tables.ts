/**
 * The DynamoDB tables of the tool catalog, specified once. The CDK construct (lib/tools), the
 * handlers, the seed loader and test/support/dynalite.ts all read this file, so a key schema or
 * an IAM action list never drifts between infrastructure and code.
 *
 * ```ts
 * import { TABLES, TARGET_TABLE_ACCESS, tableNamesFromEnv } from '../shared/tables';
 * const tables = tableNamesFromEnv(process.env); // { revenue: 'dev-revenue', ... }
 * ```
 *
 * Plain data only: nothing here imports aws-cdk-lib.
 */
import type { ToolTarget } from '../../catalog';

export interface KeySpec {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface TableSpec {
  /** Logical name, also the construct id suffix and the key of {@link TableNames}. */
  readonly key: string;
  /** Environment variable that carries the physical table name into the function. */
  readonly envVar: string;
  readonly partitionKey: KeySpec;
  readonly sortKey?: KeySpec;
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  readonly timeToLiveAttribute?: string;
  /** Reference data loaded by the dev seed loader. */
  readonly seeded: boolean;
  readonly description: string;
}

function spec<K extends string>(key: K, s: Omit<TableSpec, 'key' | 'envVar'>): TableSpec & { key: K } {
  return { key, envVar: `TABLE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, ...s };
}

export const TABLES = {
  revenue: spec('revenue', {
    partitionKey: { name: 'region', type: 'S' },
    sortKey: { name: 'quarter', type: 'S' },
    seeded: true,
    description: 'Closed quarterly revenue per sales region, millions of USD',
  }),
  employees: spec('employees', {
    partitionKey: { name: 'employeeId', type: 'S' },
    seeded: true,
    description: 'Employees and their vacation balance (no compensation data)',
  }),
  policies: spec('policies', {
    partitionKey: { name: 'policyName', type: 'S' },
    seeded: true,
    description: 'Published HR policy documents',
  }),
  holidays: spec('holidays', {
    partitionKey: { name: 'calendar', type: 'S' },
    sortKey: { name: 'date', type: 'S' },
    seeded: true,
    description: 'Public holidays; calendar = <region>#<year>, date = YYYY-MM-DD',
  }),
  hrTickets: spec('hrTickets', {
    partitionKey: { name: 'ticketId', type: 'S' },
    seeded: false,
    description: 'HR cases opened by createHRTicket',
  }),
  itUsers: spec('itUsers', {
    partitionKey: { name: 'userId', type: 'S' },
    seeded: true,
    description: 'Directory users: system accounts, licences, VPN state',
  }),
  itRequests: spec('itRequests', {
    partitionKey: { name: 'requestId', type: 'S' },
    seeded: false,
    description: 'Password resets and software access requests',
  }),
  knowledgeArticles: spec('knowledgeArticles', {
    partitionKey: { name: 'articleId', type: 'S' },
    seeded: true,
    description: 'IT knowledge base articles',
  }),
  idempotency: spec('idempotency', {
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiration',
    seeded: false,
    description: 'Powertools idempotency records of mutating tools; keys start with <target>.',
  }),
} as const;

export type TableKey = keyof typeof TABLES;
/** Physical table name per logical table. */
export type TableNames = Readonly<Record<TableKey, string>>;

export const TABLE_KEYS = Object.keys(TABLES) as TableKey[];

/** DynamoDB actions, by intent. Nothing broader is ever granted. */
export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;
export const SCAN_ACTIONS = ['dynamodb:Scan'] as const;
/** Conditional PutItem, and GetItem to find the record an earlier attempt of the same request made (create-once.ts). */
export const CREATE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'] as const;
/** What the Powertools DynamoDB persistence layer calls. */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/**
 * Exactly the actions each target's function needs on each of its tables. The idempotency table
 * is shared; each target may only touch items whose key starts with `<target>.` (IAM LeadingKeys).
 */
export const TARGET_TABLE_ACCESS: Readonly<Record<ToolTarget, Partial<Record<TableKey, readonly string[]>>>> = {
  financial: { revenue: READ_ACTIONS },
  hr: { employees: READ_ACTIONS, policies: READ_ACTIONS, holidays: READ_ACTIONS, hrTickets: CREATE_ACTIONS, idempotency: IDEMPOTENCY_ACTIONS },
  it: { itUsers: READ_ACTIONS, itRequests: CREATE_ACTIONS, knowledgeArticles: SCAN_ACTIONS, idempotency: IDEMPOTENCY_ACTIONS },
};

/** Tables a target's function touches. */
export function tablesOf(target: ToolTarget): TableKey[] {
  return Object.keys(TARGET_TABLE_ACCESS[target]) as TableKey[];
}

/** Idempotency key prefix of a tool: `<target>.<tool>`; IAM restricts a target to `<target>.*`. */
export function idempotencyKeyPrefix(target: string, tool: string): string {
  return `${target}.${tool}`;
}

/**
 * Table names from the function's environment. Tables a target does not use may be absent; a
 * handler that reaches one gets an empty name and the SDK fails, which maps to INTERNAL_ERROR.
 */
export function tableNamesFromEnv(env: NodeJS.ProcessEnv): TableNames {
  return Object.fromEntries(TABLE_KEYS.map((k) => [k, env[TABLES[k].envVar] ?? ''])) as TableNames;
}
