/**
 * Per-user fixed-window rate limiting on a DynamoDB counter table: one item per (user, minute),
 * incremented atomically, expired by DynamoDB TTL two minutes after its window.
 *
 * Table: partition key `key` (S) = `<subject>#<window start, epoch minutes>`, attributes `count` (N)
 * and `expiresAt` (N, epoch seconds, the table's TTL attribute).
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { RATE_LIMIT_KEY, RATE_LIMIT_TTL_ATTRIBUTE } from './rate-limit-table';

export { RATE_LIMIT_KEY, RATE_LIMIT_TTL_ATTRIBUTE };

export interface RateDecision {
  readonly allowed: boolean;
  /** Calls in the current window, this one included. */
  readonly count: number;
  readonly limit: number;
  /** Seconds until the window resets. */
  readonly retryAfterSeconds: number;
}

export interface RateLimiter {
  consume(subject: string, now: Date): Promise<RateDecision>;
}

export interface DynamoRateLimiterProps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Calls a subject may make per minute. */
  readonly limitPerMinute: number;
}

export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly props: DynamoRateLimiterProps) {
    if (!Number.isInteger(props.limitPerMinute) || props.limitPerMinute < 1) {
      throw new Error(`limitPerMinute: expected a whole number of at least 1, got ${props.limitPerMinute}`);
    }
  }

  async consume(subject: string, now: Date): Promise<RateDecision> {
    const epochSeconds = Math.floor(now.getTime() / 1000);
    const windowStart = Math.floor(epochSeconds / 60);
    const out = await this.props.client.send(
      new UpdateItemCommand({
        TableName: this.props.tableName,
        Key: { [RATE_LIMIT_KEY]: { S: `${subject}#${windowStart}` } },
        UpdateExpression: 'ADD #count :one SET #exp = if_not_exists(#exp, :exp)',
        ExpressionAttributeNames: { '#count': 'count', '#exp': RATE_LIMIT_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':exp': { N: String((windowStart + 2) * 60) } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Number(out.Attributes?.count?.N ?? '1');
    return {
      allowed: count <= this.props.limitPerMinute,
      count,
      limit: this.props.limitPerMinute,
      retryAfterSeconds: (windowStart + 1) * 60 - epochSeconds,
    };
  }
}
