/**
 * HR policy tools (gateway target `hr`). Employees are identified by employeeId (E + 5 digits).
 * No tool here reads or returns compensation: the HR tables hold no salary data at all.
 */
import * as z from 'zod';
import { defineTool } from '../tool';
import { HOLIDAY_REGIONS, HR_POLICY_NAMES, HR_TICKET_CATEGORIES, employeeId, integer, isoDate, isoTimestamp, oneOf, text } from '../formats';

export const HR_TARGET = 'hr';

const unavailable = {
  code: 'SERVICE_UNAVAILABLE',
  when: 'the HR data store does not answer after 3 attempts with backoff',
  agentAction: 'Tell the user the HR service is temporarily unavailable and to try again in a few minutes.',
} as const;
const invalid = (what: string) => ({ code: 'VALIDATION_ERROR', when: what, agentAction: 'Fix the argument named in the error (ask the user if needed) and call again.' }) as const;

/** Employees act on their own record; hr-staff act for anyone (as policies/hr-staff.cedar permits). */
const selfService = { argument: 'employeeId', claim: 'employeeId', actForOthers: ['hr-staff'] } as const;
const forbidden = {
  code: 'FORBIDDEN',
  when: 'employeeId is not the caller’s own and the caller’s role may not act for others',
  agentAction: 'Tell the user they can only do this for themselves; do not retry with another id.',
} as const;

export const checkVacationBalance = defineTool({
  name: 'checkVacationBalance',
  target: HR_TARGET,
  description:
    'Returns the paid vacation balance of one employee for the current calendar year, in days: entitlement, days taken, days booked but not yet taken, and days remaining. Requires employeeId in the format E followed by 5 digits (e.g. E10001).',
  usage:
    'Use when an employee asks how many vacation or holiday days they have left, have used or have booked. Only for the employee asking (their id comes from their profile); not for sick leave rules (use getPolicy with sick-leave).',
  input: z.strictObject({ employeeId: employeeId() }),
  output: z.object({
    employeeId: z.string().describe('The employee id, E + 5 digits'),
    year: z.number().int().describe('Calendar year of the balance, e.g. 2026'),
    unit: z.literal('days').describe('Unit of every amount: working days'),
    entitledDays: z.number().describe('Paid vacation days granted for the year, in days'),
    takenDays: z.number().describe('Days already taken this year, in days'),
    pendingDays: z.number().describe('Days booked and approved but not yet taken, in days'),
    remainingDays: z.number().describe('entitledDays - takenDays - pendingDays, in days'),
    asOf: isoDate('Date the balance was computed'),
  }),
  errors: [
    forbidden,
    invalid('employeeId is missing or not E followed by 5 digits'),
    { code: 'NOT_FOUND', when: 'no employee has that employeeId', agentAction: 'Ask the user to check their employee id; do not guess a balance.' },
    unavailable,
  ],
  examples: [
    {
      userRequest: 'How many vacation days do I have left? (employee E10001)',
      input: { employeeId: 'E10001' },
      output: { employeeId: 'E10001', year: 2026, unit: 'days', entitledDays: 25, takenDays: 12, pendingDays: 3, remainingDays: 10, asOf: '2026-11-26' },
    },
  ],
  subject: selfService,
});

export const getPolicy = defineTool({
  name: 'getPolicy',
  target: HR_TARGET,
  description:
    'Returns the current version of one HR policy document from the HR knowledge base: title, version, effective date (YYYY-MM-DD), a summary and its sections. Requires policyName, one of: vacation, sick-leave, parental-leave, remote-work, expenses, travel, code-of-conduct.',
  usage:
    'Use when the user asks what a company policy says (leave, remote work, expenses, travel, conduct). Quote the relevant section and cite title and version. For a personal balance use checkVacationBalance; to raise a case use createHRTicket.',
  input: z.strictObject({
    policyName: oneOf(HR_POLICY_NAMES, 'Policy document name: vacation, sick-leave, parental-leave, remote-work, expenses, travel or code-of-conduct'),
  }),
  output: z.object({
    policyName: z.enum(HR_POLICY_NAMES).describe('The policy document name'),
    title: z.string().describe('Human-readable title of the policy'),
    version: z.string().describe('Document version, e.g. 3.1'),
    effectiveDate: isoDate('Date this version took effect'),
    summary: z.string().describe('Two or three sentences summarising the policy'),
    sections: z
      .array(z.object({ heading: z.string().describe('Section heading'), text: z.string().describe('Section text') }))
      .describe('The policy text, section by section'),
  }),
  errors: [
    invalid('policyName is not one of the listed policy names'),
    { code: 'NOT_FOUND', when: 'the policy is not published in the knowledge base', agentAction: 'Tell the user the policy is not published and offer to open an HR ticket (category policy-question).' },
    unavailable,
  ],
  examples: [
    {
      userRequest: 'Can I work from home on Fridays?',
      input: { policyName: 'remote-work' },
      output: {
        policyName: 'remote-work',
        title: 'Remote Work Policy',
        version: '2.0',
        effectiveDate: '2025-01-01',
        summary: 'Employees may work remotely up to 3 days per week with manager agreement.',
        sections: [{ heading: 'Eligibility', text: 'All permanent employees after probation.' }],
      },
    },
  ],
});

