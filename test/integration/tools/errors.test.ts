import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toolCatalog } from '../../../catalog';
import { createToolDeps } from '../../../lambda/shared/deps';
import { TABLE_KEYS, type TableNames } from '../../../lambda/shared/tables';
import { dispatchTool as dispatchAny } from '../../../lambda/tools/dispatch';
import { checked } from './support/checked-dispatch';
import { LOCAL_CREDENTIALS, startDynalite } from '../../../local/dynalite';

/** Every success is parsed by the tool's catalog output schema. */
const dispatchTool = checked(dispatchAny);

/** A TCP server that accepts and immediately resets every connection: a store that is down. */
async function resettingServer() {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const tables = Object.fromEntries(TABLE_KEYS.map((k) => [k, `t-${k}`])) as TableNames;

describe('downstream unavailable', () => {
  test('a read retries with backoff (3 attempts), then returns a retryable SERVICE_UNAVAILABLE without internals', async () => {
    const down = await resettingServer();
    const client = new DynamoDBClient({ endpoint: down.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });
    const deps = createToolDeps({ client, tables });
    try {
      const result = await dispatchTool('getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' }, deps);
      expect(result).toEqual({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'The finance data service is temporarily unavailable; getQuarterlyRevenue made no change. Try again in a few minutes.',
          retryable: true,
        },
      });
      expect(down.connections()).toBe(3);
    } finally {
      client.destroy();
      await down.close();
    }
  });

  test('a create whose idempotency store is down is SERVICE_UNAVAILABLE without leaking the network error', async () => {
    const down = await resettingServer();
    const client = new DynamoDBClient({ endpoint: down.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
    const deps = createToolDeps({ client, tables });
    try {
      const result = await dispatchTool('createHRTicket', { employeeId: 'E10001', category: 'leave', description: 'Please move my leave to next week.' }, deps);
      expect(result).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
      expect(JSON.stringify(result)).not.toMatch(/ECONNRESET|at .*\.js|stack/);
    } finally {
      client.destroy();
      await down.close();
    }
  });

  test('a stopped store (connection refused) is SERVICE_UNAVAILABLE for every tool that reads it', async () => {
    const db = await startDynalite({ seed: false });
    await db.stop();
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
    const deps = createToolDeps({ client, tables: db.tables });
    const dataTools = toolCatalog.filter((t) => t.errors.some((e) => e.code === 'SERVICE_UNAVAILABLE'));
    const codes = await Promise.all(dataTools.map(async (t) => [t.name, ((await dispatchTool(t.name, t.examples[0].input, deps)) as { error: { code: string } }).error.code]));
    expect(codes).toEqual(dataTools.map((t) => [t.name, 'SERVICE_UNAVAILABLE']));
    client.destroy();
  });
});

test('a defect (missing table) is INTERNAL_ERROR, not retryable, and the original error reaches onError only', async () => {
  const db = await startDynalite({ seed: false, prefix: 'errors-' });
  try {
    const deps = createToolDeps({ client: db.client, tables: { ...db.tables, policies: 'no-such-table' } });
    const seen: unknown[] = [];
    const result = await dispatchTool('getPolicy', { policyName: 'vacation' }, deps, { onError: (error) => seen.push(error) });
    expect(result).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'getPolicy failed unexpectedly and made no change. The failure was logged for the operators.', retryable: false },
    });
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).name).toBe('ResourceNotFoundException');
  } finally {
    await db.stop();
  }
});

test('an unknown tool name is a validation error naming the tool name', async () => {
  const db = await startDynalite();
  try {
    const deps = createToolDeps({ client: db.client, tables: db.tables });
    expect(await dispatchTool('getData', {}, deps)).toMatchObject({ error: { code: 'VALIDATION_ERROR', fields: [{ field: '(tool name)' }] } });
    expect(await dispatchTool('hr___getQuarterlyRevenue', {}, deps)).toMatchObject({ error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('Unknown tool "hr___getQuarterlyRevenue"') } });
    expect(await dispatchTool('getPolicy', 'vacation', deps)).toMatchObject({ error: { code: 'VALIDATION_ERROR', fields: [{ field: '(arguments)', expected: 'expected an object of named arguments' }] } });
  } finally {
    await db.stop();
  }
});
