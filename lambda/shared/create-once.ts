/**
 * Create a record at most once per request, even when a write lands and its response is lost.
 *
 * A mutating tool runs through Powertools idempotency, which remembers a *completed* call. It does
 * not cover a PutItem that reached DynamoDB while its response did not reach us (a reset socket, a
 * timeout): the handler fails, the in-progress record is deleted, the tool answers "made no change,
 * try again", and a retry with a fresh random id would create a second record. So the id of a new
 * record is derived from the request (its idempotency key and the time window the key is
 * remembered for) and the write is conditional: the retry computes the same id, finds the record
 * the lost write made, and returns it.
 *
 * Windows: the id of window `w` is `hash(key#w)`. A retry that crosses into the next window first
 * looks up the previous window's id and returns that record while it is younger than one window;
 * an identical request after that (outside Powertools' memory too) is a new request.
 *
 * ```ts
 * const ticket = await createOnce(ctx, { table: ctx.tables.hrTickets, keyAttribute: 'ticketId', idPrefix: 'HR-',
 *   item: (ticketId, createdAt) => ({ ticketId, createdAt: createdAt.toISOString(), ... }) });
 * ```
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ToolContext } from './deps';
import { fingerprint, idFromFingerprint } from './ids';

/** Attribute holding the request fingerprint a record was created for. */
export const REQUEST_ATTRIBUTE = 'requestFingerprint';

export interface CreateOnceOptions {
  readonly table: string;
  /** The table's partition key, which holds the record id. */
  readonly keyAttribute: string;
  /** Prepended to the 8-character id, e.g. `HR-`. */
  readonly idPrefix: string;
  /** The record to store under `id`. */
  readonly item: (id: string, createdAt: Date) => Record<string, unknown>;
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** Returns the stored record: the one written now, or the one an earlier attempt of the same request wrote. */
export async function createOnce(ctx: ToolContext, options: CreateOnceOptions): Promise<Record<string, unknown>> {
  const { table, keyAttribute, idPrefix } = options;
  const now = ctx.now();
  const get = async (id: string) =>
    (await ctx.db.send(new GetCommand({ TableName: table, Key: { [keyAttribute]: id }, ConsistentRead: true }))).Item as Record<string, unknown> | undefined;
  const put = async (id: string, request?: string) => {
    const item = { ...options.item(id, now), ...(request ? { [REQUEST_ATTRIBUTE]: request } : {}) };
    await ctx.db.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': keyAttribute } }));
    return item;
  };
  const random = () => put(`${idPrefix}${ctx.newId()}`);

  const request = ctx.request;
  if (!request) return random();

  const windowMs = request.windowSeconds * 1000;
  const window = Math.floor(now.getTime() / windowMs);
  const of = (w: number) => fingerprint(`${request.key}#${w}`);

  const previous = of(window - 1);
  const earlier = await get(`${idPrefix}${idFromFingerprint(previous)}`);
  if (earlier?.[REQUEST_ATTRIBUTE] === previous && now.getTime() - Date.parse(String(earlier.createdAt)) < windowMs) return earlier;

  const current = of(window);
  const id = `${idPrefix}${idFromFingerprint(current)}`;
  try {
    return await put(id, current);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await get(id);
    if (existing?.[REQUEST_ATTRIBUTE] === current) return existing;
    // Another request's id collides with this one's (40 bits): this one takes a random id.
    return random();
  }
}
