/**
 * Input specs (and the group built on them) of the HR tools for the Lambda entry, in zod/mini: the same schemas and messages as
 * catalog/tools/hr.ts (proven by test/integration/tools/inputs.test.ts).
 */
import { EMPLOYEE_ID_PATTERN, HOLIDAY_REGIONS, HR_POLICY_NAMES, HR_TICKET_CATEGORIES } from '../../../catalog/formats';
import * as z from 'zod/mini';
import { bind, toolGroup } from '../../shared/dispatch';
import { formatted, integer, oneOf, spec, text } from '../../shared/inputs';
import { HR_SERVICE, vacationBalance, policyDocument, hrTicket, upcomingHolidays } from './tools';

const TARGET = 'hr';
const employeeId = () => formatted(EMPLOYEE_ID_PATTERN, 'expected an employee id: E followed by 5 digits, e.g. E10001');

export const hrSpecs = {
  checkVacationBalance: spec('checkVacationBalance', TARGET, z.strictObject({ employeeId: employeeId() })),
  getPolicy: spec('getPolicy', TARGET, z.strictObject({ policyName: oneOf(HR_POLICY_NAMES) })),
  createHRTicket: spec('createHRTicket', TARGET, z.strictObject({ employeeId: employeeId(), category: oneOf(HR_TICKET_CATEGORIES), description: text(20, 2000) }), true),
  getUpcomingHolidays: spec('getUpcomingHolidays', TARGET, z.strictObject({ year: integer(2000, 2100), region: oneOf(HOLIDAY_REGIONS) })),
};

/** The hr tools as the Lambda entry serves them: the functions of ./tools.ts bound to the specs above. */
export const hrLambdaGroup = toolGroup(TARGET, HR_SERVICE, [
  bind(hrSpecs.checkVacationBalance, vacationBalance),
  bind(hrSpecs.getPolicy, policyDocument),
  bind(hrSpecs.createHRTicket, hrTicket),
  bind(hrSpecs.getUpcomingHolidays, upcomingHolidays),
]);