export const createHRTicket = defineTool({
  name: 'createHRTicket',
  target: HR_TARGET,
  description:
    'Opens one HR case for an employee and returns its ticket id (format HR-XXXXXXXX) and status OPEN. Requires employeeId (E + 5 digits), category (benefits, leave, policy-question, workplace-concern, onboarding, offboarding, other) and a description of 20–2000 characters. Idempotent: retrying the same call within 1 hour returns the same ticket.',
  usage:
    'Use only when the employee explicitly asks to raise, open or file an HR request, or when a question needs a human in HR. Confirm category and description with the user before calling. Do not call twice for one request; a retry with identical arguments is safe.',
  input: z.strictObject({
    employeeId: employeeId(),
    category: oneOf(HR_TICKET_CATEGORIES, 'Ticket category: benefits, leave, policy-question, workplace-concern, onboarding, offboarding or other'),
    description: text(20, 2000, 'What the employee needs, in their words; 20–2000 characters'),
  }),
  output: z.object({
    ticketId: z.string().describe('Ticket id, HR- followed by 8 characters, e.g. HR-7F3K9Q2M'),
    status: z.literal('OPEN').describe('Status of the new ticket: always OPEN'),
    employeeId: z.string().describe('The employee the ticket is for'),
    category: z.enum(HR_TICKET_CATEGORIES).describe('The ticket category'),
    createdAt: isoTimestamp('When the ticket was created'),
    expectedResponseHours: z.number().int().describe('Service-level response time for this category, in business hours'),
  }),
  errors: [
    forbidden,
    invalid('employeeId, category or description is missing or malformed (description must be 20–2000 characters)'),
    { code: 'NOT_FOUND', when: 'no employee has that employeeId', agentAction: 'Ask the user to check their employee id; no ticket was created.' },
    { code: 'CONFLICT', when: 'an identical request is still being processed', agentAction: 'Wait a few seconds and call again with the same arguments; it returns the same ticket.' },
    unavailable,
  ],
  examples: [
    {
      userRequest: 'Please open an HR ticket: my parental leave dates need to change (I am E10002).',
      input: { employeeId: 'E10002', category: 'leave', description: 'I need to move the start of my parental leave from 1 March to 15 March.' },
      output: { ticketId: 'HR-7F3K9Q2M', status: 'OPEN', employeeId: 'E10002', category: 'leave', createdAt: '2026-11-26T09:30:00.000Z', expectedResponseHours: 24 },
    },
  ],
  mutating: true,
  subject: selfService,
});

export const getUpcomingHolidays = defineTool({
  name: 'getUpcomingHolidays',
  target: HR_TARGET,
  description:
    'Lists the public holidays of one office region in one calendar year that fall on or after today (UTC); for a future year, all of them. Requires year (4-digit, 2000–2100) and region as an ISO country code: US, GB, DE, IN or SG. Returns dates in YYYY-MM-DD format with holiday names.',
  usage:
    'Use when the user asks about public or bank holidays, office closures or days off in a country. Map United Kingdom/UK to GB, Germany to DE, India to IN, Singapore to SG, United States to US. For personal vacation days use checkVacationBalance.',
  input: z.strictObject({
    year: integer(2000, 2100, 'Calendar year, 4 digits, e.g. 2026'),
    region: oneOf(HOLIDAY_REGIONS, 'Office region as ISO 3166-1 alpha-2 country code: US, GB, DE, IN or SG'),
  }),
  output: z.object({
    year: z.number().int().describe('The calendar year'),
    region: z.enum(HOLIDAY_REGIONS).describe('The office region, ISO country code'),
    from: isoDate('Holidays listed start on this date (today for the current year)'),
    holidays: z.array(z.object({ date: isoDate('Holiday date'), name: z.string().describe('Holiday name') })).describe('Holidays in date order; empty when none remain'),
  }),
  errors: [
    invalid('year is not a whole number from 2000 to 2100, or region is not US, GB, DE, IN or SG'),
    { code: 'NOT_FOUND', when: 'no holiday calendar is published for that region and year', agentAction: 'Tell the user the calendar for that year is not published yet.' },
    unavailable,
  ],
  examples: [
    {
      userRequest: 'What public holidays are left this year in the UK?',
      input: { year: 2026, region: 'GB' },
      output: { year: 2026, region: 'GB', from: '2026-11-26', holidays: [{ date: '2026-12-25', name: 'Christmas Day' }, { date: '2026-12-28', name: 'Boxing Day (substitute day)' }] },
    },
  ],
});

export const hrTools = [checkVacationBalance, getPolicy, createHRTicket, getUpcomingHolidays] as const;
