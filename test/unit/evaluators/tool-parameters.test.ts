import { handle } from '../../../lambda/evaluators/tool-parameters';
import { event, logger, toolSpan } from './spans';

describe('tool parameter evaluator', () => {
  test('arguments that pass the catalog schema score PASS 1 (gateway prefix stripped)', () => {
    const spans = [toolSpan('t1', 's1', 'financial___getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' })];
    expect(handle(event('TOOL_CALL', spans, { traceIds: ['t1'], spanIds: ['s1'] }), { logger })).toEqual({
      label: 'PASS',
      value: 1,
      explanation: 'Arguments of financial___getQuarterlyRevenue match the catalog schema',
    });
  });

  test('a wrong format scores FAIL 0 and names the field and the expected format', () => {
    const spans = [toolSpan('t1', 's1', 'getQuarterlyRevenue', { region: 'Europe', quarter: 'Q3 2024' })];
    const result = handle(event('TOOL_CALL', spans, { spanIds: ['s1'] }), { logger });
    expect(result).toMatchObject({ label: 'FAIL', value: 0 });
    expect((result as { explanation: string }).explanation).toBe(
      'Arguments do not match the tool schema: getQuarterlyRevenue.region: expected one of EMEA, APAC, AMER; getQuarterlyRevenue.quarter: expected a quarter in YYYY-QN format, e.g. 2024-Q3',
    );
  });

  test('only the target span is scored', () => {
    const spans = [toolSpan('t1', 's1', 'checkVacationBalance', { employeeId: 'bob' }), toolSpan('t1', 's2', 'checkVacationBalance', { employeeId: 'E10001' }, { latest: true })];
    expect(handle(event('TOOL_CALL', spans, { spanIds: ['s2'] }), { logger })).toMatchObject({ label: 'PASS', value: 1 });
    expect(handle(event('TOOL_CALL', spans, { spanIds: ['s1'] }), { logger })).toMatchObject({ label: 'FAIL', value: 0 });
  });

  test('tools outside the catalog are not applicable (no value)', () => {
    const result = handle(event('TOOL_CALL', [toolSpan('t1', 's1', 'declineOutOfScope', { reason: 'bonus' })]), { logger });
    expect(result).toEqual({ label: 'NOT_APPLICABLE', explanation: 'declineOutOfScope is not a catalog tool' });
  });

  test('no tool span, or a malformed event, is an error result rather than a score', () => {
    expect(handle(event('TOOL_CALL', [], { spanIds: ['zz'] }), { logger })).toEqual({ errorCode: 'NO_TOOL_CALL', errorMessage: 'No execute_tool span with id zz in the session spans' });
    expect(handle({ schemaVersion: '1.0' }, { logger })).toMatchObject({ errorCode: 'INVALID_INPUT', errorMessage: expect.stringMatching(/evaluationLevel: .*evaluationInput: /) });
  });
});
