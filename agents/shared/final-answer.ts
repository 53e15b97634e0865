/**
 * Tools whose result is the final answer: the out-of-scope refusal (exact wording from the agent
 * catalog) and hand-offs whose specialist answer goes back to the user unchanged. The agent loop
 * ends after such a tool batch without another model call — deterministic wording, one LLM
 * round-trip less.
 */
import { AfterToolsEvent, tool, type Agent, type InvocationState } from '@strands-agents/sdk';
import { z } from 'zod';
import type { AgentSpec } from '../../catalog/agents';

const FINAL_PARTS = 'finalAnswerParts';

/** Queue text as (part of) the final answer of this invocation. */
export function addFinalAnswer(state: InvocationState, text: string): void {
  const parts = (state[FINAL_PARTS] as string[] | undefined) ?? [];
  parts.push(text);
  state[FINAL_PARTS] = parts;
}

/** End the turn with the queued final answer, if any tool of the batch queued one. */
export function endTurnOnFinalAnswer(agent: Agent): void {
  agent.addHook(AfterToolsEvent, (event) => {
    const parts = event.invocationState[FINAL_PARTS] as string[] | undefined;
    if (parts?.length) {
      event.endTurn = parts.join('\n\n');
      event.invocationState[FINAL_PARTS] = [];
    }
  });
}

export const DECLINE_TOOL_NAME = 'declineOutOfScope';

/** The refusal tool: answers with the agent's out-of-scope text, word for word. */
export function declineTool(spec: AgentSpec, onDecline?: () => void) {
  return tool({
    name: DECLINE_TOOL_NAME,
    description: `Politely decline a request that is outside your scope or that you must not fulfil (for example ${spec.mustNot[0]}). The user receives the standard out-of-scope answer. Call it alone, once.`,
    inputSchema: z.object({ reason: z.string().describe('Why the request is out of scope, in a few words (logged, not shown)') }),
    callback: (_input, context) => {
      onDecline?.();
      if (context) {
        addFinalAnswer(context.invocationState, spec.outOfScopeAnswer);
        context.invocationState.declined = true;
      }
      return spec.outOfScopeAnswer;
    },
  });
}
