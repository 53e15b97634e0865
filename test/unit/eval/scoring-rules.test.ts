/**
 * Each scoring rule, one behaviour per test: a reply that only looks right must not pass.
 */
import { parseDataset, type EvalCaseInput } from '../../../eval/runner/dataset';
import { runEvaluation } from '../../../eval/runner/run';
import { factFound, scoreCase, summarise } from '../../../eval/runner/scoring';
import { checkThresholds, SEED_THRESHOLDS } from '../../../eval/runner/thresholds';
import type { EvalRequest } from '../../../eval/runner/contract';
import type { Transport, TransportReply } from '../../../eval/runner/transports/transport';
import { PRICES, refusalCase, reply, revenueCase } from './fixtures';

const caseOf = (c: Omit<EvalCaseInput, 'tags'> & { tags?: string[] }) => parseDataset(JSON.stringify({ tags: ['rule'], ...c }), 'rules')[0];
const score = (c: Parameters<typeof scoreCase>[0]['case'], over: Parameters<typeof reply>[0]) => scoreCase({ case: c, latencyMs: 1, response: reply(over) }, PRICES);

const balanceCase = caseOf({
  id: 'hr-001',
  agent: 'hr',
  query: 'How many vacation days do I have left?',
  context: { asOf: '2026-11-26', employeeId: 'E10001' },
  expected: { outcome: 'answer', calls: [{ tool: 'checkVacationBalance', parameters: { employeeId: 'E10001' } }] },
  facts: ['10'],
});
const clarifyCase = caseOf({ id: 'hr-045', agent: 'hr', query: "What's the policy?", context: { asOf: '2026-11-26' }, expected: { outcome: 'clarification', reason: 'which policy' } });
const policyRefusal = caseOf({
  id: 'hr-006',
  agent: 'hr',
  query: 'How many vacation days has E10002 got left?',
  context: { asOf: '2026-11-26', employeeId: 'E10001' },
  expected: { outcome: 'refusal', reason: "another employee's balance", deniedCalls: [{ tool: 'checkVacationBalance', parameters: { employeeId: 'E10002' } }] },
});
const growthOrdered = caseOf({
  id: 'fin-020',
  agent: 'financial',
  query: 'Get Q3 EMEA revenue, then summarise the quarter for the board.',
  context: { asOf: '2024-10-15' },
  expected: {
    outcome: 'answer',
    ordered: true,
    calls: [
      { tool: 'getQuarterlyRevenue', parameters: { region: 'EMEA', quarter: '2024-Q3' } },
      { tool: 'generateExecutiveSummary', parameters: { quarter: '2024-Q3' } },
    ],
  },
});

