/**
 * Writes the reference seed data (seed-data.ts) into the tables: used by the dev seed loader
 * Lambda and by `startDynalite({ seed: true })`. Puts are idempotent (same keys, same items).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SEED_ITEMS } from './seed-data';
import type { TableKey, TableNames } from './tables';

const BATCH = 25;

/** Load every seeded table; returns the number of items written per table. */
export async function loadSeedData(client: DynamoDBClient, tables: Partial<TableNames>, only?: readonly TableKey[]): Promise<Record<string, number>> {
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const written: Record<string, number> = {};
  for (const [key, items] of Object.entries(SEED_ITEMS) as [TableKey, readonly Record<string, unknown>[]][]) {
    const tableName = tables[key];
    if (!tableName || (only && !only.includes(key))) continue;
    for (let i = 0; i < items.length; i += BATCH) {
      let pending = items.slice(i, i + BATCH).map((item) => ({ PutRequest: { Item: item as Record<string, unknown> } }));
      for (let attempt = 0; pending.length && attempt < 5; attempt++) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
        if (pending.length) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
      if (pending.length) throw new Error(`Seeding ${tableName}: ${pending.length} items left unprocessed after 5 attempts`);
    }
    written[key] = items.length;
  }
  return written;
}
