/**
 * Financial analytics tools: the pure functions serving them, typed by the catalog definitions (type-only
 * imports, so the Lambda bundle does not carry the catalog). ./handlers.ts binds them to the catalog
 * definitions; ./handlers.ts binds them to the catalog definitions.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ToolFailure } from '../../../catalog/result';
import { REVENUE_REGIONS, shiftQuarter, type RevenueRegion } from '../../../catalog/formats';
import type { calculateGrowth, generateExecutiveSummary, getQuarterlyRevenue } from '../../../catalog/tools/financial';
import type { ToolContext } from '../../shared/deps';
import type { ToolImplementation } from '../../shared/dispatch';

/** What the error messages call the data store. */
export const FINANCIAL_SERVICE = 'finance data service';

/** Rounded to `decimals`; a value too large to carry decimals is returned as is (scaling it could overflow). */
const round = (value: number, decimals: number) => {
  const scaled = value * 10 ** decimals;
  return Math.abs(scaled) < Number.MAX_SAFE_INTEGER ? Math.round(scaled) / 10 ** decimals : value;
};

/** Revenue in millions of USD, or undefined when the quarter has no closed figures. */
async function readRevenue(ctx: ToolContext, region: RevenueRegion, quarter: string): Promise<number | undefined> {
  const { Item } = await ctx.db.send(new GetCommand({ TableName: ctx.tables.revenue, Key: { region, quarter } }));
  return Item ? Number(Item.revenue) : undefined;
}

/**
 * The growth calculation shared by calculateGrowth and the executive summary. Inputs near the
 * limits of a double (1e308 against -1e308, or 1 against 5e-324) overflow to Infinity, which is no
 * number JSON or the output schema accepts: that is a VALIDATION_ERROR naming both inputs.
 */
export function growth(currentValue: number, previousValue: number) {
  const change = currentValue - previousValue;
  const percent = (change / Math.abs(previousValue)) * 100;
  if (!Number.isFinite(change) || !Number.isFinite(percent)) {
    const expected = 'numbers whose difference, and that difference in percent of |previousValue|, stay within ±1.7976931348623157e308';
    throw new ToolFailure('VALIDATION_ERROR', `The growth from ${previousValue} to ${currentValue} is too large to represent as a number; ${expected}.`, [
      { field: 'currentValue', expected },
      { field: 'previousValue', expected },
    ]);
  }
  const absoluteChange = round(change, 2);
  const growthPercent = round(percent, 2);
  const direction = absoluteChange > 0 ? 'increase' : absoluteChange < 0 ? 'decrease' : 'unchanged';
  return { growthPercent, absoluteChange, direction } as const;
}

export const quarterlyRevenue: ToolImplementation<typeof getQuarterlyRevenue> = async ({ region, quarter }, ctx) => {
  const revenue = await readRevenue(ctx, region, quarter);
  if (revenue === undefined) throw new ToolFailure('NOT_FOUND', `No closed revenue figures for ${region} in ${quarter}.`);
  return { revenue, currency: 'USD' as const, period: quarter, region };
};

export const growthCalculation: ToolImplementation<typeof calculateGrowth> = async (input) => {
  const { currentValue, previousValue } = input;
  const result = growth(currentValue, previousValue);
  return {
    ...result,
    formula: `(${currentValue} - ${previousValue}) / |${previousValue}| × 100 = ${result.growthPercent}%`,
    inputs: input,
  };
};

export const executiveSummary: ToolImplementation<typeof generateExecutiveSummary> = async ({ quarter, regions }, ctx) => {
  const wanted = [...new Set(regions ?? REVENUE_REGIONS)];
  const previousQuarter = shiftQuarter(quarter, -1);
  const previousYear = shiftQuarter(quarter, -4);
  const rows = await Promise.all(
    wanted.map(async (region) => {
      const [revenue, prevQ, prevY] = await Promise.all([readRevenue(ctx, region, quarter), readRevenue(ctx, region, previousQuarter), readRevenue(ctx, region, previousYear)]);
      return { region, revenue, prevQ, prevY };
    }),
  );
  const missing = rows.filter((r) => r.revenue === undefined).map((r) => r.region);
  if (missing.length) throw new ToolFailure('NOT_FOUND', `No closed revenue figures for ${missing.join(', ')} in ${quarter}.`);

  const summaries = rows.map(({ region, revenue, prevQ, prevY }) => ({
    region,
    revenue: revenue!,
    previousQuarterRevenue: prevQ ?? null,
    quarterOverQuarterPercent: prevQ === undefined ? null : growth(revenue!, prevQ).growthPercent,
    previousYearRevenue: prevY ?? null,
    yearOverYearPercent: prevY === undefined ? null : growth(revenue!, prevY).growthPercent,
  }));
  const totalRevenue = round(summaries.reduce((sum, r) => sum + r.revenue, 0), 1);
  const top = summaries.reduce((a, b) => (b.revenue > a.revenue ? b : a));
  const highlights = [`Total revenue ${totalRevenue}M USD in ${quarter}.`];
  if (summaries.length > 1) highlights.push(`${top.region} led with ${top.revenue}M USD.`);
  const withQoq = summaries.filter((r) => r.quarterOverQuarterPercent !== null);
  if (withQoq.length) {
    const fastest = withQoq.reduce((a, b) => (b.quarterOverQuarterPercent! > a.quarterOverQuarterPercent! ? b : a));
    const sign = fastest.quarterOverQuarterPercent! >= 0 ? '+' : '';
    highlights.push(`${fastest.region} ${fastest.quarterOverQuarterPercent! >= 0 ? 'grew fastest' : 'declined least'} quarter over quarter (${sign}${fastest.quarterOverQuarterPercent}%).`);
  }
  const declining = summaries.filter((r) => r.yearOverYearPercent !== null && r.yearOverYearPercent < 0).map((r) => r.region);
  if (declining.length) highlights.push(`Down year over year: ${declining.join(', ')}.`);
  return { period: quarter, currency: 'USD' as const, unit: 'millions' as const, totalRevenue, topRegion: top.region, regions: summaries, highlights };
};
