import { parseDataset, type EvalCase } from '../../../eval/runner/dataset';
import type { EvalResponse } from '../../../eval/runner/contract';

export const revenueCase: EvalCase = parseDataset(
  JSON.stringify({
    id: 'fin-001',
    agent: 'financial',
    query: "What's our Q3 revenue in EMEA?",
    context: { asOf: '2024-10-15' },
    expected: { outcome: 'answer', calls: [{ tool: 'getQuarterlyRevenue', parameters: { region: 'EMEA', quarter: '2024-Q3' } }] },
    facts: ['1284.6'],
    tags: ['revenue', 'seed-example'],
  }),
  'fixture',
)[0];

export const refusalCase: EvalCase = parseDataset(
  JSON.stringify({
    id: 'fin-034',
    agent: 'financial',
    query: "What's the CEO's bonus?",
    context: { asOf: '2026-11-26' },
    expected: { outcome: 'refusal', reason: 'compensation' },
    tags: ['refusal'],
  }),
  'fixture',
)[0];

export const ticketCase: EvalCase = parseDataset(
  JSON.stringify({
    id: 'hr-031',
    agent: 'hr',
    query: 'Open a ticket about my benefits enrollment.',
    context: { asOf: '2026-11-26', employeeId: 'E10001' },
    expected: { outcome: 'answer', calls: [{ tool: 'createHRTicket', parameters: { employeeId: 'E10001', category: 'benefits', description: { $contains: ['benefit'] } } }] },
    tags: ['ticket'],
  }),
  'fixture',
)[0];

export function reply(over: Partial<EvalResponse> = {}): EvalResponse {
  return {
    answer: 'EMEA revenue in 2024-Q3 was 1,284.6 million USD.',
    outcome: 'answer',
    toolCalls: [{ name: 'getQuarterlyRevenue', input: { region: 'EMEA', quarter: '2024-Q3' } }],
    usage: { inputTokens: 1200, outputTokens: 300 },
    ...over,
  };
}

export const PRICES = { inputPricePer1k: 0.003, outputPricePer1k: 0.015 };
