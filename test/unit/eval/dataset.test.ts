import * as path from 'node:path';
import { checkAgainstCatalog, loadCheckedDataset } from '../../../eval/runner/catalog-check';
import { AGENTS, DatasetError, loadDataset, parseDataset, type EvalCase } from '../../../eval/runner/dataset';

const DATASETS = path.join(__dirname, '..', '..', '..', 'eval', 'datasets');
const load = (agent: string) => loadCheckedDataset(path.join(DATASETS, `${agent}.jsonl`));

const valid = {
  id: 'fin-900',
  agent: 'financial',
  query: "What's our Q3 revenue in EMEA?",
  context: { asOf: '2024-10-15' },
  expected: { outcome: 'answer', calls: [{ tool: 'getQuarterlyRevenue', parameters: { region: 'EMEA', quarter: '2024-Q3' } }] },
  facts: ['1284.6'],
  tags: ['revenue'],
};
const line = (o: unknown) => JSON.stringify(o);

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof DatasetError) return e.problems;
    throw e;
  }
  throw new Error('expected a DatasetError');
}

describe('shipped datasets', () => {
  test.each([
    ['financial', 50],
    ['hr', 45],
    ['it', 40],
  ])('%s has %i valid cases that pass the catalog check', (agent, count) => {
    const cases = load(agent);
    expect(cases).toHaveLength(count);
    expect(new Set(cases.map((c) => c.agent))).toEqual(new Set([agent]));
  });

  test("the seed's Q3-revenue-in-EMEA family expects one identical call for every phrasing", () => {
    const cases = load('financial');
    const family = cases.filter((c) => c.id === 'fin-001' || c.paraphraseOf === 'fin-001');
    const queries = family.map((c) => c.query);
    expect(queries).toEqual(
      expect.arrayContaining(["What's our Q3 revenue in EMEA?", 'How much did we make in Europe last quarter?', 'EMEA Q3 numbers?', 'Show me European revenue for July through September.']),
    );
    for (const c of family) {
      expect(c.expected).toEqual({ outcome: 'answer', calls: [{ tool: 'getQuarterlyRevenue', parameters: { region: 'EMEA', quarter: '2024-Q3' } }] });
      expect(c.context.asOf).toBe('2024-10-15');
    }
  });

  test.each(AGENTS)('%s covers paraphrases, abbreviations, dates, ambiguity and declines', (agent) => {
    const cases = load(agent);
    const tags = new Set(cases.flatMap((c) => c.tags));
    for (const tag of ['paraphrase', 'abbreviation', 'ambiguous']) expect(tags).toContain(tag);
    const outcomes = new Set(cases.map((c) => c.expected.outcome));
    expect(outcomes).toEqual(new Set(agent === 'financial' ? ['answer', 'refusal', 'clarification'] : ['answer', 'refusal', 'clarification', 'escalation']));
  });

  test.each(['financial', 'hr'])('%s has at least 4 relative or spelled-out date expressions', (agent) => {
    expect(load(agent).filter((c) => c.tags.includes('relative-date') || c.tags.includes('date-expression')).length).toBeGreaterThanOrEqual(4);
  });

  test('the declines the seed asks for are present', () => {
    const tags = (agent: string) => new Set(load(agent).flatMap((c) => c.tags));
    expect([...tags('financial')]).toEqual(expect.arrayContaining(['investment-advice', 'trade', 'compensation']));
    expect([...tags('hr')]).toEqual(expect.arrayContaining(['legal-advice', 'personnel-file', 'compensation']));
    expect([...tags('it')]).toEqual(expect.arrayContaining(['production-access', 'security-permissions']));
  });

  test('relative dates resolve against asOf: "last quarter" from 2026-11-26 is 2026-Q3', () => {
    const c = load('financial').find((x) => x.id === 'fin-011') as EvalCase;
    expect(c.query).toMatch(/last quarter/);
    expect(c.context.asOf).toBe('2026-11-26');
    expect(c.expected).toMatchObject({ calls: [{ parameters: { quarter: '2026-Q3' } }] });
  });
});

