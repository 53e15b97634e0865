/**
 * A scripted agent on the real AgentCore HTTP contract (`bedrock-agentcore/runtime` on loopback):
 * it answers each evaluation request from a script keyed by case id, standing in for the model.
 */
import type * as http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { BedrockAgentCoreApp } from 'bedrock-agentcore/runtime';
import { z } from 'zod';
import type { EvalResponse } from '../../../eval/runner/contract';
import type { EvalCase } from '../../../eval/runner/dataset';

export type Script = (c: EvalCase, sessionId: string) => EvalResponse | AsyncGenerator<unknown> | Promise<EvalResponse>;

/** The reply a perfect agent gives: exactly the expected outcome and calls, facts in the answer. */
export function perfectReply(c: EvalCase): EvalResponse {
  const calls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
  return {
    answer: `Here you go: ${c.facts.join(', ')}`,
    outcome: c.expected.outcome,
    toolCalls: calls.map((call) => ({
      name: `${c.agent}___${call.tool}`,
      input: Object.fromEntries(
        Object.entries(call.parameters).map(([k, v]) => [
          k,
          typeof v !== 'object' ? v : '$oneOf' in v ? v.$oneOf[0] : '$contains' in v ? `About ${v.$contains.join(' and ')} for the employee` : 'present',
        ]),
      ),
      status: 'success' as const,
    })),
    usage: { inputTokens: 1000, outputTokens: 250 },
    model: 'scripted',
  };
}

export interface RunningAgent {
  readonly url: string;
  readonly sessions: string[];
  close(): Promise<void>;
}

export async function startScriptedAgent(cases: readonly EvalCase[], script: Script): Promise<RunningAgent> {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const sessions: string[] = [];
  const app = new BedrockAgentCoreApp({
    invocationHandler: {
      requestSchema: z.object({
        prompt: z.string(),
        context: z.object({ asOf: z.string() }).loose(),
        evaluation: z.object({ caseId: z.string() }),
      }),
      process: async (request, context) => {
        sessions.push(context.sessionId as string);
        const c = byId.get(request.evaluation.caseId);
        if (!c || c.query !== request.prompt || c.context.asOf !== request.context.asOf) throw new Error(`unexpected request ${JSON.stringify(request)}`);
        return script(c, context.sessionId as string);
      },
    },
    config: { logging: { enabled: false } },
  });
  const fastify = (app as unknown as { _app: { server: http.Server; close(): Promise<void> } })._app;
  const listening = once(fastify.server, 'listening');
  app.run({ port: 0, host: '127.0.0.1' });
  await listening;
  const { port } = fastify.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, sessions, close: () => fastify.close() };
}
