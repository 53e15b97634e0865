/**
 * Financial analytics tools (gateway target `financial`). Figures are in millions of USD;
 * growth is computed by code, never by a model. No tool here exposes employee compensation.
 */
import * as z from 'zod';
import { defineTool } from '../tool';
import { REVENUE_REGIONS, quarter, revenueRegion, text } from '../formats';

export const FINANCIAL_TARGET = 'financial';

const unavailable = {
  code: 'SERVICE_UNAVAILABLE',
  when: 'the finance data store does not answer after 3 attempts with backoff',
  agentAction: 'Tell the user the finance service is temporarily unavailable and to try again in a few minutes; do not guess figures.',
} as const;

export const getQuarterlyRevenue = defineTool({
  name: 'getQuarterlyRevenue',
  target: FINANCIAL_TARGET,
  description:
    'Retrieves the recognised revenue of one sales region for one calendar quarter. Requires region code (EMEA, APAC, AMER) and quarter in YYYY-QN format (e.g. 2024-Q3). Returns {revenue, currency: "USD", period, region} with revenue in millions of USD.',
  usage:
    'Use when the user asks about revenue, sales or financial performance of a region in a quarter. Map "Europe" to EMEA, "Asia" to APAC, "US/Americas" to AMER and "Q3 2024"/"July–September 2024" to 2024-Q3. Call once per region and quarter; for growth pass two results to calculateGrowth.',
  input: z.strictObject({
    region: revenueRegion(),
    quarter: quarter('Calendar quarter'),
  }),
  output: z.object({
    revenue: z.number().describe('Recognised revenue in millions of USD, rounded to 0.1'),
    currency: z.literal('USD').describe('Currency of revenue: always USD'),
    period: z.string().describe('The quarter the figure covers, YYYY-QN, e.g. 2024-Q3'),
    region: z.enum(REVENUE_REGIONS).describe('The sales region the figure covers: EMEA, APAC or AMER'),
  }),
  errors: [
    { code: 'VALIDATION_ERROR', when: 'region is not EMEA, APAC or AMER, or quarter is not in YYYY-QN format', agentAction: 'Fix the argument named in the error and call again; ask the user if the region or quarter is unclear.' },
    { code: 'NOT_FOUND', when: 'no closed figures exist for that region and quarter (a future quarter, or before 2024-Q1)', agentAction: 'Tell the user figures for that quarter are not available; do not estimate.' },
    unavailable,
  ],
  examples: [
    {
      userRequest: "What's our Q3 2024 revenue in EMEA?",
      input: { region: 'EMEA', quarter: '2024-Q3' },
      output: { revenue: 1284.6, currency: 'USD', period: '2024-Q3', region: 'EMEA' },
    },
  ],
});

export const calculateGrowth = defineTool({
  name: 'calculateGrowth',
  target: FINANCIAL_TARGET,
  description:
    'Calculates the percentage growth from a previous value to a current value with deterministic code: growthPercent = (currentValue - previousValue) / |previousValue| × 100, rounded to 2 decimals. Takes two numbers in the same unit (e.g. millions of USD) and optional period labels; returns the growth in percent, the absolute change in the input unit, the formula and the inputs echoed.',
  usage:
    'Use whenever the user asks for growth, change or trend between two figures (quarter over quarter, year over year). Never compute percentages yourself. Get the figures first (e.g. with getQuarterlyRevenue), then pass them here with their period labels.',
  input: z.strictObject({
    currentValue: z.number({ error: 'expected a number (the later figure)' }).describe('The later figure, e.g. revenue of 2024-Q3 in millions of USD'),
    previousValue: z
      .number({ error: 'expected a non-zero number (the earlier figure)' })
      .refine((v) => v !== 0, { error: 'expected a non-zero number: growth from 0 is undefined' })
      .describe('The earlier figure in the same unit as currentValue (e.g. millions of USD); must not be 0'),
    currentLabel: text(1, 40, 'Optional label of the later figure, e.g. 2024-Q3').optional(),
    previousLabel: text(1, 40, 'Optional label of the earlier figure, e.g. 2024-Q2').optional(),
  }),
  output: z.object({
    growthPercent: z.number().describe('Growth in percent, rounded to 2 decimals; negative for a decline'),
    absoluteChange: z.number().describe('currentValue - previousValue, in the unit of the inputs, rounded to 2 decimals'),
    direction: z.enum(['increase', 'decrease', 'unchanged']).describe('Whether the value went up, down or stayed the same'),
    formula: z.string().describe('The formula applied, with the inputs substituted'),
    inputs: z
      .object({
        currentValue: z.number().describe('The later figure as received'),
        previousValue: z.number().describe('The earlier figure as received'),
        currentLabel: z.string().optional().describe('Label of the later figure, when given'),
        previousLabel: z.string().optional().describe('Label of the earlier figure, when given'),
      })
      .describe('The inputs echoed back so the answer can cite them'),
  }),
  errors: [
    {
      code: 'VALIDATION_ERROR',
      when: 'a value is missing or not a number, previousValue is 0 (growth from zero is undefined), or the change or the percentage exceeds the range of a number (e.g. 1 against 5e-324)',
      agentAction: 'Tell the user growth cannot be computed from zero or from such values, or fix the argument and call again.',
    },
  ],
  examples: [
    {
      userRequest: 'How much did EMEA revenue grow from Q2 to Q3 2024?',
      input: { currentValue: 1284.6, previousValue: 1231.2, currentLabel: '2024-Q3', previousLabel: '2024-Q2' },
      output: {
        growthPercent: 4.34,
        absoluteChange: 53.4,
        direction: 'increase',
        formula: '(1284.6 - 1231.2) / |1231.2| × 100 = 4.34%',
        inputs: { currentValue: 1284.6, previousValue: 1231.2, currentLabel: '2024-Q3', previousLabel: '2024-Q2' },
      },
    },
  ],
});

