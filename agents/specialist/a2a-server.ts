/**
 * A specialist served over A2A on the AgentCore runtime contract for A2A agents: JSON-RPC on `/`,
 * the agent card on `/.well-known/agent-card.json`, health on `/ping`, port 9000 by default.
 *
 * Every JSON-RPC call must carry the caller's bearer token (verified here) and the runtime session
 * id header. A fresh agent is built per request from that verified identity — its MCP session
 * uses the caller's token and its memory is the caller's own — so no conversation state or
 * credential outlives the request or crosses users, whatever A2A `contextId` a client sends.
 *
 * A message whose metadata has `agentcoreKitEvaluation: true` (an evaluation caller) gets the
 * request's spans in its trace data part (`agentTrace.spans`) while tracing is on.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AgentCard, Task } from '@a2a-js/sdk';
import { A2AError, DefaultRequestHandler, type AgentExecutionEvent, type AgentExecutor, type ExecutionEventBus, type ExecutionEventName, type RequestContext, type TaskStore, type User } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';
import { A2AExecutor } from '@strands-agents/sdk/a2a';
import express from 'express';
import { IdentityError, identify, type IdentityVerifier, type VerifiedIdentity } from '../shared/identity';
import { AS_OF_HEADER, listen, SESSION_HEADER, type RunningServer } from '../shared/http';
import { addUsage, TRACE_DATA_KEY } from '../shared/trace';
import type { InvocationContext } from '../shared/context';
import { EVALUATION_METADATA_KEY, evaluationSpanCollector } from '../telemetry/evaluation-spans';
import { withRequestContext } from '../telemetry/request-context';
import { prepareSpecialist, type SpecialistDeps } from './specialist-agent';

export interface SpecialistServerOptions extends SpecialistDeps {
  readonly verify: IdentityVerifier;
  readonly region: string;
  /** Clock for the date attribute. @default () => new Date() */
  readonly clock?: () => Date;
  /** URL advertised in the agent card. @default - the listening address (AgentCore sets AGENTCORE_RUNTIME_URL) */
  readonly publicUrl?: string;
}

/**
 * Tasks of recent requests, oldest forgotten first: a runtime session lives for hours and every
 * hand-off is a task, so an unbounded store would only grow. Tasks are looked up by their owner only.
 */
export class BoundedTaskStore implements TaskStore {
  private readonly tasks = new Map<string, { task: Task; owner?: string }>();
  constructor(private readonly max = 500) {}

  async save(task: Task, context?: { user?: User }): Promise<void> {
    this.tasks.delete(task.id);
    this.tasks.set(task.id, { task, owner: context?.user?.userName });
    while (this.tasks.size > this.max) this.tasks.delete(this.tasks.keys().next().value as string);
  }

  async load(taskId: string, context?: { user?: User }): Promise<Task | undefined> {
    const entry = this.tasks.get(taskId);
    return entry && (entry.owner === undefined || entry.owner === context?.user?.userName) ? entry.task : undefined;
  }

  get size(): number {
    return this.tasks.size;
  }
}

/** The caller as the A2A request handler sees it. */
class VerifiedCaller implements User {
  constructor(
    readonly identity: VerifiedIdentity,
    readonly sessionId: string,
    /** The supervisor's current-date attribute, when it passed one (evaluation `asOf`). */
    readonly asOf?: Date,
    /** The caller's trace context headers (`traceparent`, `tracestate`), when it sent them. */
    readonly traceHeaders: Readonly<Record<string, string>> = {},
  ) {}
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return this.identity.userId;
  }
}

/** Forwards every event; publishes the request's trace as a data artifact before the final status. */
class TracingEventBus implements ExecutionEventBus {
  constructor(
    private readonly inner: ExecutionEventBus,
    private readonly trace: () => object,
  ) {}

  publish(event: AgentExecutionEvent): void {
    if (event.kind === 'status-update' && event.final) {
      this.inner.publish({
        kind: 'artifact-update',
        taskId: event.taskId,
        contextId: event.contextId,
        artifact: { artifactId: `${event.taskId}-trace`, name: 'trace', parts: [{ kind: 'data', data: { [TRACE_DATA_KEY]: this.trace() } }] },
        lastChunk: true,
      });
    }
    this.inner.publish(event);
  }
  on(name: ExecutionEventName, listener: (event: AgentExecutionEvent) => void): this {
    this.inner.on(name, listener);
    return this;
  }
  off(name: ExecutionEventName, listener: (event: AgentExecutionEvent) => void): this {
    this.inner.off(name, listener);
    return this;
  }
  once(name: ExecutionEventName, listener: (event: AgentExecutionEvent) => void): this {
    this.inner.once(name, listener);
    return this;
  }
  removeAllListeners(name?: ExecutionEventName): this {
    this.inner.removeAllListeners(name);
    return this;
  }
  finished(): void {
    this.inner.finished();
  }
}

class SpecialistExecutor implements AgentExecutor {
  constructor(private readonly options: SpecialistServerOptions) {}

