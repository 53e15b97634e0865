import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { isToolError } from '../../../catalog';
import { createToolDeps, type ToolDeps } from '../../../lambda/shared/deps';
import { SEED } from '../../../lambda/shared/seed-data';
import { canonicalJson } from '../../../lambda/shared/dispatch';
import { idempotencyKeyPrefix } from '../../../lambda/shared/tables';
import { dispatchTool as dispatchAny } from '../../../lambda/tools/dispatch';
import { checked } from './support/checked-dispatch';
import { hrGroup } from '../../../lambda/tools/hr/handlers';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

/** Every success is parsed by the tool's catalog output schema. */
const dispatchTool = checked(dispatchAny);

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

describe('a create whose write lands but whose response is lost', () => {
  const ticketsSaying = async (description: string) => (await scan(db.tables.hrTickets)).filter((i) => i.description.S === description);

  /**
   * A client over the same dynalite whose PutItem on `table` reaches the server and then fails as a
   * reset connection would, `failures` times: the record is stored, the caller never hears so.
   */
  function lossyDeps(table: string, failures: number, maxAttempts: number): { deps: ToolDeps; lost: () => number } {
    const client = db.newClient({ maxAttempts });
    let lost = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const input = (args as { input?: { TableName?: string } }).input;
        if (context.commandName === 'PutItemCommand' && input?.TableName === table && lost < failures) {
          lost++;
          throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET', $metadata: {} });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseResponses' },
    );
    return { deps: createToolDeps({ client, tables: db.tables, now: () => new Date('2026-11-26T09:30:00.000Z') }), lost: () => lost };
  }

  test('the SDK retry of the landed write finds the record: one ticket, and the call succeeds with it', async () => {
    const { deps: lossy, lost } = lossyDeps(db.tables.hrTickets, 1, 3);
    const args = { employeeId: 'E10001', category: 'leave', description: 'Please cancel my leave request for the week of 14 December.' };
    const result = await dispatchTool('hr___createHRTicket', args, lossy);
    expect(lost()).toBe(1);
    const stored = await ticketsSaying(args.description);
    expect(stored).toHaveLength(1);
    expect(result).toEqual({ ticketId: stored[0].ticketId.S, status: 'OPEN', employeeId: 'E10001', category: 'leave', createdAt: '2026-11-26T09:30:00.000Z', expectedResponseHours: 24 });
  });

  test('when the SDK gives up, the tool says "no change, retry"; the retry returns the first ticket, never a second one', async () => {
    const { deps: lossy, lost } = lossyDeps(db.tables.hrTickets, 1, 1);
    const args = { employeeId: 'E10002', category: 'benefits', description: 'How do I enrol in the cycle-to-work scheme this year?' };
    const first = await dispatchTool('hr___createHRTicket', args, lossy);
    expect(lost()).toBe(1);
    expect(first).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
    expect(await ticketsSaying(args.description)).toHaveLength(1);

    const retry = await dispatchTool('hr___createHRTicket', args, lossy);
    const stored = await ticketsSaying(args.description);
    expect(stored).toHaveLength(1);
    expect(retry).toMatchObject({ ticketId: stored[0].ticketId.S, status: 'OPEN' });
  });

  test('the same holds for resetPassword and requestSoftwareAccess', async () => {
    const reset = { userId: SEED.users.active, system: 'jira' };
    const access = { userId: SEED.users.active, software: 'figma', justification: 'Review the new onboarding screens with design.' };
    for (const [tool, args] of [['it___resetPassword', reset], ['it___requestSoftwareAccess', access]] as const) {
      const { deps: lossy } = lossyDeps(db.tables.itRequests, 1, 1);
      expect(await dispatchTool(tool, args, lossy)).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      const retry = await dispatchTool(tool, args, lossy);
      const stored = (await scan(db.tables.itRequests)).filter((i) => i.requestId.S === (retry as { requestId: string }).requestId);
      expect(stored).toHaveLength(1);
    }
    const kinds = (await scan(db.tables.itRequests)).map((i) => `${i.kind.S}:${i.userId.S}`).sort();
    expect(kinds).toEqual(['password-reset:u20001', 'password-reset:u20001', 'software-access:u20001', 'software-access:u20001']);
  });

  test('a retry in the next window still finds the record; an identical request a window later is a new one', async () => {
    let clock = new Date('2026-11-26T09:59:59.500Z');
    const client = db.newClient({ maxAttempts: 1 });
    let lose = true;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'PutItemCommand' && (args as { input: { TableName: string } }).input.TableName === db.tables.hrTickets && lose) {
          lose = false;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseOnce' },
    );
    const windowed = createToolDeps({ client, tables: db.tables, now: () => clock, idempotencyTtlSeconds: 3600 });
    const args = { employeeId: 'E10003', category: 'other', description: 'My badge stopped opening the third floor door.' };
    expect(await dispatchTool('createHRTicket', args, windowed)).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    clock = new Date('2026-11-26T10:00:01.000Z');
    const retry = (await dispatchTool('createHRTicket', args, windowed)) as { ticketId: string; createdAt: string };
    expect(retry.createdAt).toBe('2026-11-26T09:59:59.500Z');
    expect(await ticketsSaying(args.description)).toHaveLength(1);

    // Two hours on, Powertools has forgotten the call too (its records expire on the wall clock, so
    // the handler is called as the dispatcher calls it): the same words are a new ticket.
    clock = new Date('2026-11-26T12:00:01.000Z');
    const request = { key: `${idempotencyKeyPrefix('hr', 'createHRTicket')}#${canonicalJson(args)}`, windowSeconds: 3600 };
    const later = (await hrGroup.tools.get('createHRTicket')!.handle(args, { ...windowed, request })) as { ticketId: string };
    expect(later.ticketId).not.toBe(retry.ticketId);
    expect(await ticketsSaying(args.description)).toHaveLength(2);
  });
});
