import { getQuarterlyRevenue, generateExecutiveSummary, calculateGrowth } from '../../../catalog';
import { createToolDeps, type ToolDeps } from '../../../lambda/shared/deps';
import { dispatch as dispatchFinancial } from '../../../lambda/tools/financial/handlers';
import { checked } from './support/checked-dispatch';
import { SEED } from '../../../lambda/shared/seed-data';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

/** Every success is parsed by the tool's catalog output schema. */
const dispatch = checked(dispatchFinancial);

let db: LocalDynamo;
let deps: ToolDeps;
beforeAll(async () => {
  db = await startDynalite({ seed: true });
  deps = createToolDeps({ client: db.client, tables: db.tables });
});
afterAll(() => db.stop());

describe('getQuarterlyRevenue', () => {
  test('returns revenue in millions of USD for the region and quarter, matching the output schema', async () => {
    const result = await dispatch('getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' }, deps);
    expect(result).toEqual({ revenue: 1284.6, currency: 'USD', period: '2024-Q3', region: 'EMEA' });
    expect(getQuarterlyRevenue.output.safeParse(result).success).toBe(true);
  });

  test('accepts the gateway-prefixed name', async () => {
    const result = await dispatch('financial___getQuarterlyRevenue', { region: 'AMER', quarter: SEED.lastClosedQuarter }, deps);
    expect(result).toMatchObject({ region: 'AMER', period: SEED.lastClosedQuarter, currency: 'USD' });
  });

  test('a quarter without closed figures is NOT_FOUND, not retryable', async () => {
    const result = await dispatch('getQuarterlyRevenue', { region: 'APAC', quarter: '2030-Q1' }, deps);
    expect(result).toEqual({ error: { code: 'NOT_FOUND', message: 'No closed revenue figures for APAC in 2030-Q1.', retryable: false } });
  });

  test('a malformed quarter and region name each field and the expected format', async () => {
    const result = await dispatch('getQuarterlyRevenue', { region: 'Europe', quarter: 'Q3 2024' }, deps);
    expect(result).toMatchObject({
      error: {
        code: 'VALIDATION_ERROR',
        retryable: false,
        fields: [
          { field: 'region', expected: 'expected one of EMEA, APAC, AMER' },
          { field: 'quarter', expected: 'expected a quarter in YYYY-QN format, e.g. 2024-Q3' },
        ],
      },
    });
  });

  test('missing arguments are named too', async () => {
    const result = await dispatch('getQuarterlyRevenue', {}, deps);
    expect(result).toMatchObject({ error: { code: 'VALIDATION_ERROR', fields: [{ field: 'region' }, { field: 'quarter', expected: expect.stringContaining('YYYY-QN') }] } });
  });
});

describe('calculateGrowth', () => {
  test('is deterministic code: formula, inputs echoed, 2-decimal growth', async () => {
    const input = { currentValue: 1284.6, previousValue: 1231.2, currentLabel: '2024-Q3', previousLabel: '2024-Q2' };
    const result = await dispatch('calculateGrowth', input, deps);
    expect(result).toEqual({
      growthPercent: 4.34,
      absoluteChange: 53.4,
      direction: 'increase',
      formula: '(1284.6 - 1231.2) / |1231.2| × 100 = 4.34%',
      inputs: input,
    });
    expect(calculateGrowth.output.safeParse(result).success).toBe(true);
  });

  test('a decline from a negative base uses the absolute previous value', async () => {
    expect(await dispatch('calculateGrowth', { currentValue: -30, previousValue: -20 }, deps)).toMatchObject({ growthPercent: -50, absoluteChange: -10, direction: 'decrease' });
  });

  test.each([
    [{ currentValue: 1e308, previousValue: -1e308 }, 'the change overflows'],
    [{ currentValue: 1, previousValue: 5e-324 }, 'the percentage overflows'],
    [{ currentValue: -1.7e308, previousValue: 1e-10 }, 'a negative overflow'],
  ])('%j (%s) is a VALIDATION_ERROR naming both inputs, never Infinity', async (input) => {
    const result = await dispatch('calculateGrowth', input, deps);
    expect(result).toMatchObject({
      error: { code: 'VALIDATION_ERROR', retryable: false, fields: [{ field: 'currentValue', expected: expect.stringContaining('±1.7976931348623157e308') }, { field: 'previousValue' }] },
    });
    expect(JSON.stringify(result)).not.toMatch(/Infinity|null/);
  });

  test('large finite growth keeps its value and stays within the output schema', async () => {
    const result = await dispatch('calculateGrowth', { currentValue: 1e300, previousValue: 1e-5 }, deps);
    expect(result).toMatchObject({ growthPercent: 1e307, absoluteChange: 1e300, direction: 'increase' });
  });

  test('growth from zero is a validation error naming previousValue', async () => {
    const result = await dispatch('calculateGrowth', { currentValue: 10, previousValue: 0 }, deps);
    expect(result).toMatchObject({ error: { code: 'VALIDATION_ERROR', fields: [{ field: 'previousValue', expected: 'expected a non-zero number: growth from 0 is undefined' }] } });
  });
});

describe('generateExecutiveSummary', () => {
  test('sums the regions and computes quarter-over-quarter and year-over-year growth from stored figures', async () => {
    const result = await dispatch('generateExecutiveSummary', { quarter: '2025-Q3' }, deps);
    expect(generateExecutiveSummary.output.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({
      period: '2025-Q3',
      currency: 'USD',
      unit: 'millions',
      totalRevenue: 4903.3, // 1402.3 + 981.4 + 2519.6
      topRegion: 'AMER',
    });
    const emea = (result as { regions: Record<string, unknown>[] }).regions[0];
    // (1402.3 - 1365.9) / 1365.9 = 2.66 %, (1402.3 - 1284.6) / 1284.6 = 9.16 %
    expect(emea).toEqual({ region: 'EMEA', revenue: 1402.3, previousQuarterRevenue: 1365.9, quarterOverQuarterPercent: 2.66, previousYearRevenue: 1284.6, yearOverYearPercent: 9.16 });
  });

  test('the first stored quarter has null comparisons instead of invented ones', async () => {
    const result = await dispatch('generateExecutiveSummary', { quarter: SEED.firstQuarter, regions: ['APAC'] }, deps);
    expect(result).toMatchObject({ regions: [{ region: 'APAC', previousQuarterRevenue: null, quarterOverQuarterPercent: null, yearOverYearPercent: null }] });
  });

  test('a quarter without figures is NOT_FOUND naming the regions', async () => {
    const result = await dispatch('generateExecutiveSummary', { quarter: '2031-Q2', regions: ['EMEA', 'APAC'] }, deps);
    expect(result).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No closed revenue figures for EMEA, APAC in 2031-Q2.' } });
  });

  test('an unknown region in the list names its index', async () => {
    const result = await dispatch('generateExecutiveSummary', { quarter: '2025-Q3', regions: ['EMEA', 'LATAM'] }, deps);
    expect(result).toMatchObject({ error: { code: 'VALIDATION_ERROR', fields: [{ field: 'regions.1', expected: 'expected one of EMEA, APAC, AMER' }] } });
  });
});

test('no financial tool returns compensation fields', async () => {
  const results = await Promise.all([
    dispatch('getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' }, deps),
    dispatch('generateExecutiveSummary', { quarter: '2025-Q3' }, deps),
  ]);
  expect(JSON.stringify(results)).not.toMatch(/salary|compensation|bonus|payroll/i);
});
