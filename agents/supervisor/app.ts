/**
 * The supervisor on the AgentCore HTTP runtime contract (`bedrock-agentcore/runtime`):
 * `GET /ping`, `POST /invocations` with `{ "prompt": "..." }`, the session id in the
 * `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id` header and the user's JWT in `Authorization`.
 * A request with `evaluation` gets the evaluation contract fields back (eval/README.md), with the
 * request's spans (its own and the specialists') while tracing is on.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { BedrockAgentCoreApp } from 'bedrock-agentcore/runtime';
import { z } from 'zod';
import { IdentityError, identify, type IdentityVerifier } from '../shared/identity';
import { mergeSpans } from '../shared/trace';
import { evaluationSpanCollector } from '../telemetry/evaluation-spans';
import { withRequestContext } from '../telemetry/request-context';
import type { InvocationContext } from '../shared/context';
import { SESSION_HEADER, type RunningServer } from '../shared/http';
import type { ProgressEvent, ProgressSink } from './delegation';
import { runSupervisor, type SupervisorAnswer, type SupervisorDeps } from './supervisor-agent';

/** The slice of the runtime's Fastify instance used here. */
interface FastifyHandle {
  readonly server: http.Server;
  close(): Promise<void>;
  addHook(
    name: 'onRequest' | 'preHandler',
    hook: (
      request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body?: unknown },
      reply: { code(status: number): { header(name: string, value: string): { send(body: unknown): Promise<unknown> } }; header(name: string, value: string): unknown },
    ) => Promise<void>,
  ): unknown;
}

/** The quality value (0–1) an `Accept` header gives a media type; 0 when it is not acceptable. */
export function acceptQuality(accept: string | undefined, mediaType: string): number {
  const [type] = mediaType.split('/');
  let best = { specificity: -1, q: 0 };
  for (const range of (accept ?? '').split(',')) {
    const [name, ...params] = range.trim().toLowerCase().split(';');
    const specificity = name === mediaType ? 2 : name === `${type}/*` ? 1 : name === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    best = { specificity, q: q === undefined ? 1 : Math.min(1, Number(q) || 0) };
  }
  return best.q;
}

/**
 * Whether an invocation gets server-sent events. The body's `stream` flag decides when present;
 * otherwise the `Accept` header: events when it names `text/event-stream` and does not prefer
 * `application/json` (the AgentCore CLI's `dev` sends `Accept: text/event-stream` alone; its
 * deployed invoke sends `application/json, text/event-stream` and reads either). A bare `*\/*`
 * (what fetch and curl send by default) gets JSON.
 */
export function wantsEventStream(accept: string | undefined, bodyFlag: unknown): boolean {
  if (typeof bodyFlag === 'boolean') return bodyFlag;
  if (!/text\/event-stream/i.test(accept ?? '')) return false;
  const sse = acceptQuality(accept, 'text/event-stream');
  return sse > 0 && sse >= acceptQuality(accept, 'application/json');
}

export interface SupervisorAppOptions extends SupervisorDeps {
  readonly verify: IdentityVerifier;
  readonly region: string;
  /** Clock for the date attribute. @default () => new Date() */
  readonly clock?: () => Date;
  /** Request logging of the runtime server. @default true */
  readonly logging?: boolean;
}

export const invocationRequestSchema = z.object({
  prompt: z.string().trim().min(1, 'prompt: the user message, 1–10000 characters').max(10_000, 'prompt: the user message, 1–10000 characters'),
  /**
   * Invocation attributes. Only `asOf` (the current-date attribute, for evaluations that pin the
   * date) is used; identity always comes from the verified token, never from the payload.
   */
  context: z.object({ asOf: z.iso.date('context.asOf: a date YYYY-MM-DD').optional() }).loose().optional(),
  /** Present when the evaluation runner asks for the evaluation fields (eval/README.md). */
  evaluation: z.object({ caseId: z.string() }).loose().optional(),
  /**
   * Stream the reply as server-sent events: `handoff` and `text` events as they happen, then the
   * reply body as the last event. Without it, the `Accept` header decides (see {@link wantsEventStream}).
   */
  stream: z.boolean().optional(),
});