describe('dataset validation', () => {
  test('a valid line parses with defaults applied', () => {
    const [c] = parseDataset(line({ ...valid, facts: undefined }), 'x.jsonl');
    expect(c.facts).toEqual([]);
  });

  test('every bad line is reported with file:line and field, all at once', () => {
    const text = [
      line(valid),
      '{not json',
      line({ ...valid, id: 'fin-901', query: undefined }),
      line({ ...valid, id: 'FIN_1' }),
      '',
      line({ ...valid, id: 'fin-902', context: { asOf: '15/10/2024' } }),
      line({ ...valid, id: 'fin-903', expected: { outcome: 'maybe' } }),
      line(valid),
    ].join('\n');
    const problems = problemsOf(() => parseDataset(text, 'eval/datasets/financial.jsonl'));
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, field: '(line)', message: expect.stringMatching(/not valid JSON/) }),
      expect.objectContaining({ line: 3, field: 'query' }),
      expect.objectContaining({ line: 4, field: 'id', message: 'an id such as fin-001, hr-012 or it-040' }),
      expect.objectContaining({ line: 6, field: 'context.asOf', message: 'an ISO date YYYY-MM-DD' }),
      expect.objectContaining({ line: 7, field: 'expected.outcome' }),
      expect.objectContaining({ line: 8, field: 'id', message: 'duplicate id fin-900 (first on line 1)' }),
    ]);
    const err = new DatasetError(problems);
    expect(err.message).toMatch(/eval\/datasets\/financial\.jsonl:4: id: an id such as fin-001/);
  });

  test('unknown fields are rejected by name', () => {
    const problems = problemsOf(() => parseDataset(line({ ...valid, expectedTool: 'x' }), 'f.jsonl'));
    expect(problems[0]).toMatchObject({ line: 1, field: '(case)', message: expect.stringMatching(/expectedTool/) });
  });

  test('a paraphrase must expect the same call as its original', () => {
    const para = { ...valid, id: 'fin-901', paraphraseOf: 'fin-900', expected: { outcome: 'refusal', reason: 'nope' } };
    const problems = problemsOf(() => parseDataset([line(valid), line(para), line({ ...valid, id: 'fin-902', paraphraseOf: 'fin-999' })].join('\n'), 'f.jsonl'));
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, field: 'expected', message: 'a paraphrase must expect the same as fin-900' }),
      expect.objectContaining({ line: 3, field: 'paraphraseOf', message: 'no case fin-999 in this file' }),
    ]);
  });

  test('a missing file is a dataset error, not a crash', () => {
    expect(() => loadDataset('/nonexistent/cases.jsonl')).toThrow(/cases\.jsonl:0: \(file\): file not found/);
  });
});

describe('catalog check: expected parameters follow the tool input schemas', () => {
  const check = (calls: unknown, agent = 'financial') =>
    checkAgainstCatalog(parseDataset(line({ ...valid, agent, expected: { outcome: 'answer', calls } }), 'f.jsonl'), 'f.jsonl');

  test('a wrong format is reported with the schema message', () => {
    expect(check([{ tool: 'getQuarterlyRevenue', parameters: { region: 'Europe', quarter: 'Q3 2024' } }])).toEqual([
      expect.objectContaining({ line: 1, field: 'expected.calls.0.parameters.region', message: expect.stringMatching(/expected one of EMEA, APAC, AMER/) }),
      expect.objectContaining({ field: 'expected.calls.0.parameters.quarter', message: expect.stringMatching(/YYYY-QN/) }),
    ]);
  });

  test('unknown tools, foreign tools and unknown arguments are reported', () => {
    expect(check([{ tool: 'getMarketData', parameters: {} }])[0].message).toMatch(/unknown tool getMarketData/);
    expect(check([{ tool: 'getPolicy', parameters: { policyName: 'vacation' } }])[0].message).toMatch(/not a tool of the financial agent/);
    expect(check([{ tool: 'getQuarterlyRevenue', parameters: { regionCode: 'EMEA' } }])[0].message).toMatch(/has no argument regionCode; it takes region, quarter/);
  });

  test('every $oneOf option is validated', () => {
    const problems = check([{ tool: 'getQuarterlyRevenue', parameters: { quarter: { $oneOf: ['2024-Q3', '2024-3'] } } }]);
    expect(problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/"2024-3" is not valid/) })]);
  });
});
