/**
 * Retries for control-plane calls: exponential backoff with full jitter, a deadline per attempt, and
 * retry only on faults that can pass (throttling, 5xx, timeouts, a resource still UPDATING). Every
 * call we retry writes a complete desired state, so repeating one whose first attempt did land is safe.
 */

export interface RetryOptions {
  /** Attempts in total, including the first. @default 6 */
  readonly attempts?: number;
  /** First backoff in ms; doubles each attempt, capped by maxDelayMs. @default 200 */
  readonly baseDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /** Deadline per attempt in ms; a slower call counts as a timeout and is retried. @default 10000 */
  readonly attemptTimeoutMs?: number;
  /** Injectable for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests. @default Math.random */
  readonly random?: () => number;
  /** Called before each retry (logging). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Milliseconds the caller has left: no retry starts that could not finish in time, and no attempt
   * waits past it, so the last error reaches the caller before its own deadline does.
   * @default - no deadline
   */
  readonly remainingMs?: () => number;
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ETIMEDOUT',
]);

/** A call that did not answer within its deadline. */
export class AttemptTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.$retryable) return true;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_NAMES.has(e.code)) return true;
  if (/socket hang up|ECONNRESET|EPIPE/.test(String((error as Error).message))) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status === 429 || status >= 500);
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeoutError(ms)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Run `fn` until it succeeds, a non-retryable error occurs, or attempts run out (then the last error is thrown). */
export async function retry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 5000;
  const timeout = opts.attemptTimeoutMs ?? 10_000;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const left = opts.remainingMs ?? (() => Infinity);
  for (let attempt = 1; ; attempt++) {
    try {
      return await withDeadline(fn(), Math.max(1, Math.min(timeout, left())));
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const delay = Math.round(random() * Math.min(max, base * 2 ** (attempt - 1)));
      if (left() < delay + Math.min(timeout, 1_000)) throw error;
      opts.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
