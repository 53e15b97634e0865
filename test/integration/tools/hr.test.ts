import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { checkVacationBalance, createHRTicket, getPolicy, getUpcomingHolidays } from '../../../catalog';
import { createToolDeps, type ToolDeps } from '../../../lambda/shared/deps';
import { SEED } from '../../../lambda/shared/seed-data';
import { dispatch as dispatchHr } from '../../../lambda/tools/hr/handlers';
import { checked } from './support/checked-dispatch';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

/** Every success is parsed by the tool's catalog output schema. */
const dispatch = checked(dispatchHr);

const NOW = new Date('2026-11-26T09:30:00.000Z');
let db: LocalDynamo;
let deps: ToolDeps;
beforeAll(async () => {
  db = await startDynalite({ seed: true });
  deps = createToolDeps({ client: db.client, tables: db.tables, now: () => NOW });
});
afterAll(() => db.stop());

describe('checkVacationBalance', () => {
  test('returns the balance in days with remaining = entitled - taken - pending', async () => {
    const result = await dispatch('checkVacationBalance', { employeeId: SEED.employees.withBalance }, deps);
    expect(result).toEqual({ employeeId: 'E10001', year: 2026, unit: 'days', entitledDays: 25, takenDays: 12, pendingDays: 3, remainingDays: 10, asOf: '2026-11-26' });
    expect(checkVacationBalance.output.safeParse(result).success).toBe(true);
  });

  test('never returns compensation data', async () => {
    const result = await dispatch('checkVacationBalance', { employeeId: SEED.employees.inIndia }, deps);
    expect(Object.keys(result).sort()).toEqual(['asOf', 'employeeId', 'entitledDays', 'pendingDays', 'remainingDays', 'takenDays', 'unit', 'year']);
  });

  test('an unknown employee is NOT_FOUND', async () => {
    expect(await dispatch('checkVacationBalance', { employeeId: SEED.employees.unknown }, deps)).toEqual({
      error: { code: 'NOT_FOUND', message: 'No employee with id E99999.', retryable: false },
    });
  });

  test('a malformed employee id names the field and the format', async () => {
    expect(await dispatch('checkVacationBalance', { employeeId: '12345' }, deps)).toMatchObject({
      error: { code: 'VALIDATION_ERROR', fields: [{ field: 'employeeId', expected: 'expected an employee id: E followed by 5 digits, e.g. E10001' }] },
    });
  });
});

describe('getPolicy', () => {
  test('returns the published document with its sections', async () => {
    const result = await dispatch('getPolicy', { policyName: 'vacation' }, deps);
    expect(getPolicy.output.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ policyName: 'vacation', title: 'Vacation Policy', version: '4.2', effectiveDate: '2026-01-01' });
    expect((result as { sections: unknown[] }).sections).toHaveLength(3);
  });

  test('a policy of the list that is not published is NOT_FOUND', async () => {
    expect(await dispatch('getPolicy', { policyName: SEED.unpublishedPolicy }, deps)).toMatchObject({ error: { code: 'NOT_FOUND', retryable: false } });
  });

  test('a free-text policy name lists the allowed names', async () => {
    expect(await dispatch('getPolicy', { policyName: 'holiday policy' }, deps)).toMatchObject({
      error: { code: 'VALIDATION_ERROR', fields: [{ field: 'policyName', expected: 'expected one of vacation, sick-leave, parental-leave, remote-work, expenses, travel, code-of-conduct' }] },
    });
  });
});

