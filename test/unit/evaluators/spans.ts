/** Session spans as the Strands SDK emits them (stable GenAI conventions unless `latest`). */
export function agentSpan(traceId: string, user: string, answer: string, opts: { latest?: boolean } = {}) {
  return {
    traceId,
    spanId: `${traceId}-agent`,
    name: 'invoke_agent financial_analytics',
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'financial_analytics' },
    events: opts.latest
      ? [
          { name: 'gen_ai.client.inference.operation.details', attributes: { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: user }] }]) } },
          { name: 'gen_ai.client.inference.operation.details', attributes: { 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: answer }] }]) } },
        ]
      : [
          { name: 'gen_ai.user.message', attributes: { content: JSON.stringify([{ text: user }]) } },
          { name: 'gen_ai.choice', attributes: { message: answer, finish_reason: 'end_turn' } },
        ],
  };
}

export function toolSpan(traceId: string, spanId: string, name: string, input: Record<string, unknown>, opts: { latest?: boolean } = {}) {
  return {
    traceId,
    spanId,
    parentSpanId: `${traceId}-agent`,
    name: `execute_tool ${name}`,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name, ...(opts.latest ? { 'gen_ai.tool.call.arguments': JSON.stringify(input) } : {}) },
    events: opts.latest ? [] : [{ name: 'gen_ai.tool.message', attributes: { role: 'tool', content: JSON.stringify(input), id: 'tooluse_1' } }],
  };
}

export function event(level: 'TOOL_CALL' | 'TRACE' | 'SESSION', sessionSpans: unknown[], target?: { traceIds?: string[]; spanIds?: string[] }) {
  return {
    schemaVersion: '1.0',
    evaluatorId: 'kit_eval-abc1234567',
    evaluatorName: 'kit_eval',
    evaluationLevel: level,
    evaluationInput: { sessionSpans },
    evaluationReferenceInputs: [],
    evaluationTarget: target ?? null,
  };
}

export const logger = { info: () => undefined, warn: () => undefined };
