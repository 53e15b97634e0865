import * as z from 'zod';
import { defineTool, toolCatalog, type ToolDefinition } from '../../../catalog';
import { formatLintIssues, lintCatalog, lintTool, type LintRule } from '../../../catalog/lint';
import { validateToolCatalog } from '../../../lib/tools/validate-catalog';

/** A definition that passes every rule; each bad case below changes one thing. */
const good = defineTool({
  name: 'getQuarterlyRevenue',
  target: 'financial',
  description:
    'Retrieves quarterly revenue data for a specified region and time period. Returns values in millions of USD. Requires region code (EMEA, APAC, AMER) and quarter in YYYY-QN format (e.g., 2024-Q3).',
  usage: 'Use when the user asks about revenue, sales, or financial performance.',
  input: z.strictObject({
    region: z.enum(['EMEA', 'APAC', 'AMER']).describe('Region code: EMEA, APAC or AMER'),
    quarter: z.string().regex(/^\d{4}-Q[1-4]$/).describe('Quarter in YYYY-QN format, e.g. 2024-Q3'),
  }),
  output: z.object({
    revenue: z.number().describe('Revenue in millions of USD'),
    currency: z.literal('USD').describe('Always USD'),
    period: z.string().describe('The quarter, YYYY-QN'),
  }),
  errors: [
    { code: 'VALIDATION_ERROR', when: 'region or quarter is malformed', agentAction: 'Fix the argument and call again.' },
    { code: 'NOT_FOUND', when: 'the quarter has no figures', agentAction: 'Tell the user the quarter is not available.' },
    { code: 'SERVICE_UNAVAILABLE', when: 'the data store does not answer', agentAction: 'Tell the user the service is unavailable.' },
  ],
  examples: [{ userRequest: "What's our Q3 revenue in EMEA?", input: { region: 'EMEA', quarter: '2024-Q3' }, output: { revenue: 1284.6, currency: 'USD', period: '2024-Q3' } }],
});

const variant = (patch: Partial<ToolDefinition>): ToolDefinition => ({ ...good, ...patch }) as ToolDefinition;
const rules = (def: ToolDefinition): LintRule[] => [...new Set(lintTool(def).map((i) => i.rule))];

test('the reference catalog is clean', () => {
  expect(formatLintIssues(lintCatalog(toolCatalog))).toBe('');
});

test('the good example of the best-practices guide passes', () => {
  expect(lintTool(good)).toEqual([]);
});

test('the guide’s bad description "Gets revenue data" fails: too short, no return, no unit or format', () => {
  const issues = lintTool(variant({ description: 'Gets revenue data' }));
  expect(issues.map((i) => i.rule)).toEqual(['description', 'description', 'description']);
  expect(formatLintIssues(issues)).toMatch(/description is 17 characters; at least 80[\s\S]*does not say what the tool returns[\s\S]*names no unit or format/);
});

test('generic or verb-less names fail', () => {
  expect(rules(variant({ name: 'getData' }))).toEqual(['name']);
  expect(rules(variant({ name: 'revenue' }))).toEqual(['name']);
  expect(rules(variant({ name: 'Get_Revenue' }))).toEqual(['name']);
});

test('usage that does not say when to use the tool fails', () => {
  expect(rules(variant({ usage: 'Revenue tool.' }))).toEqual(['usage']);
});

test('a parameter without a description fails, naming the field', () => {
  const issues = lintTool(variant({ input: z.strictObject({ region: z.enum(['EMEA', 'APAC', 'AMER']), quarter: good.input.shape.quarter }) }));
  expect(issues).toEqual([{ tool: 'getQuarterlyRevenue', rule: 'field-description', field: 'input.region', message: expect.stringContaining('input.region has no description') }]);
});

test('an output field without a description fails too, also nested in arrays', () => {
  const output = z.object({ rows: z.array(z.object({ value: z.number() })).describe('Rows of the result') });
  expect(lintTool(variant({ output, examples: [] })).filter((i) => i.rule === 'field-description').map((i) => i.field)).toEqual(['output.rows[].value']);
});