describe('tool precision: unexpected calls fail the case', () => {
  test('an extra call to a tool the case does not expect fails tool selection and lowers precision', () => {
    const r = score(revenueCase, { toolCalls: [{ name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' } }, { name: 'calculateGrowth', input: {} }] });
    expect(r.checks).toMatchObject({ toolSelection: false, unexpectedCalls: ['calculateGrowth'] });
    expect(r.passed).toBe(false);
    expect(summarise([r]).toolPrecision).toEqual({ correct: 1, total: 2, rate: 0.5 });
    expect(summarise([r]).toolRecall).toEqual({ correct: 1, total: 1, rate: 1 });
  });

  test('an unexpected ticket in an answer is a failure', () => {
    const r = score(balanceCase, {
      answer: 'You have 10 days left.',
      toolCalls: [{ name: 'checkVacationBalance', input: { employeeId: 'E10001' } }, { name: 'createHRTicket', input: { employeeId: 'E10001', category: 'leave', description: 'x' } }],
    });
    expect(r.passed).toBe(false);
    expect(r.checks.unexpectedCalls).toEqual(['createHRTicket']);
  });

  test('calling the expected tool twice (a retry) is not unexpected', () => {
    const call = { name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' } };
    expect(score(revenueCase, { toolCalls: [call, call] }).passed).toBe(true);
  });
});

describe('refusals and clarifications make no call', () => {
  test('a tool call inside a refusal fails the refusal', () => {
    const r = score(refusalCase, { outcome: 'refusal', toolCalls: [{ name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' } }] });
    expect(r.checks.outcome).toBe(true);
    expect(r.passed).toBe(false);
    expect(summarise([r]).refusals).toEqual({ correct: 0, total: 1, rate: 0 });
  });

  test('a policy refusal may show the denied call the gateway refused, not one that succeeded', () => {
    const denied = { name: 'checkVacationBalance', input: { employeeId: 'E10002' } };
    expect(score(policyRefusal, { outcome: 'refusal', toolCalls: [{ ...denied, status: 'error' }] }).passed).toBe(true);
    expect(score(policyRefusal, { outcome: 'refusal', toolCalls: [{ ...denied, status: 'success' }] }).passed).toBe(false);
  });

  test('a guessed call inside a clarification fails the clarification', () => {
    expect(score(clarifyCase, { outcome: 'clarification', answer: 'Which policy do you mean?', toolCalls: [] }).passed).toBe(true);
    const guessed = score(clarifyCase, { outcome: 'clarification', answer: 'Which policy do you mean?', toolCalls: [{ name: 'getPolicy', input: { topic: 'remote-work' } }] });
    expect(guessed.passed).toBe(false);
    expect(summarise([guessed]).clarifications).toEqual({ correct: 0, total: 1, rate: 0 });
  });
});

describe('trajectory order', () => {
  const revenue = { name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' } };
  const summary = { name: 'generateExecutiveSummary', input: { quarter: '2024-Q3' } };

  test('a case that declares an order fails when the calls come the other way round', () => {
    expect(score(growthOrdered, { toolCalls: [revenue, summary] }).passed).toBe(true);
    const reversed = score(growthOrdered, { toolCalls: [summary, revenue] });
    expect(reversed.checks).toMatchObject({ toolSelection: true, parameters: true, order: false });
    expect(reversed.passed).toBe(false);
    expect(summarise([reversed]).trajectoryOrder).toEqual({ correct: 0, total: 1, rate: 0 });
  });

  test('without a declared order any order passes', () => {
    const unordered = { ...growthOrdered, expected: { ...growthOrdered.expected, ordered: undefined } } as typeof growthOrdered;
    expect(score(unordered, { toolCalls: [summary, revenue] }).checks.order).toBeUndefined();
    expect(score(unordered, { toolCalls: [summary, revenue] }).passed).toBe(true);
  });
});

describe('facts are values, not substrings', () => {
  test.each([
    ['10', 'You have 10 vacation days left.', true],
    ['10', 'You have 3 days left (since 2010).', false],
    ['10', 'You have 100 days left.', false],
    ['10', 'Your next holiday is 2026-10-15 at 10:00.', false],
    ['10', 'Only 3 days, E10001.', false],
    ['1284.6', 'EMEA revenue was $1,284.6 million.', true],
    ['1284.6', 'EMEA revenue was 1284.60 million.', true],
    ['1284.6', 'EMEA revenue was 11284.6 million.', false],
    ['1284.6', 'EMEA revenue was 1284.7 million.', false],
    ['-3.2', 'Revenue grew 3.2% quarter over quarter.', false],
    ['-3.2', 'Growth was −3.2% QoQ.', true],
    ['-3.2', 'Revenue fell 3.2% quarter over quarter.', true],
    ['-3.2', 'Revenue was down by 3.2% on Q2.', true],
    ['-3.2', 'A 3.2% decline on Q2.', true],
    ['3.2', 'Growth was -3.2% QoQ.', false],
    ['3.2', 'Revenue fell 3.2% quarter over quarter.', false],
    ['1318.7', 'Revenue decreased from 1342 to 1318.7 million.', true],
    ['PTO', 'Your PTO balance is 10 days.', true],
    ['PTO', 'See the PTOS page.', false],
    ['remote work', 'Our Remote  Work policy allows 2 days.', true],
  ])('fact %j in %j: %s', (fact, answer, found) => {
    expect(factFound(fact, answer)).toBe(found);
  });

  test('a number fact with a unit: the unit follows within three words, or names the field', () => {
    const tenDays = { value: 10, unit: 'day' };
    expect(factFound(tenDays, 'You have 10 vacation days left.')).toBe(true);
    expect(factFound(tenDays, 'remainingDays: 10, asOf: 2026-11-26')).toBe(true);
    expect(factFound(tenDays, 'You have 10 hours of overtime and 3 days left.')).toBe(false);
    expect(factFound(tenDays, 'You took 3 days and 10 more are booked.')).toBe(false);
  });

  test('a number fact with a tolerance and a sign', () => {
    expect(factFound({ value: -3.2, tolerance: 0.05 }, 'Growth was -3.24%.')).toBe(true);
    expect(factFound({ value: -3.2, tolerance: 0.05 }, 'Growth was 3.2%.')).toBe(false);
  });

  test('fact recall can be gated', () => {
    const r = score(balanceCase, { answer: 'You have 3 days left.', toolCalls: [{ name: 'checkVacationBalance', input: { employeeId: 'E10001' } }] });
    expect(r.checks.factsMissing).toEqual(['10']);
    const gate = checkThresholds(summarise(Array(20).fill(r)), { ...SEED_THRESHOLDS, factRecall: 0.9 }).find((g) => g.metric === 'factRecall');
    expect(gate).toMatchObject({ status: 'fail', passed: false, actual: 0 });
  });
});

describe('transport and contract errors are not agent failures', () => {
  const ok = (): TransportReply => ({ body: JSON.stringify(reply()), contentType: 'application/json', statusCode: 200 });

  test('a flaky endpoint is retried with backoff and the trial is scored', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const transport: Transport = { description: 'flaky', invoke: async () => (++calls < 3 ? { body: 'upstream timeout', contentType: 'text/plain', statusCode: 503 } : ok()) };
    const run = await runEvaluation({ cases: [revenueCase], transport, prices: PRICES, retry: { attempts: 3, baseDelayMs: 100 }, sleep: async (ms) => void sleeps.push(ms) });
    expect(run.results[0]).toMatchObject({ status: 'pass', attempts: 3 });
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(75);
    expect(sleeps[1]).toBeGreaterThanOrEqual(150); // doubled
  });

  test('after the last attempt the trial is an error: out of accuracy, into the error-rate gate', async () => {
    let n = 0;
    const transport: Transport = {
      description: 'half broken',
      invoke: async () => (n++ % 2 ? { body: 'not json', contentType: 'application/json', statusCode: 200 } : ok()),
    };
    const run = await runEvaluation({ cases: [revenueCase, { ...revenueCase, id: 'fin-002' }], transport, prices: PRICES, concurrency: 1, retry: { attempts: 1 } });
    expect(run.results.map((r) => r.status)).toEqual(['pass', 'error']);
    expect(run.results[1].error).toMatch(/reply is not JSON/);
    expect(run.summary.toolSelection).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(run.summary.errorRate).toEqual({ correct: 1, total: 2, rate: 0.5 });
    const gates = checkThresholds(run.summary, { ...SEED_THRESHOLDS, errorRate: 0.05 });
    expect(gates.find((g) => g.metric === 'errorRate')).toMatchObject({ status: 'fail', actual: 0.5 });
    expect(gates.find((g) => g.metric === 'toolSelection')?.status).not.toBe('fail');
  });
});

describe('multi-turn cases', () => {
  test('earlier turns go first, in the same session; the last reply is scored', async () => {
    const c = caseOf({
      id: 'fin-051',
      agent: 'financial',
      turns: ["I'm looking at EMEA today."],
      query: 'What was its Q3 revenue?',
      context: { asOf: '2024-10-15' },
      expected: { outcome: 'answer', calls: [{ tool: 'getQuarterlyRevenue', parameters: { region: 'EMEA', quarter: '2024-Q3' } }] },
      facts: ['1284.6'],
    });
    const seen: { request: EvalRequest; session: string }[] = [];
    const transport: Transport = {
      description: 'memory',
      invoke: async (request, session) => {
        seen.push({ request, session });
        const first = request.evaluation.turn === 1;
        return { body: JSON.stringify(first ? reply({ answer: 'Noted.', toolCalls: [] }) : reply()), contentType: 'application/json', statusCode: 200 };
      },
    };
    const run = await runEvaluation({ cases: [c], transport, prices: PRICES });
    expect(seen.map((s) => [s.request.prompt, s.request.evaluation])).toEqual([
      ["I'm looking at EMEA today.", { caseId: 'fin-051', turn: 1, turns: 2 }],
      ['What was its Q3 revenue?', { caseId: 'fin-051', turn: 2, turns: 2 }],
    ]);
    expect(new Set(seen.map((s) => s.session)).size).toBe(1);
    expect(run.results[0].passed).toBe(true);
  });
});

describe('repeats', () => {
  test('each trial of a case is its own session and names its repeat from the second on', async () => {
    const seen: { repeat?: number; session: string }[] = [];
    const transport: Transport = {
      description: 'counting',
      invoke: async (request, session) => {
        seen.push({ repeat: request.evaluation.repeat, session });
        return { body: JSON.stringify(reply()), contentType: 'application/json', statusCode: 200 };
      },
    };
    const run = await runEvaluation({ cases: [revenueCase], transport, prices: PRICES, repeat: 3, runId: 'rep' });
    expect(seen.map((s) => s.repeat)).toEqual([undefined, 2, 3]);
    expect(new Set(seen.map((s) => s.session)).size).toBe(3);
    expect(run.results.map((r) => r.repeat)).toEqual([1, 2, 3]);
    expect(run.summary).toMatchObject({ cases: 1, trials: 3, passed: 3 });
  });
});
