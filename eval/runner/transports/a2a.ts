/**
 * A2A runtimes (the specialists): each case is one JSON-RPC `message/send` with the query as the
 * text part, sent the way the supervisor hands off to a specialist — the persona's bearer token,
 * the runtime session id header and the current-date attribute header (`context.asOf`); identity
 * travels in the token only. The message is marked as an evaluation (`agentcoreKitEvaluation` in its
 * metadata). The reply's text artifacts are the answer; its `agentTrace` data part (tool calls,
 * usage, declined, and the spans when the specialist traces) gives the evaluation fields, mapped to
 * the contract by the supervisor's own `replyBody`, so outcomes are decided exactly as the
 * supervisor decides them.
 *
 * Locally the URL is the specialist's base URL (`http://127.0.0.1:9001`); on AgentCore it is
 * `https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<URL-encoded ARN>/invocations/` with
 * `?qualifier=<endpoint>` (`A2ATransport.forRuntime`).
 */
import { randomUUID } from 'node:crypto';
import type { Message, Part, Task } from '@a2a-js/sdk';
import { JsonRpcTransport } from '@a2a-js/sdk/client';
import { z } from 'zod';
import { AS_OF_HEADER, SESSION_HEADER } from '../../../agents/shared/http';
import { TRACE_DATA_KEY, type AgentTrace } from '../../../agents/shared/trace';
import { replyBody } from '../../../agents/supervisor/app';
import { EVALUATION_METADATA_KEY } from '../../../agents/telemetry/evaluation-spans';
import { ContractError, toolCallSchema, usageSchema, type EvalRequest } from '../contract';
import { personaOf } from '../personas';
import type { TokenProvider } from '../auth/token-provider';
import { runtimeInvocationUrl } from './agentcore';
import { httpUrl, type Transport, type TransportReply } from './transport';

export interface A2ATransportOptions {
  /** JSON-RPC endpoint of the agent, e.g. `http://127.0.0.1:9001` or a runtime invocation URL. */
  readonly url: string;
  /**
   * Bearer token per case, for the persona in `request.context.persona`.
   * @default - no Authorization header
   */
  readonly tokens?: TokenProvider;
  /** Per-request timeout. @default 120000 */
  readonly timeoutMs?: number;
}

/** What a specialist's trace data part must carry. */
const traceSchema = z.object({
  toolCalls: z.array(toolCallSchema.extend({ status: z.enum(['success', 'error']) })),
  usage: usageSchema,
  declined: z.boolean(),
  /** The specialist's spans (`aws/spans` records), returned to evaluation requests while its tracing is on. */
  spans: z.array(z.record(z.string(), z.unknown())).optional(),
});

export class A2ATransport implements Transport {
  readonly description: string;
  private readonly endpoint: URL;
  private readonly client: JsonRpcTransport;
  private readonly tokens?: TokenProvider;
  private readonly timeoutMs: number;

  /** A deployed A2A runtime with JWT inbound auth, at one endpoint (qualifier). */
  static forRuntime(runtimeArn: string, options: { readonly qualifier?: string; readonly tokens?: TokenProvider; readonly timeoutMs?: number } = {}): A2ATransport {
    const url = runtimeInvocationUrl(runtimeArn, { qualifier: options.qualifier, trailingSlash: true });
    return new A2ATransport({ url: url.href, tokens: options.tokens, timeoutMs: options.timeoutMs });
  }

  constructor(options: A2ATransportOptions) {
    const url = httpUrl(options.url, 'http://127.0.0.1:9001');
    this.endpoint = url;
    this.tokens = options.tokens;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.client = new JsonRpcTransport({ endpoint: url.href });
    const qualifier = url.searchParams.get('qualifier');
    this.description = `A2A ${decodeURIComponent(`${url.origin}${url.pathname}`)}${qualifier ? ` (qualifier ${qualifier})` : ''}`;
  }

  async invoke(request: EvalRequest, sessionId: string, signal?: AbortSignal): Promise<TransportReply> {
    const headers: Record<string, string> = { [SESSION_HEADER]: sessionId, [AS_OF_HEADER]: request.context.asOf };
    if (this.tokens) headers.authorization = `Bearer ${await this.tokens.token(personaOf(request))}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const result = await this.client.sendMessage(
      {
        // Marked as an evaluation, as the supervisor marks its hand-offs when it serves one: the spans come back too.
        message: { kind: 'message', messageId: randomUUID(), role: 'user', parts: [{ kind: 'text', text: request.prompt }], metadata: { [EVALUATION_METADATA_KEY]: true } },
        configuration: { blocking: true, acceptedOutputModes: ['text/plain'] },
      },
      { serviceParameters: headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout },
    );
    return { body: JSON.stringify(evaluationReply(result, sessionId)), contentType: 'application/json', statusCode: 200 };
  }
}

const textOf = (parts: readonly Part[]) =>
  parts
    .filter((p) => p.kind === 'text')
    .map((p) => p.text)
    .join('');

/**
 * The evaluation contract reply of an A2A result: the answer from the text parts, the evaluation
 * fields from the `agentTrace` data part, the outcome as the supervisor decides it.
 */
export function evaluationReply(result: Message | Task, sessionId: string): Record<string, unknown> {
  let answerParts: string[];
  let dataParts: Part[];
  if (result.kind === 'task') {
    const state = result.status.state;
    if (state !== 'completed') {
      const why = result.status.message ? textOf(result.status.message.parts) : '';
      throw new Error(`A2A task ${result.id} ended ${state}${why ? `: ${why}` : ''}`);
    }
    const artifacts = result.artifacts ?? [];
    answerParts = artifacts.map((a) => textOf(a.parts)).filter((t) => t.trim());
    dataParts = artifacts.flatMap((a) => a.parts.filter((p) => p.kind === 'data'));
  } else {
    answerParts = [textOf(result.parts)];
    dataParts = result.parts.filter((p) => p.kind === 'data');
  }
  const tracePart = dataParts.find((p) => p.kind === 'data' && p.data[TRACE_DATA_KEY] !== undefined);
  if (!tracePart || tracePart.kind !== 'data') {
    throw new ContractError(`A2A reply has no "${TRACE_DATA_KEY}" data part: the agent must return its trace (tool calls, usage, declined) for evaluation`);
  }
  const parsed = traceSchema.safeParse(tracePart.data[TRACE_DATA_KEY]);
  if (!parsed.success) {
    throw new ContractError(`A2A "${TRACE_DATA_KEY}" data part does not follow the trace format: ${parsed.error.issues.map((i) => `${[TRACE_DATA_KEY, ...i.path].join('.')}: ${i.message}`).join('; ')}`);
  }
  const trace = parsed.data as AgentTrace;
  return replyBody({ response: answerParts.join('\n').trim(), sessionId, handoffs: [], declined: trace.declined, trace }, true);
}
