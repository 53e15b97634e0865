import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { SEED_ITEMS } from '../../../lambda/shared/seed-data';
import { handle, respondToCloudFormation } from '../../../lambda/tools/seed/handler';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

/** Stands in for CloudFormation's pre-signed S3 response URL on loopback. */
let responses: { method: string; body: Record<string, unknown> }[];
let server: http.Server;
let responseUrl: string;
let db: LocalDynamo;

beforeAll(async () => {
  db = await startDynalite();
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      responses.push({ method: req.method!, body: JSON.parse(body) });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
});
afterAll(async () => {
  await db.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => (responses = []));

const event = (RequestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent =>
  ({
    RequestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:seed',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/tools/1',
    RequestId: 'r1',
    LogicalResourceId: 'Seed',
    ResourceType: 'Custom::ToolSeedData',
    ResourceProperties: { ServiceToken: 'x' },
    ...(RequestType === 'Create' ? {} : { PhysicalResourceId: 'tool-seed-data', OldResourceProperties: {} }),
  }) as CloudFormationCustomResourceEvent;

const count = async (table: string) => (await db.client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count;

test('Create loads every seeded table and answers SUCCESS with a PUT to the response URL', async () => {
  await handle(event('Create'), { client: db.client, tables: db.tables, respond: respondToCloudFormation });
  expect(responses).toEqual([
    {
      method: 'PUT',
      body: expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'tool-seed-data', RequestId: 'r1', LogicalResourceId: 'Seed' }),
    },
  ]);
  expect(await count(db.tables.revenue)).toBe(SEED_ITEMS.revenue!.length);
  expect(await count(db.tables.holidays)).toBe(SEED_ITEMS.holidays!.length);
  expect(await count(db.tables.hrTickets)).toBe(0);
});

test('Update is idempotent: same keys, same item counts', async () => {
  await handle(event('Update'), { client: db.client, tables: db.tables, respond: respondToCloudFormation });
  expect(responses.map((r) => r.body.Status)).toEqual(['SUCCESS']);
  expect(await count(db.tables.employees)).toBe(SEED_ITEMS.employees!.length);
});

test('Delete writes nothing and answers SUCCESS', async () => {
  const result = await handle(event('Delete'), { client: db.client, tables: { revenue: 'gone' }, respond: respondToCloudFormation });
  expect(result.Status).toBe('SUCCESS');
  expect(responses.map((r) => r.body.Status)).toEqual(['SUCCESS']);
});

test('a failure still answers CloudFormation, with a short reason and no stack trace', async () => {
  const result = await handle(event('Create'), { client: db.client, tables: { revenue: 'missing-table' }, respond: respondToCloudFormation });
  expect(result).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^Seeding the tool tables failed \(ResourceNotFoundException: /) });
  expect(String(result.Reason)).not.toMatch(/\n\s+at /);
  expect(responses.map((r) => r.body.Status)).toEqual(['FAILED']);
});
