/**
 * HR policy tools: the pure functions serving them, typed by the catalog definitions (type-only
 * imports, so the Lambda bundle does not carry the catalog). ./handlers.ts binds them to the catalog
 * definitions.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ToolFailure } from '../../../catalog/result';
import type { checkVacationBalance, createHRTicket, getPolicy, getUpcomingHolidays } from '../../../catalog/tools/hr';
import { createOnce } from '../../shared/create-once';
import type { ToolContext } from '../../shared/deps';
import type { ToolImplementation } from '../../shared/dispatch';

/** What the error messages call the data store. */
export const HR_SERVICE = 'HR service';

/** Service-level first-response time per ticket category, in business hours. */
export const RESPONSE_HOURS: Record<string, number> = {
  benefits: 48,
  leave: 24,
  'policy-question': 48,
  'workplace-concern': 8,
  onboarding: 24,
  offboarding: 24,
  other: 72,
};

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

async function requireEmployee(ctx: ToolContext, employeeId: string): Promise<Record<string, unknown>> {
  const { Item } = await ctx.db.send(new GetCommand({ TableName: ctx.tables.employees, Key: { employeeId } }));
  if (!Item) throw new ToolFailure('NOT_FOUND', `No employee with id ${employeeId}.`);
  return Item;
}

export const vacationBalance: ToolImplementation<typeof checkVacationBalance> = async ({ employeeId }, ctx) => {
  const e = await requireEmployee(ctx, employeeId);
  const entitledDays = Number(e.entitledDays);
  const takenDays = Number(e.takenDays);
  const pendingDays = Number(e.pendingDays);
  return {
    employeeId,
    year: Number(e.vacationYear),
    unit: 'days' as const,
    entitledDays,
    takenDays,
    pendingDays,
    remainingDays: entitledDays - takenDays - pendingDays,
    asOf: isoDay(ctx.now()),
  };
};

export const policyDocument: ToolImplementation<typeof getPolicy> = async ({ policyName }, ctx) => {
  const { Item } = await ctx.db.send(new GetCommand({ TableName: ctx.tables.policies, Key: { policyName } }));
  if (!Item) throw new ToolFailure('NOT_FOUND', `The ${policyName} policy is not published in the HR knowledge base.`);
  return {
    policyName,
    title: String(Item.title),
    version: String(Item.version),
    effectiveDate: String(Item.effectiveDate),
    summary: String(Item.summary),
    sections: (Item.sections as { heading: string; text: string }[]).map(({ heading, text }) => ({ heading, text })),
  };
};

export const hrTicket: ToolImplementation<typeof createHRTicket> = async ({ employeeId, category, description }, ctx) => {
  await requireEmployee(ctx, employeeId);
  // One conditional write under an id derived from the request: the ticket exists completely or not
  // at all, and a retry after a lost response returns the ticket the first attempt stored.
  const stored = await createOnce(ctx, {
    table: ctx.tables.hrTickets,
    keyAttribute: 'ticketId',
    idPrefix: 'HR-',
    item: (ticketId, createdAt) => ({ ticketId, status: 'OPEN', employeeId, category, createdAt: createdAt.toISOString(), expectedResponseHours: RESPONSE_HOURS[category], description }),
  });
  return {
    ticketId: String(stored.ticketId),
    status: 'OPEN' as const,
    employeeId: String(stored.employeeId),
    category: stored.category as typeof category,
    createdAt: String(stored.createdAt),
    expectedResponseHours: Number(stored.expectedResponseHours),
  };
};

export const upcomingHolidays: ToolImplementation<typeof getUpcomingHolidays> = async ({ year, region }, ctx) => {
  const { Items = [] } = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.tables.holidays,
      KeyConditionExpression: '#c = :c',
      ExpressionAttributeNames: { '#c': 'calendar' },
      ExpressionAttributeValues: { ':c': `${region}#${year}` },
    }),
  );
  if (Items.length === 0) throw new ToolFailure('NOT_FOUND', `No holiday calendar is published for ${region} in ${year}.`);
  const today = isoDay(ctx.now());
  const from = today > `${year}-01-01` ? today : `${year}-01-01`;
  const holidays = Items.map((i) => ({ date: String(i.date), name: String(i.name) }))
    .filter((h) => h.date >= from)
    .sort((a, b) => a.date.localeCompare(b.date));
  return { year, region, from, holidays };
};