test('free text where an enum belongs fails: region, category, system, status', () => {
  for (const name of ['region', 'category', 'system', 'status']) {
    const input = z.strictObject({ [name]: z.string().max(20).describe(`The ${name} to use`), quarter: good.input.shape.quarter });
    expect(lintTool(variant({ input, examples: [] })).filter((i) => i.rule === 'enum').map((i) => i.field)).toEqual([`input.${name}`]);
  }
});

test('a description saying "one of" without an enum fails', () => {
  const input = z.strictObject({ region: good.input.shape.region, quarter: z.string().max(7).describe('one of Q1, Q2, Q3 or Q4 of a year') });
  expect(rules(variant({ input, examples: [] }))).toEqual(['enum', 'examples']);
});

test('ids and dates without a pattern, and unbounded free text, fail the format rule', () => {
  const input = z.strictObject({
    employeeId: z.string().describe('The employee id of the person'),
    note: z.string().describe('Anything the user wants to add'),
  });
  const issues = lintTool(variant({ input, examples: [] })).filter((i) => i.rule === 'format');
  expect(issues.map((i) => [i.field, i.message])).toEqual([
    ['input.employeeId', expect.stringContaining('has no pattern')],
    ['input.note', expect.stringContaining('unbounded free text')],
  ]);
});

test('a number without unit or range fails', () => {
  const input = z.strictObject({ amount: z.number().describe('The amount to convert'), quarter: good.input.shape.quarter });
  expect(lintTool(variant({ input, examples: [] })).filter((i) => i.rule === 'unit').map((i) => i.field)).toEqual(['input.amount']);
});

test('missing error conditions fail, and a tool with inputs must document VALIDATION_ERROR', () => {
  expect(lintTool(variant({ errors: [] })).map((i) => i.message)).toEqual([
    expect.stringContaining('no error conditions'),
    'the tool takes arguments but documents no VALIDATION_ERROR',
  ]);
  expect(rules(variant({ errors: [good.errors[1], good.errors[1]] }))).toEqual(['errors']);
});

test('a mutating tool must say it is idempotent', () => {
  expect(rules(variant({ mutating: true }))).toEqual(['idempotent']);
});

test('examples must exist and pass both schemas', () => {
  expect(rules(variant({ examples: [] }))).toEqual(['examples']);
  const issues = lintTool(variant({ examples: [{ userRequest: 'EMEA?', input: { region: 'Europe', quarter: '2024-Q3' }, output: { revenue: '1284', currency: 'USD', period: '2024-Q3' } }] }));
  expect(issues.map((i) => i.message)).toEqual([
    expect.stringMatching(/^examples\[0\]\.input fails the input schema: region/),
    expect.stringMatching(/^examples\[0\]\.output fails the output schema: revenue/),
  ]);
});

test('a schema the gateway cannot express fails', () => {
  const input = z.strictObject({ when: z.date().describe('A date object, ISO format') });
  expect(rules(variant({ input, examples: [] }))).toContain('gateway-schema');
});

test('duplicate names across the catalog fail', () => {
  const issues = lintCatalog([good, variant({ target: 'hr' })]);
  expect(issues).toEqual([{ tool: 'getQuarterlyRevenue', rule: 'duplicate', message: 'tool name getQuarterlyRevenue is defined 2 times; names are unique across the catalog' }]);
});

test('validateToolCatalog fails synth with a KitError listing every issue', () => {
  expect(() => validateToolCatalog([variant({ name: 'getData', description: 'Gets revenue data' })])).toThrow(
    /^\[InvalidToolCatalog\] 4 problems:\n {2}- getData \[name\][\s\S]*getData \[description\]: description is 17 characters/,
  );
  expect(() => validateToolCatalog(toolCatalog)).not.toThrow();
});