const regionSummary = z.object({
  region: z.enum(REVENUE_REGIONS).describe('Sales region: EMEA, APAC or AMER'),
  revenue: z.number().describe('Revenue of the quarter in millions of USD'),
  previousQuarterRevenue: z.number().nullable().describe('Revenue of the previous quarter in millions of USD; null when not available'),
  quarterOverQuarterPercent: z.number().nullable().describe('Growth against the previous quarter in percent (2 decimals); null when not available'),
  previousYearRevenue: z.number().nullable().describe('Revenue of the same quarter a year earlier in millions of USD; null when not available'),
  yearOverYearPercent: z.number().nullable().describe('Growth against the same quarter a year earlier in percent (2 decimals); null when not available'),
});

export const generateExecutiveSummary = defineTool({
  name: 'generateExecutiveSummary',
  target: FINANCIAL_TARGET,
  description:
    'Builds structured executive-summary data for one calendar quarter: total revenue, per-region revenue with quarter-over-quarter and year-over-year growth, the top region and plain-language highlights. Takes quarter in YYYY-QN format (e.g. 2024-Q3) and optional region codes (EMEA, APAC, AMER; default all three). All money in millions of USD, growth in percent computed by code.',
  usage:
    'Use when the user asks for an overview, summary, briefing or "how did we do" for a quarter. Present the returned figures and highlights; do not recompute them. For a single region figure use getQuarterlyRevenue instead.',
  input: z.strictObject({
    quarter: quarter('Quarter to summarise'),
    regions: z
      .array(revenueRegion('Sales region'), { error: 'expected a list of region codes: EMEA, APAC, AMER' })
      .min(1, { error: 'expected at least one region code' })
      .max(3, { error: 'expected at most 3 region codes' })
      .optional()
      .describe('Sales regions to include: EMEA, APAC and/or AMER; default all three'),
  }),
  output: z.object({
    period: z.string().describe('The quarter summarised, YYYY-QN'),
    currency: z.literal('USD').describe('Currency of every amount: always USD'),
    unit: z.literal('millions').describe('Scale of every amount: millions'),
    totalRevenue: z.number().describe('Sum of the regions’ revenue in millions of USD, rounded to 0.1'),
    topRegion: z.enum(REVENUE_REGIONS).describe('Region with the highest revenue in the quarter'),
    regions: z.array(regionSummary).describe('One entry per requested region, in the order requested'),
    highlights: z.array(z.string()).describe('Short factual sentences built from the figures, for the summary'),
  }),
  errors: [
    { code: 'VALIDATION_ERROR', when: 'quarter is not in YYYY-QN format or a region is not EMEA, APAC or AMER', agentAction: 'Fix the argument named in the error and call again.' },
    { code: 'NOT_FOUND', when: 'no closed figures exist for a requested region in that quarter', agentAction: 'Tell the user the quarter has no closed figures yet; offer the latest available quarter.' },
    unavailable,
  ],
  examples: [
    {
      userRequest: 'Give me an executive summary of Q3 2024.',
      input: { quarter: '2024-Q3' },
      output: {
        period: '2024-Q3',
        currency: 'USD',
        unit: 'millions',
        totalRevenue: 4457.9,
        topRegion: 'AMER',
        regions: [
          { region: 'EMEA', revenue: 1284.6, previousQuarterRevenue: 1231.2, quarterOverQuarterPercent: 4.34, previousYearRevenue: null, yearOverYearPercent: null },
          { region: 'APAC', revenue: 874.5, previousQuarterRevenue: 851.9, quarterOverQuarterPercent: 2.65, previousYearRevenue: null, yearOverYearPercent: null },
          { region: 'AMER', revenue: 2298.8, previousQuarterRevenue: 2214.3, quarterOverQuarterPercent: 3.82, previousYearRevenue: null, yearOverYearPercent: null },
        ],
        highlights: ['Total revenue 4457.9M USD in 2024-Q3.', 'AMER led with 2298.8M USD.', 'EMEA grew fastest quarter over quarter (+4.34%).'],
      },
    },
  ],
});

export const financialTools = [getQuarterlyRevenue, calculateGrowth, generateExecutiveSummary] as const;
