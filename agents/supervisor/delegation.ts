/**
 * Hand-offs from the supervisor to the specialists over A2A. Each call carries the caller's own
 * bearer token (the specialist verifies it and reaches the gateway with it) and the runtime
 * session id (the specialist reads the same session memory), and optionally the runtime endpoint
 * qualifier (`live`/`canary`).
 */
import type { AgentCard, MessageSendParams } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, type AgentCardResolver, type CallInterceptor } from '@a2a-js/sdk/client';
import { tool, type InvocationState } from '@strands-agents/sdk';
import { A2AAgent, A2AStreamUpdateEvent } from '@strands-agents/sdk/a2a';
import { z } from 'zod';
import type { AgentSpec, SpecialistId } from '../../catalog/agents';
import { addFinalAnswer } from '../shared/final-answer';
import { AS_OF_HEADER, SESSION_HEADER } from '../shared/http';
import { emptyTrace, mergeTrace, TRACE_DATA_KEY, type AgentTrace } from '../shared/trace';
import type { InvocationContext } from '../shared/context';
import { EVALUATION_METADATA_KEY, isEvaluationContext } from '../telemetry/evaluation-spans';
import { injectTraceContext } from '../telemetry/request-context';

export interface SpecialistEndpoint {
  readonly spec: AgentSpec;
  /**
   * Base URL of the specialist: its AgentCore invocation URL
   * (`https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<url-encoded ARN>/invocations`) or a local URL.
   */
  readonly url: string;
  /** Runtime endpoint to call. @default - the runtime's DEFAULT endpoint */
  readonly qualifier?: string;
}

/** Progress of a request, for streaming replies. */
export type ProgressEvent = { readonly type: 'handoff'; readonly specialist: SpecialistId } | { readonly type: 'text'; readonly text: string };
export type ProgressSink = (event: ProgressEvent) => void;

export interface Handoff {
  readonly specialist: SpecialistId;
  readonly request: string;
  readonly answer: string;
}

/**
 * fetch that speaks for the caller: bearer token, session header, date attribute, endpoint
 * qualifier, and the trace context (`traceparent`) so the specialist's spans join the caller's trace.
 */