/** The evaluation outcome of an answer. */
export function outcomeOf(answer: SupervisorAnswer): 'answer' | 'refusal' | 'escalation' | 'clarification' {
  if (answer.declined) return 'refusal';
  if (answer.trace.toolCalls.some((c) => c.name.endsWith('___createHRTicket') && c.status === 'success')) return 'escalation';
  if (answer.trace.toolCalls.length === 0 && answer.response.trim().endsWith('?')) return 'clarification';
  return 'answer';
}

/**
 * The reply body: the answer, plus the evaluation contract fields when asked for (with `spans`
 * when the request's spans were collected, i.e. tracing is on).
 */
export function replyBody(answer: SupervisorAnswer, evaluation: boolean): Record<string, unknown> {
  const { trace, ...rest } = answer;
  if (!evaluation) return rest;
  return {
    ...rest,
    answer: answer.response,
    outcome: outcomeOf(answer),
    toolCalls: trace.toolCalls,
    usage: trace.usage,
    model: answer.model,
    ...(trace.spans ? { spans: trace.spans } : {}),
  };
}

/**
 * Run the supervisor; for an evaluation request while tracing is on, keep the session's spans from
 * the start and put them (with those the specialists returned) on the answer's trace. Collected
 * once `run` has resolved: every span of the request has ended by then (the agent's own
 * `invoke_agent` span ends inside `agent.invoke`, before it resolves; nothing opens a span around it).
 */
async function runCollectingSpans(run: () => Promise<SupervisorAnswer>, ctx: InvocationContext, evaluation: boolean): Promise<SupervisorAnswer> {
  const watch = evaluation ? evaluationSpanCollector()?.watch(ctx.sessionId, ctx.identity.userId) : undefined;
  if (!watch) return run();
  let answer: SupervisorAnswer | undefined;
  try {
    answer = await run();
  } finally {
    const own = watch.collect();
    if (answer) answer.trace.spans = mergeSpans(own, answer.trace.spans ?? []);
  }
  return answer;
}

/**
 * Progress events while `run` works, then the reply body; each becomes one SSE `data:` event.
 * The `text` events add up to the reply's `response`, so a client that shows only text events
 * (the AgentCore CLI shows `text` and string data) shows the whole answer: text that no model or
 * specialist streamed (a refusal, a queued final answer) is sent as one more `text` event before the body.
 */