  async execute(requestContext: RequestContext, eventBus: ExecutionEventBus): Promise<void> {
    const caller = requestContext.context?.user;
    if (!(caller instanceof VerifiedCaller)) throw A2AError.invalidRequest('unauthenticated request');
    const ctx: InvocationContext = {
      identity: caller.identity,
      sessionId: caller.sessionId,
      region: this.options.region,
      now: caller.asOf ?? (this.options.clock ?? (() => new Date()))(),
    };
    const prepared = await prepareSpecialist(this.options, ctx);
    // An evaluation caller (the supervisor serving an evaluation, the evaluation runner) asks for the spans too:
    // kept from here (this session and user only) until the trace is built.
    const evaluation = requestContext.userMessage.metadata?.[EVALUATION_METADATA_KEY] === true;
    const watch = evaluation ? evaluationSpanCollector()?.watch(ctx.sessionId, ctx.identity.userId) : undefined;
    // The trace (tool calls, usage, refusal, spans) travels back as a data part just before the final status,
    // published once the agent's stream has finished: its invoke_agent span has ended by then.
    const bus = new TracingEventBus(eventBus, () => {
      addUsage(prepared.trace, prepared.agent);
      return watch ? { ...prepared.trace, spans: watch.collect() } : prepared.trace;
    });
    try {
      // The agent's spans join the caller's trace and carry the session and user ids.
      await withRequestContext({ headers: caller.traceHeaders, sessionId: ctx.sessionId, userId: ctx.identity.userId, evaluation }, () =>
        new A2AExecutor({ agentFactory: () => prepared.agent, maxContexts: 1 }).execute(requestContext, bus),
      );
    } finally {
      watch?.collect(); // a failed request: release what was kept
      await prepared.close();
    }
  }

  async cancelTask(): Promise<void> {
    throw A2AError.unsupportedOperation('task cancellation is not supported');
  }
}

/**
 * JSON-RPC error code of an unauthenticated request: a server error outside the codes A2A assigns
 * (-32001 … -32009); the HTTP status is 401 with a `WWW-Authenticate` challenge.
 */
export const UNAUTHENTICATED = -32000;

function rpcError(id: string | number | null, code: number, message: string) {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** The id of a JSON-RPC request body, or null when it has none (JSON-RPC 2.0 §5). */
function rpcIdOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** The agent card of a specialist. */
export function agentCard(options: Pick<SpecialistServerOptions, 'spec'>, url: string): AgentCard {
  const { spec } = options;
  return {
    name: spec.displayName,
    description: spec.description,
    url,
    version: '1.0.0',
    protocolVersion: '0.3.0',
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    capabilities: { streaming: true },
    skills: spec.does.map((d, i) => ({ id: `${spec.id}-${i + 1}`, name: d, description: d, tags: [spec.id] })),
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    security: [{ bearer: [] }],
  };
}

/** The express app of a specialist; `card.url` may be set once the address is known. */
export function specialistApp(options: SpecialistServerOptions): { app: express.Express; card: AgentCard } {
  const card = agentCard(options, options.publicUrl ?? '');
  const handler = new DefaultRequestHandler(card, new BoundedTaskStore(), new SpecialistExecutor(options));
  const app = express();
  app.get('/ping', (_req, res) => {
    res.json({ status: 'Healthy', time_of_last_update: Math.floor(Date.now() / 1000) });
  });
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: handler }));
  // The request is parsed here (the A2A handler's own parser then leaves it as is), so that every
  // refusal below is a JSON-RPC error answering the request's id, which A2A clients surface as such.
  app.post('/', express.json({ limit: '1mb' }), (err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    res.status(400).json(rpcError(null, -32700, `Parse error: the body must be a JSON-RPC request (${(err as Error).message})`));
  });
  app.post('/', async (req, res, next) => {
    const id = rpcIdOf(req.body);
    // AgentCore Runtime always sends the session header; a client talking to the agent directly (an A2A SDK
    // client, a local run) may not: such a request gets a session of its own, named in the reply header.
    const sessionId = req.header(SESSION_HEADER) || randomUUID();
    res.setHeader(SESSION_HEADER, sessionId);
    const asOf = req.header(AS_OF_HEADER);
    if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
      res.status(400).json(rpcError(id, -32600, `Invalid request: ${AS_OF_HEADER}: expected a date YYYY-MM-DD, got ${JSON.stringify(asOf)}`));
      return;
    }
    try {
      const traceHeaders = Object.fromEntries(['traceparent', 'tracestate'].flatMap((h) => (req.header(h) ? [[h, req.header(h)!]] : [])));
      res.locals.caller = new VerifiedCaller(await identify(req.headers, options.verify), sessionId, asOf ? new Date(`${asOf}T12:00:00Z`) : undefined, traceHeaders);
      next();
    } catch (e) {
      if (!(e instanceof IdentityError)) throw e;
      // RFC 6750: the scheme always; error="invalid_token" only when a token was sent.
      const challenge = req.header('authorization') ? `Bearer error="invalid_token", error_description="${e.message.replace(/["\\]/g, "'")}"` : 'Bearer';
      res.status(401).setHeader('www-authenticate', challenge).json(rpcError(id, UNAUTHENTICATED, `Unauthorized: ${e.message}`));
    }
  });
  app.use('/', jsonRpcHandler({ requestHandler: handler, userBuilder: async (req) => (req.res?.locals.caller as VerifiedCaller) }));
  return { app, card };
}

/** Start a specialist on host:port (port 0 picks a free port). */
export async function startSpecialistServer(options: SpecialistServerOptions & { readonly port?: number; readonly host?: string }): Promise<RunningServer> {
  const { app, card } = specialistApp(options);
  const running = await listen(http.createServer(app), options.port ?? 9000, options.host ?? '127.0.0.1');
  if (!options.publicUrl) card.url = running.url;
  return running;
}