export function callerFetch(ctx: InvocationContext, qualifier?: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${ctx.identity.token}`);
    headers.set(SESSION_HEADER, ctx.sessionId);
    headers.set(AS_OF_HEADER, ctx.now.toISOString().slice(0, 10));
    injectTraceContext(headers);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (qualifier && !url.searchParams.has('qualifier')) url.searchParams.set('qualifier', qualifier);
    return fetch(url, { ...init, headers });
  };
}

/**
 * Reads the specialist's agent card but sends JSON-RPC to the URL the supervisor was configured
 * with: behind AgentCore the card's own URL is only as right as the container's environment.
 */
class ConfiguredUrlCardResolver implements AgentCardResolver {
  private readonly inner: DefaultAgentCardResolver;
  constructor(fetchImpl: typeof fetch) {
    this.inner = new DefaultAgentCardResolver({ fetchImpl });
  }
  async resolve(baseUrl: string, path?: string): Promise<AgentCard> {
    // The card lies below the invocation URL (`…/invocations/.well-known/agent-card.json` on AgentCore,
    // directly or through a split gateway); resolved against a base without a trailing slash, the
    // relative card path would replace the URL's last segment instead.
    const base = new URL(baseUrl);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    const card = await this.inner.resolve(base.href, path);
    return { ...card, url: baseUrl, preferredTransport: 'JSONRPC', additionalInterfaces: undefined };
  }
}

/**
 * Marks every message sent as an evaluation request (`EVALUATION_METADATA_KEY` in the message
 * metadata, which travels in the JSON-RPC body through any proxy): the specialist returns its spans.
 */
export const evaluationInterceptor: CallInterceptor = {
  async before(args) {
    const { input } = args;
    if (input?.method !== 'sendMessage' && input?.method !== 'sendMessageStream') return;
    const { message } = input.value as MessageSendParams;
    message.metadata = { ...message.metadata, [EVALUATION_METADATA_KEY]: true };
  },
  async after() {},
};

/**
 * A remote specialist as a Strands A2A agent acting for the caller; with `evaluation`, its
 * messages ask for the specialist's spans.
 */
export function specialistClient(endpoint: SpecialistEndpoint, ctx: InvocationContext, evaluation = false): A2AAgent {
  const fetchImpl = callerFetch(ctx, endpoint.qualifier);
  const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
    transports: [new JsonRpcTransportFactory({ fetchImpl })],
    cardResolver: new ConfiguredUrlCardResolver(fetchImpl),
    ...(evaluation ? { clientConfig: { interceptors: [evaluationInterceptor] } } : {}),
  });
  return new A2AAgent({ url: endpoint.url, name: endpoint.spec.runtimeName, description: endpoint.spec.description, clientFactory: new ClientFactory(options) });
}

const TRACE_STATE = 'trace';

/** The request trace kept in the supervisor's invocation state. */
export function traceOf(state: InvocationState): AgentTrace {
  state[TRACE_STATE] ??= emptyTrace() as unknown as InvocationState[string];
  return state[TRACE_STATE] as unknown as AgentTrace;
}

function recordHandoff(state: InvocationState, handoff: Handoff, trace: Partial<AgentTrace>): void {
  state.handoffs = [...((state.handoffs as unknown as Handoff[] | undefined) ?? []), handoff] as unknown as InvocationState[string];
  mergeTrace(traceOf(state), trace);
}

/**
 * Ask one specialist; its answer text and the trace it sent back (tool calls, usage, refusal, and
 * its spans when the supervisor is serving an evaluation request).
 */
export async function handOff(endpoint: SpecialistEndpoint, ctx: InvocationContext, request: string, progress?: ProgressSink): Promise<{ answer: string; trace: Partial<AgentTrace> }> {
  progress?.({ type: 'handoff', specialist: endpoint.spec.id as SpecialistId });
  const stream = specialistClient(endpoint, ctx, isEvaluationContext()).stream(request);
  let trace: Partial<AgentTrace> = {};
  let next = await stream.next();
  while (!next.done) {
    const event = next.value;
    if (event instanceof A2AStreamUpdateEvent && event.event.kind === 'artifact-update') {
      for (const part of event.event.artifact.parts) {
        if (part.kind === 'data' && part.data[TRACE_DATA_KEY]) trace = part.data[TRACE_DATA_KEY] as Partial<AgentTrace>;
        if (part.kind === 'text' && part.text) progress?.({ type: 'text', text: part.text });
      }
    }
    next = await stream.next();
  }
  // The trace artifact has no text; A2AAgent still joins it into the answer as an empty line.
  return { answer: next.value.toString().trim(), trace };
}

export const delegationToolName = (id: SpecialistId) => `delegate_${id}`;

/** Hierarchical pattern: one tool per specialist; the specialist's answer is the final answer. */
export function delegationTool(endpoint: SpecialistEndpoint, ctx: InvocationContext, progress?: ProgressSink) {
  const id = endpoint.spec.id as SpecialistId;
  return tool({
    name: delegationToolName(id),
    description: `Hand the user's request to the ${endpoint.spec.displayName}: ${endpoint.spec.description} Its answer goes to the user as is.`,
    inputSchema: z.object({
      request: z.string().min(1).describe('The user request for this specialist, restated completely and self-contained, including every detail the user gave'),
    }),
    callback: async ({ request }, context) => {
      const { answer, trace } = await handOff(endpoint, ctx, request, progress);
      if (context) {
        recordHandoff(context.invocationState, { specialist: id, request, answer }, trace);
        addFinalAnswer(context.invocationState, answer);
      }
      return answer;
    },
  });
}

export const SEQUENCE_TOOL_NAME = 'runSequence';

/**
 * Sequential pattern: the supervisor plans the steps once; code runs them in order and each step
 * receives the answers of the steps before it.
 */
export function sequenceTool(endpoints: readonly SpecialistEndpoint[], ctx: InvocationContext, progress?: ProgressSink) {
  const byId = new Map(endpoints.map((e) => [e.spec.id as SpecialistId, e]));
  const ids = [...byId.keys()] as [SpecialistId, ...SpecialistId[]];
  return tool({
    name: SEQUENCE_TOOL_NAME,
    description: `Run specialists one after another, in the order given; each step sees the answers of the previous steps. Specialists: ${endpoints
      .map((e) => `${e.spec.id} (${e.spec.description})`)
      .join('; ')}. The combined answers go to the user as is.`,
    inputSchema: z.object({
      steps: z
        .array(z.object({ specialist: z.enum(ids).describe('Which specialist runs this step'), request: z.string().min(1).describe('What this step must do, self-contained') }))
        .min(1)
        .max(5)
        .describe('Ordered steps, 1 to 5'),
    }),
    callback: async ({ steps }, context) => {
      const answers: string[] = [];
      for (const step of steps) {
        const previous = answers.length ? `\n\nResults of the previous steps:\n${answers.map((a, i) => `${i + 1}. ${a}`).join('\n')}` : '';
        const { answer, trace } = await handOff(byId.get(step.specialist)!, ctx, `${step.request}${previous}`, progress);
        answers.push(answer);
        if (context) recordHandoff(context.invocationState, { specialist: step.specialist, request: step.request, answer }, trace);
      }
      const combined = answers.join('\n\n');
      if (context) addFinalAnswer(context.invocationState, combined);
      return combined;
    },
  });
}