async function* streamReply(run: (progress: ProgressSink) => Promise<SupervisorAnswer>, evaluation: boolean): AsyncGenerator<{ data: unknown }, void, unknown> {
  const queue: ProgressEvent[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  let streamed = '';
  const done = run((e) => {
    queue.push(e);
    wake?.();
  }).finally(() => {
    settled = true;
    wake?.();
  });
  while (!settled || queue.length) {
    if (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
    while (queue.length) {
      const event = queue.shift()!;
      if (event.type === 'text') streamed += event.text;
      yield { data: event };
    }
  }
  const answer = await done;
  if (answer.response.startsWith(streamed) && answer.response.length > streamed.length) yield { data: { type: 'text', text: answer.response.slice(streamed.length) } };
  yield { data: replyBody(answer, evaluation) };
}

export function supervisorApp(options: SupervisorAppOptions): BedrockAgentCoreApp {
  return new BedrockAgentCoreApp({
    invocationHandler: {
      requestSchema: invocationRequestSchema,
      process: async (request, context) => {
        const identity = await identify(context.headers, options.verify);
        const now = request.context?.asOf ? new Date(`${request.context.asOf}T12:00:00Z`) : (options.clock ?? (() => new Date()))();
        const ctx: InvocationContext = { identity, sessionId: context.sessionId, region: options.region, now };
        const evaluation = request.evaluation !== undefined;
        // The agent's spans join the caller's trace (its traceparent) and carry the session and user ids.
        // An evaluation also asks the specialists for their spans (isEvaluationContext in the hand-offs).
        const traced = { headers: traceHeaders(context.headers), sessionId: ctx.sessionId, userId: identity.userId, evaluation };
        const run = (progress?: ProgressSink) =>
          runCollectingSpans(() => withRequestContext(traced, () => runSupervisor(options, ctx, request.prompt, progress)), ctx, evaluation);
        if (request.stream) return streamReply(run, evaluation);
        return replyBody(await run(), evaluation);
      },
    },
    config: { logging: { enabled: options.logging ?? true } },
  });
}

/**
 * The runtime SDK hands the handler only `Authorization` and `X-Amzn-Bedrock-AgentCore-Runtime-Custom-*`
 * headers; {@link startSupervisor} copies the caller's W3C trace headers under that prefix, and this
 * reads them back so the supervisor's spans join the caller's trace.
 */
const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;
const CUSTOM_HEADER_PREFIX = 'x-amzn-bedrock-agentcore-runtime-custom-';
function traceHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.fromEntries(TRACE_HEADERS.flatMap((h) => (lower[CUSTOM_HEADER_PREFIX + h] ? [[h, lower[CUSTOM_HEADER_PREFIX + h]!]] : [])));
}

/**
 * Start the supervisor on host:port (port 0 picks a free port) and return its URL and a close
 * function. `BedrockAgentCoreApp.run()` neither reports the bound port nor stops; its Fastify
 * instance is reached here for both, in one place.
 */
export async function startSupervisor(options: SupervisorAppOptions & { readonly port?: number; readonly host?: string }): Promise<RunningServer> {
  const app = supervisorApp(options);
  const fastify = (app as unknown as { _app?: FastifyHandle })._app;
  if (!fastify?.server) throw new Error('bedrock-agentcore runtime: unsupported version (no server handle to listen on)');
  // An unauthenticated invocation gets 401 before the body is even parsed (the handler verifies again).
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !request.url.startsWith('/invocations')) return;
    try {
      await identify(request.headers, options.verify);
    } catch (e) {
      if (!(e instanceof IdentityError)) throw e;
      // RFC 6750: the scheme always; error="invalid_token" only when a token was sent.
      const challenge = request.headers.authorization ? `Bearer error="invalid_token", error_description="${e.message.replace(/["\\]/g, "'")}"` : 'Bearer';
      await reply.code(401).header('www-authenticate', challenge).send({ error: e.message });
      return;
    }
    // AgentCore Runtime always sends the session header; a local client may not: it gets a session
    // of its own, named in the reply header (and in the body's `sessionId`).
    if (!request.headers[SESSION_HEADER]) {
      const sessionId = randomUUID();
      request.headers[SESSION_HEADER] = sessionId;
      reply.header(SESSION_HEADER, sessionId);
    }
  });
  // The handler sees the body but not the Accept header: the choice of JSON or events is made here
  // and handed on as the body's `stream` flag. The runtime's SSE plugin answers with events only when
  // Accept names text/event-stream, so a request that asks by the body flag alone gets it added.
  fastify.addHook('preHandler', async (request) => {
    if (request.method !== 'POST' || !request.url.startsWith('/invocations')) return;
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
    const accept = typeof request.headers.accept === 'string' ? request.headers.accept : undefined;
    const stream = wantsEventStream(accept, (body as { stream?: unknown }).stream);
    if ((body as { stream?: unknown }).stream === undefined) (body as { stream?: boolean }).stream = stream;
    if (stream && !accept?.includes('text/event-stream')) request.headers.accept = accept ? `${accept}, text/event-stream` : 'text/event-stream';
  });
  fastify.addHook('onRequest', async (request) => {
    for (const h of TRACE_HEADERS) {
      const value = request.headers[h];
      if (typeof value === 'string') request.headers[CUSTOM_HEADER_PREFIX + h] = value;
    }
  });
  const host = options.host ?? '127.0.0.1';
  const listening = once(fastify.server, 'listening');
  app.run({ port: options.port ?? 8080, host });
  await listening;
  const { port } = fastify.server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, close: () => fastify.close() };
}
