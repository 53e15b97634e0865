import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { isToolError } from '../../../catalog';
import { createToolDeps, type ToolDeps } from '../../../lambda/shared/deps';
import { SEED } from '../../../lambda/shared/seed-data';
import { dispatchTool } from '../../../lambda/tools/dispatch';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

let db: LocalDynamo;
let deps: ToolDeps;
beforeAll(async () => {
  db = await startDynalite({ seed: true });
  deps = createToolDeps({ client: db.client, tables: db.tables, now: () => new Date('2026-11-26T09:30:00.000Z') });
});
afterAll(() => db.stop());

async function scan(table: string) {
  const { Items = [] } = await db.client.send(new ScanCommand({ TableName: table }));
  return Items;
}

const ticket = { employeeId: 'E10004', category: 'benefits', description: 'Please explain how to add my partner to the health plan.' };

test('a duplicated createHRTicket call creates exactly one ticket and returns the same result', async () => {
  const first = await dispatchTool('hr___createHRTicket', ticket, deps);
  const second = await dispatchTool('hr___createHRTicket', { ...ticket }, deps);
  expect(second).toEqual(first);
  const stored = (await scan(db.tables.hrTickets)).filter((i) => i.employeeId.S === 'E10004');
  expect(stored).toHaveLength(1);
  expect(stored[0].ticketId.S).toBe((first as { ticketId: string }).ticketId);
});

test('the idempotency record is keyed <target>.<tool># and marked COMPLETED', async () => {
  const records = (await scan(db.tables.idempotency)).filter((i) => i.id.S!.startsWith('hr.createHRTicket#'));
  expect(records).toHaveLength(1);
  expect(records[0].status.S).toBe('COMPLETED');
  expect(Number(records[0].expiration.N)).toBeGreaterThan(Date.now() / 1000);
});

test('concurrent duplicates still create one ticket; a loser gets a retryable CONFLICT, never a second record', async () => {
  const args = { employeeId: 'E10005', category: 'onboarding', description: 'My new starter needs a building badge for Monday.' };
  const results = await Promise.all([1, 2, 3].map(() => dispatchTool('createHRTicket', args, deps)));
  const stored = (await scan(db.tables.hrTickets)).filter((i) => i.employeeId.S === 'E10005');
  expect(stored).toHaveLength(1);
  const successes = results.filter((r) => !isToolError(r));
  expect(successes.length).toBeGreaterThanOrEqual(1);
  expect(successes.every((r) => (r as { ticketId: string }).ticketId === stored[0].ticketId.S)).toBe(true);
  expect(results.filter(isToolError).map((r) => [r.error.code, r.error.retryable])).toEqual(results.filter(isToolError).map(() => ['CONFLICT', true]));
});

test('different arguments are a different request', async () => {
  await dispatchTool('createHRTicket', { ...ticket, description: 'A different question about my dental cover please.' }, deps);
  expect((await scan(db.tables.hrTickets)).filter((i) => i.employeeId.S === 'E10004')).toHaveLength(2);
});

test('resetPassword and requestSoftwareAccess are idempotent too', async () => {
  const reset = { userId: SEED.users.active, system: 'email' };
  const access = { userId: SEED.users.active, software: 'github', justification: 'Review pull requests of the platform team.' };
  const [r1, r2] = [await dispatchTool('it___resetPassword', reset, deps), await dispatchTool('it___resetPassword', reset, deps)];
  const [a1, a2] = [await dispatchTool('it___requestSoftwareAccess', access, deps), await dispatchTool('it___requestSoftwareAccess', access, deps)];
  expect(r2).toEqual(r1);
  expect(a2).toEqual(a1);
  const kinds = (await scan(db.tables.itRequests)).map((i) => `${i.kind.S}:${i.userId.S}`).sort();
  expect(kinds).toEqual(['password-reset:u20001', 'software-access:u20001']);
});

test('a failed create leaves no idempotency record, so a corrected retry is not blocked', async () => {
  const args = { employeeId: 'E99999', category: 'leave', description: 'Change my leave from Monday to Tuesday please.' };
  expect(await dispatchTool('createHRTicket', args, deps)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  const hrRecords = (await scan(db.tables.idempotency)).filter((i) => i.id.S!.startsWith('hr.'));
  // Only the successful creates of the tests above remain.
  expect(hrRecords.map((i) => i.status.S)).toEqual(hrRecords.map(() => 'COMPLETED'));
  expect(hrRecords).toHaveLength(3);
});

test('read-only tools write no idempotency records', async () => {
  const before = (await scan(db.tables.idempotency)).length;
  await dispatchTool('getPolicy', { policyName: 'vacation' }, deps);
  await dispatchTool('checkVPNStatus', { userId: SEED.users.active }, deps);
  expect((await scan(db.tables.idempotency)).length).toBe(before);
});