describe('createHRTicket', () => {
  test('creates one OPEN ticket with the category SLA and stores the description', async () => {
    const args = { employeeId: 'E10003', category: 'workplace-concern', description: 'My desk chair is broken and hurts my back; please help.' };
    const result = await dispatch('createHRTicket', args, deps);
    expect(createHRTicket.output.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ status: 'OPEN', employeeId: 'E10003', category: 'workplace-concern', expectedResponseHours: 8, createdAt: NOW.toISOString() });
    expect((result as { ticketId: string }).ticketId).toMatch(/^HR-[0-9A-Z]{8}$/);
    const { Items = [] } = await db.client.send(new ScanCommand({ TableName: db.tables.hrTickets }));
    const stored = Items.filter((i) => i.ticketId.S === (result as { ticketId: string }).ticketId);
    expect(stored).toHaveLength(1);
    expect(stored[0].description.S).toBe(args.description);
  });

  test('a description of NULs or zero-width characters is refused before anything is written; controls are stripped from what is stored', async () => {
    const before = await db.client.send(new ScanCommand({ TableName: db.tables.hrTickets, Select: 'COUNT' }));
    for (const description of ['\u0000'.repeat(40), '\u200B'.repeat(40)]) {
      expect(await dispatch('createHRTicket', { employeeId: 'E10001', category: 'other', description }, deps)).toMatchObject({
        error: { code: 'VALIDATION_ERROR', fields: [{ field: 'description', expected: expect.stringContaining('at least one visible character') }] },
      });
    }
    const after = await db.client.send(new ScanCommand({ TableName: db.tables.hrTickets, Select: 'COUNT' }));
    expect(after.Count).toBe(before.Count);

    const created = (await dispatch('createHRTicket', { employeeId: 'E10001', category: 'other', description: 'Badge\u0000 reader\u001B[2J broken on floor 3.\u200B' }, deps)) as { ticketId: string };
    const { Item } = await db.client.send(new GetItemCommand({ TableName: db.tables.hrTickets, Key: { ticketId: { S: created.ticketId } } }));
    expect(Item?.description.S).toBe('Badge reader[2J broken on floor 3.');
  });

  test('an unknown employee is NOT_FOUND and nothing is written', async () => {
    const before = await db.client.send(new ScanCommand({ TableName: db.tables.hrTickets, Select: 'COUNT' }));
    const result = await dispatch('createHRTicket', { employeeId: 'E99999', category: 'leave', description: 'I would like to change my leave dates please.' }, deps);
    expect(result).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const after = await db.client.send(new ScanCommand({ TableName: db.tables.hrTickets, Select: 'COUNT' }));
    expect(after.Count).toBe(before.Count);
  });

  test('a too-short description and an unknown category are both reported, nothing is written', async () => {
    const before = await db.client.send(new ScanCommand({ TableName: db.tables.hrTickets, Select: 'COUNT' }));
    const result = await dispatch('createHRTicket', { employeeId: 'E10001', category: 'salary', description: 'help' }, deps);
    expect(result).toMatchObject({
      error: {
        code: 'VALIDATION_ERROR',
        fields: [
          { field: 'category', expected: expect.stringContaining('expected one of benefits, leave') },
          { field: 'description', expected: expect.stringMatching(/^expected text of 20–2000 characters with at least one visible character/) },
        ],
      },
    });
    const after = await db.client.send(new ScanCommand({ TableName: db.tables.hrTickets, Select: 'COUNT' }));
    expect(after.Count).toBe(before.Count);
  });
});

describe('getUpcomingHolidays', () => {
  test('lists holidays from today on for the current year, in date order', async () => {
    const result = await dispatch('getUpcomingHolidays', { year: 2026, region: 'US' }, deps);
    expect(getUpcomingHolidays.output.safeParse(result).success).toBe(true);
    expect(result).toEqual({
      year: 2026,
      region: 'US',
      from: '2026-11-26',
      holidays: [
        { date: '2026-11-26', name: 'Thanksgiving Day' },
        { date: '2026-12-25', name: 'Christmas Day' },
      ],
    });
  });

  test('lists the whole calendar for a future year', async () => {
    const result = (await dispatch('getUpcomingHolidays', { year: 2027, region: 'DE' }, deps)) as { from: string; holidays: unknown[] };
    expect(result.from).toBe('2027-01-01');
    expect(result.holidays).toHaveLength(9);
  });

  test('an unpublished calendar is NOT_FOUND', async () => {
    expect(await dispatch('getUpcomingHolidays', { year: 2030, region: 'SG' }, deps)).toEqual({
      error: { code: 'NOT_FOUND', message: 'No holiday calendar is published for SG in 2030.', retryable: false },
    });
  });

  test('a country name instead of a code, and a 2-digit year, are validation errors', async () => {
    expect(await dispatch('getUpcomingHolidays', { year: 26, region: 'UK' }, deps)).toMatchObject({
      error: {
        code: 'VALIDATION_ERROR',
        fields: [
          { field: 'year', expected: 'expected a whole number from 2000 to 2100' },
          { field: 'region', expected: 'expected one of US, GB, DE, IN, SG' },
        ],
      },
    });
  });
});
