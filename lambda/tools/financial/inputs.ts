/**
 * Input specs (and the group built on them) of the financial tools for the Lambda entry, in zod/mini: the same schemas and
 * messages as catalog/tools/financial.ts (proven by test/integration/tools/inputs.test.ts).
 */
import { QUARTER_PATTERN, REVENUE_REGIONS } from '../../../catalog/formats';
import * as z from 'zod/mini';
import { bind, toolGroup } from '../../shared/dispatch';
import { formatted, oneOf, spec, text } from '../../shared/inputs';
import { FINANCIAL_SERVICE, quarterlyRevenue, growthCalculation, executiveSummary } from './tools';

const TARGET = 'financial';
const quarter = () => formatted(QUARTER_PATTERN, 'expected a quarter in YYYY-QN format, e.g. 2024-Q3');

export const financialSpecs = {
  getQuarterlyRevenue: spec('getQuarterlyRevenue', TARGET, z.strictObject({ region: oneOf(REVENUE_REGIONS), quarter: quarter() })),
  calculateGrowth: spec(
    'calculateGrowth',
    TARGET,
    z.strictObject({
      currentValue: z.number({ error: 'expected a number (the later figure)' }),
      previousValue: z
        .number({ error: 'expected a non-zero number (the earlier figure)' })
        .check(z.refine((v) => v !== 0, { error: 'expected a non-zero number: growth from 0 is undefined' })),
      currentLabel: z.optional(text(1, 40)),
      previousLabel: z.optional(text(1, 40)),
    }),
  ),
  generateExecutiveSummary: spec(
    'generateExecutiveSummary',
    TARGET,
    z.strictObject({
      quarter: quarter(),
      regions: z.optional(
        z
          .array(oneOf(REVENUE_REGIONS), { error: 'expected a list of region codes: EMEA, APAC, AMER' })
          .check(z.minLength(1, { error: 'expected at least one region code' }), z.maxLength(3, { error: 'expected at most 3 region codes' })),
      ),
    }),
  ),
};

/** The financial tools as the Lambda entry serves them: the functions of ./tools.ts bound to the specs above. */
export const financialLambdaGroup = toolGroup(TARGET, FINANCIAL_SERVICE, [
  bind(financialSpecs.getQuarterlyRevenue, quarterlyRevenue),
  bind(financialSpecs.calculateGrowth, growthCalculation),
  bind(financialSpecs.generateExecutiveSummary, executiveSummary),
]);
