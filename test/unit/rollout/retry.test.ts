import { isRetryable, retry } from '../../../lambda/rollout/core/retry';

const named = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const noSleep = { sleep: async () => {} };

describe('retry', () => {
  test('throttling, 5xx, conflicts, timeouts and dropped sockets are retried; validation and access errors are not', () => {
    expect(['ThrottlingException', 'InternalServerException', 'ConflictException', 'TimeoutError'].map((n) => isRetryable(named(n)))).toEqual([true, true, true, true]);
    expect(isRetryable(named('Whatever', 503))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(['ValidationException', 'AccessDeniedException', 'ResourceNotFoundException'].map((n) => isRetryable(named(n, 400)))).toEqual([false, false, false]);
  });

  test('a non-retryable error is thrown at once', async () => {
    let calls = 0;
    await expect(retry(async () => { calls++; throw named('ValidationException', 400); }, noSleep)).rejects.toThrow('ValidationException');
    expect(calls).toBe(1);
  });

  test('gives up after the attempts with the last error', async () => {
    let calls = 0;
    await expect(retry(async () => { calls++; throw named('ThrottlingException', 429); }, { ...noSleep, attempts: 4 })).rejects.toThrow('ThrottlingException');
    expect(calls).toBe(4);
  });

  test('backoff doubles and is capped', async () => {
    const delays: number[] = [];
    await expect(
      retry(async () => { throw named('ThrottlingException'); }, { attempts: 6, baseDelayMs: 100, maxDelayMs: 500, random: () => 1, sleep: async (ms) => void delays.push(ms) }),
    ).rejects.toThrow();
    expect(delays).toEqual([100, 200, 400, 500, 500]);
  });

  test('an attempt that does not answer in time is retried', async () => {
    let calls = 0;
    const result = await retry(
      () => {
        calls++;
        return calls === 1 ? new Promise<string>(() => {}) : Promise.resolve('ok');
      },
      { ...noSleep, attemptTimeoutMs: 20 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(2);
  });
});
