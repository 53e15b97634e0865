/**
 * Scripted model turns for the end-to-end tests: deterministic stand-ins for the LLM decisions,
 * computed only from what the model receives (system prompt, messages, tool results).
 */
import type { ModelCall, ScriptedTurn } from '../../../../agents/shared/scripted-model';

/** The shared-memory section of a system prompt ("Earlier in this session"), or ''. */
export function sessionMemory(systemPrompt: string): string {
  const at = systemPrompt.indexOf('## Earlier in this session');
  return at === -1 ? '' : systemPrompt.slice(at);
}

/** A claim from the context attributes of a system prompt. */
export function claimOf(systemPrompt: string, claim: string): string | undefined {
  return new RegExp(`^- ${claim}: (\\S+)$`, 'm').exec(systemPrompt)?.[1];
}

export function supervisorScript(call: ModelCall): ScriptedTurn {
  const text = call.lastUserText;
  if (call.lastToolResults.length) return { text: call.lastToolResults.join('\n') };
  if (/invest|stock|shares/i.test(text)) return { toolCalls: [{ name: 'declineOutOfScope', input: { reason: 'investment advice' } }] };
  if (/my employee id is/i.test(text)) return { text: 'Thanks, noted.' };
  if (call.toolNames.includes('runSequence') && /vacation/i.test(text) && /vpn/i.test(text)) {
    return {
      toolCalls: [
        {
          name: 'runSequence',
          input: { steps: [{ specialist: 'hr', request: 'How many vacation days does the user have left?' }, { specialist: 'it', request: 'Check the VPN status of the user.' }] },
        },
      ],
    };
  }
  if (/vacation|holiday/i.test(text)) return { toolCalls: [{ name: 'delegate_hr', input: { request: 'The user asks how many vacation days they have left this year.' } }] };
  return { text: 'Hello! How can I help?' };
}

/** HR: takes the employee id from the session's shared memory only, so the test proves the hand-off of context. */
export function hrScript(call: ModelCall): ScriptedTurn {
  if (call.lastToolResults.length) {
    const result = JSON.parse(call.lastToolResults[0]) as { remainingDays?: number; error?: { message: string } };
    return { text: result.error ? `Sorry: ${result.error.message}` : `You have ${result.remainingDays} vacation days left this year.` };
  }
  const id = /\bE\d{5}\b/.exec(sessionMemory(call.systemPrompt))?.[0];
  if (!id) return { text: 'What is your employee id?' };
  return { toolCalls: [{ name: 'hr___checkVacationBalance', input: { employeeId: id } }] };
}

/** IT: takes the directory user id from the verified claims in the context attributes. */
export function itScript(call: ModelCall): ScriptedTurn {
  if (call.lastToolResults.length) {
    const result = JSON.parse(call.lastToolResults[0]) as { accountStatus?: string; connected?: boolean; error?: { message: string } };
    return { text: result.error ? `Sorry: ${result.error.message}` : `Your VPN account is ${result.accountStatus}.` };
  }
  const userId = claimOf(call.systemPrompt, 'userId');
  return userId ? { toolCalls: [{ name: 'it___checkVPNStatus', input: { userId } }] } : { text: 'What is your user id?' };
}

export function financialScript(): ScriptedTurn {
  return { text: 'Financial here.' };
}
