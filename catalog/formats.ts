/**
 * Shared argument formats and closed sets of the reference tools. One place, so a handler, a
 * policy and a document never disagree about what `E12345` or `2024-Q3` means.
 *
 * Identifier formats:
 * - employeeId: `E` followed by 5 digits, e.g. `E10001` (HR system of record).
 * - userId: `u` followed by 5 digits, e.g. `u20001` (directory login name).
 * - quarter: `YYYY-QN`, e.g. `2024-Q3` (calendar quarters, Q1 = January–March).
 *
 * Every field carries its expected format as the zod error message, so a validation error names
 * the field and what was expected whatever went wrong (missing, wrong type, wrong pattern).
 */
import * as z from 'zod';

export const REVENUE_REGIONS = ['EMEA', 'APAC', 'AMER'] as const;
export type RevenueRegion = (typeof REVENUE_REGIONS)[number];

export const HR_POLICY_NAMES = ['vacation', 'sick-leave', 'parental-leave', 'remote-work', 'expenses', 'travel', 'code-of-conduct'] as const;
export type HrPolicyName = (typeof HR_POLICY_NAMES)[number];
export const HR_TICKET_CATEGORIES = ['benefits', 'leave', 'policy-question', 'workplace-concern', 'onboarding', 'offboarding', 'other'] as const;
/** ISO 3166-1 alpha-2 country codes of the offices with a holiday calendar. */
export const HOLIDAY_REGIONS = ['US', 'GB', 'DE', 'IN', 'SG'] as const;
export type HolidayRegion = (typeof HOLIDAY_REGIONS)[number];

export const IT_SYSTEMS = ['active-directory', 'email', 'vpn', 'sap', 'salesforce', 'jira'] as const;
export type ItSystem = (typeof IT_SYSTEMS)[number];
export const SOFTWARE_CATALOG = ['slack', 'zoom', 'figma', 'tableau', 'github', 'jira', 'visual-studio-code', 'adobe-acrobat'] as const;
export type Software = (typeof SOFTWARE_CATALOG)[number];
/** Software granted without a manager's approval. */
export const AUTO_APPROVED_SOFTWARE: readonly Software[] = ['slack', 'zoom', 'visual-studio-code'];

export const QUARTER_PATTERN = /^\d{4}-Q[1-4]$/;
export const EMPLOYEE_ID_PATTERN = /^E\d{5}$/;
export const USER_ID_PATTERN = /^u\d{5}$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A closed set: the error names every allowed value. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  const expected = `expected one of ${values.join(', ')}`;
  return z.enum(values, { error: expected }).describe(description);
}

/** A string with a pattern: the error states the format with an example. */
export function formatted(pattern: RegExp, expected: string, description: string) {
  return z.string({ error: expected }).regex(pattern, { error: expected }).describe(description);
}

/**
 * Characters free text never keeps: C0/C1 controls except tab and newline, zero-width space, word
 * joiner, byte-order mark and the bidirectional overrides/isolates (which can make a logged or
 * displayed text read differently from what it is). Joiners (U+200C, U+200D) stay: scripts and
 * emoji sequences need them.
 */
const STRIPPED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g;
/** A character someone can see: a letter, digit, punctuation or symbol that is not a blank filler. */
const VISIBLE = /(?![\u115F\u1160\u3164\uFFA0\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

/** Free text as stored: controls stripped (see {@link STRIPPED}), CR LF as LF, trimmed. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(STRIPPED, '').trim();
}

/**
 * Free text with a length range — every free-text argument of the catalog uses this one helper.
 * Control and invisible formatting characters are stripped before the length is checked, and text
 * with no visible character (only NULs, zero-width or blank characters) is refused.
 */
export function text(min: number, max: number, description: string) {
  const expected = `expected text of ${min}–${max} characters with at least one visible character (control and zero-width characters do not count)`;
  return z
    .string({ error: expected })
    .overwrite(cleanText)
    .min(min, { error: expected, abort: true })
    .max(max, { error: expected, abort: true })
    .refine((v) => VISIBLE.test(v), { error: expected })
    .describe(description);
}

/** An integer in a range. */
export function integer(min: number, max: number, description: string) {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected }).describe(description);
}

export const quarter = (what: string) =>
  formatted(QUARTER_PATTERN, 'expected a quarter in YYYY-QN format, e.g. 2024-Q3', `${what}, in YYYY-QN format (calendar quarter; Q1 = January–March), e.g. 2024-Q3`);

export const revenueRegion = (what = 'Sales region') =>
  oneOf(REVENUE_REGIONS, `${what} code: EMEA (Europe, Middle East, Africa), APAC (Asia-Pacific) or AMER (the Americas)`);

export const employeeId = () =>
  formatted(EMPLOYEE_ID_PATTERN, 'expected an employee id: E followed by 5 digits, e.g. E10001', 'Employee id: E followed by 5 digits, e.g. E10001');

export const userId = () =>
  formatted(USER_ID_PATTERN, 'expected a user id: u followed by 5 digits, e.g. u20001', 'Directory user id (login name): u followed by 5 digits, e.g. u20001');

/** ISO 8601 calendar date `YYYY-MM-DD` (output fields). */
export const isoDate = (what: string) => z.string().regex(DATE_PATTERN).describe(`${what}, ISO 8601 date YYYY-MM-DD`);
/** ISO 8601 timestamp in UTC (output fields). */
export const isoTimestamp = (what: string) => z.string().describe(`${what}, ISO 8601 timestamp in UTC, e.g. 2025-03-14T09:30:00.000Z`);

/** Parse `2024-Q3` into year and quarter number. */
export function parseQuarter(value: string): { year: number; q: number } {
  const [y, q] = value.split('-Q');
  return { year: Number(y), q: Number(q) };
}

/** The quarter `offset` quarters after (negative: before) `value`. */
export function shiftQuarter(value: string, offset: number): string {
  const { year, q } = parseQuarter(value);
  const index = year * 4 + (q - 1) + offset;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}
