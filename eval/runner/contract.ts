/**
 * The evaluation contract between the runner and an agent: what the runner sends to
 * `POST /invocations` and what the agent's reply must carry so it can be scored.
 * eval/README.md documents the same contract for agent authors.
 */
import { z } from 'zod';
import { stripTargetPrefix } from '../../catalog/tool';
import { OUTCOMES } from './dataset';

/** Payload the runner sends (JSON body of the invocation). */
export interface EvalRequest {
  /** The user's message. */
  readonly prompt: string;
  /**
   * Invocation attributes: the current date and the signed-in identity. `persona` names the
   * reference identity whose token the runner sends (agents read identity from the token only).
   */
  readonly context: { readonly asOf: string; readonly employeeId?: string; readonly userId?: string; readonly persona?: string };
  /**
   * Ask the agent to include the evaluation fields (tool calls, usage, outcome) in its reply. A
   * multi-turn case sends its earlier turns first, in the same session: `turn` counts from 1 to `turns`.
   * `repeat` says which trial of the case this is, from the second on (for the agent's logs).
   */
  readonly evaluation: { readonly caseId: string; readonly repeat?: number; readonly turn?: number; readonly turns?: number };
}

export const toolCallSchema = z
  .object({
    /** Tool name, with or without the `<target>___` gateway prefix. */
    name: z.string().min(1),
    /** Arguments exactly as sent to the tool. */
    input: z.record(z.string(), z.unknown()).default({}),
    /** Whether the tool returned a result or an error. */
    status: z.enum(['success', 'error']).optional(),
  })
  .loose();

export const usageSchema = z
  .object({
    inputTokens: z.number().int().min(0),
    outputTokens: z.number().int().min(0),
  })
  .loose();

/** The reply an agent returns for an evaluation request. */
export const evalResponseSchema = z
  .object({
    /** The text shown to the user. */
    answer: z.string(),
    /** How the agent handled the request. */
    outcome: z.enum(OUTCOMES),
    /** Every tool call the agent (and its sub-agents) made, in order. */
    toolCalls: z.array(toolCallSchema).default([]),
    /** Model tokens over the whole request, sub-agents included. */
    usage: usageSchema,
    /** Model id that produced the answer (for cost and compare mode). */
    model: z.string().optional(),
    /** Optional OpenTelemetry spans of the request (for the LLM-as-judge Evaluate API). */
    spans: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .loose();
export type EvalResponse = z.output<typeof evalResponseSchema>;
export type ToolCall = z.output<typeof toolCallSchema>;

export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

/**
 * Validate a raw reply body. Accepts a JSON object, or an SSE stream whose last `data:` event that
 * is a contract object wins (streaming agents send the evaluation fields in their final event).
 */
export function parseEvalResponse(body: string, contentType = 'application/json'): EvalResponse {
  const candidates: unknown[] = [];
  if (contentType.includes('text/event-stream')) {
    for (const line of body.split(/\r?\n/)) {
      if (!line.startsWith('data:')) continue;
      try {
        candidates.push(JSON.parse(line.slice(5).trim()));
      } catch {
        // Text chunks of a streamed answer are not the contract object.
      }
    }
  } else {
    try {
      candidates.push(JSON.parse(body));
    } catch {
      throw new ContractError(`reply is not JSON: ${body.slice(0, 200)}`);
    }
  }
  let lastError: z.ZodError | undefined;
  for (const candidate of candidates.reverse()) {
    const parsed = evalResponseSchema.safeParse(typeof candidate === 'string' ? safeJson(candidate) : candidate);
    if (parsed.success) {
      return { ...parsed.data, toolCalls: parsed.data.toolCalls.map((c) => ({ ...c, name: stripTargetPrefix(c.name) })) };
    }
    lastError ??= parsed.error;
  }
  const detail = lastError ? lastError.issues.map((i) => `${i.path.join('.') || '(reply)'}: ${i.message}`).join('; ') : 'no JSON event in the stream';
  throw new ContractError(`reply does not follow the evaluation contract (eval/README.md): ${detail}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
