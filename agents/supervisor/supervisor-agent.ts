/**
 * The supervisor for one request: determines intent and hands off to the specialists (hierarchical:
 * one delegation tool per specialist; sequential: one planned sequence of steps). It has no
 * business tool of its own. What the user says is written to the session's shared memory before
 * any hand-off, so the specialist knows it without asking again.
 */
import { Agent, Message, ModelStreamUpdateEvent, TextBlock, type InvocationState, type Model } from '@strands-agents/sdk';
import { memoryStrategiesOf, supervisorSpec, type AgentSpec } from '../../catalog/agents';
import { recalledKinds } from '../memory/namespaces';
import { ActorMemory, type MemoryStore, type SessionTurn } from '../memory/store';
import { systemPrompt, type InvocationContext } from '../shared/context';
import { declineTool, endTurnOnFinalAnswer } from '../shared/final-answer';
import { addUsage, type AgentTrace } from '../shared/trace';
import { recordUsage, type UsageRecorder } from '../usage/recorder';
import { delegationTool, sequenceTool, traceOf, type Handoff, type ProgressSink, type SpecialistEndpoint } from './delegation';

export type Orchestration = 'hierarchical' | 'sequential';
export const ORCHESTRATIONS: readonly Orchestration[] = ['hierarchical', 'sequential'];

export interface SupervisorDeps {
  readonly model: (ctx: InvocationContext) => Model;
  readonly memory: MemoryStore;
  readonly specialists: readonly SpecialistEndpoint[];
  /** @default 'hierarchical' */
  readonly orchestration?: Orchestration;
  /** @default supervisorSpec */
  readonly spec?: AgentSpec;
  /** Publishes the supervisor's own token usage per invocation (dimension `agent` = spec id). @default - not published */
  readonly usage?: UsageRecorder;
}

export interface SupervisorAnswer {
  readonly response: string;
  readonly sessionId: string;
  /** Hand-offs made for this answer, in order. */
  readonly handoffs: readonly Handoff[];
  /** True when the request was declined as out of scope (by the supervisor or a specialist). */
  readonly declined: boolean;
  /** Gateway tool calls (specialists included), token usage and refusal of this request. */
  readonly trace: AgentTrace;
  /** Model id of the supervisor. */
  readonly model?: string;
}

const RULES: Record<Orchestration, string[]> = {
  hierarchical: [
    'Hand every domain request to the specialist that owns it with its delegate_<specialist> tool; never answer a domain question yourself.',
    'A request that spans several specialists gets one delegate call per specialist in the same turn.',
    'Restate the request completely in the hand-off, including facts the user gave earlier in this conversation (employee id, user id, region, quarter).',
  ],
  sequential: [
    'Hand domain requests to the specialists with one runSequence call: list the steps in the order they must run; later steps receive the earlier answers.',
    'Restate each step completely, including facts the user gave earlier in this conversation (employee id, user id, region, quarter).',
  ],
};

/** Earlier turns as conversation messages: alternating roles, starting with the user. */
function historyMessages(turns: readonly SessionTurn[]): Message[] {
  const merged: { role: 'user' | 'assistant'; text: string }[] = [];
  for (const t of turns) {
    const last = merged[merged.length - 1];
    if (last?.role === t.role) last.text = `${last.text}\n${t.text}`;
    else merged.push({ role: t.role, text: t.text });
  }
  while (merged[0]?.role === 'assistant') merged.shift();
  return merged.map((m) => new Message({ role: m.role, content: [new TextBlock(m.text)] }));
}

/** Answer one user prompt as the supervisor; `progress` receives hand-offs and text as they happen. */
export async function runSupervisor(deps: SupervisorDeps, ctx: InvocationContext, prompt: string, progress?: ProgressSink): Promise<SupervisorAnswer> {
  const spec = deps.spec ?? supervisorSpec;
  const orchestration = deps.orchestration ?? 'hierarchical';
  const memory = new ActorMemory(deps.memory, ctx.identity);
  const [history, recalled] = await Promise.all([memory.listTurns(ctx.sessionId), memory.recallKinds(recalledKinds(memoryStrategiesOf(spec)), prompt)]);
  await memory.appendTurn(ctx.sessionId, { role: 'user', text: prompt, agent: spec.id, at: ctx.now.toISOString() });

  const routing = orchestration === 'hierarchical' ? deps.specialists.map((s) => delegationTool(s, ctx, progress)) : [sequenceTool(deps.specialists, ctx, progress)];
  const agent = new Agent({
    id: spec.id,
    name: spec.runtimeName,
    description: spec.description,
    model: deps.model(ctx),
    systemPrompt: systemPrompt(spec, ctx, { instructions: RULES[orchestration], recalled }),
    messages: historyMessages(history),
    tools: [...routing, declineTool(spec)],
    printer: false,
    traceAttributes: { 'agent.id': spec.id, 'session.id': ctx.sessionId, 'user.id': ctx.identity.userId, 'agent.orchestration': orchestration },
  });
  endTurnOnFinalAnswer(agent);
  if (deps.usage) recordUsage(agent, spec.id, deps.usage);
  if (progress) {
    agent.addHook(ModelStreamUpdateEvent, (e) => {
      if (e.event.type === 'modelContentBlockDeltaEvent' && e.event.delta.type === 'textDelta') progress({ type: 'text', text: e.event.delta.text });
    });
  }
  const invocationState: InvocationState = {};
  const result = await agent.invoke(prompt, { invocationState });
  const state = result.invocationState ?? invocationState;
  const trace = traceOf(state);
  addUsage(trace, agent);
  trace.declined ||= state.declined === true;
  const response = result.toString();
  await memory.appendTurn(ctx.sessionId, { role: 'assistant', text: response, agent: spec.id, at: new Date(ctx.now.getTime() + 1).toISOString() });
  return {
    response,
    sessionId: ctx.sessionId,
    handoffs: (state.handoffs as unknown as Handoff[] | undefined) ?? [],
    declined: trace.declined,
    trace,
    model: agent.model.modelId,
  };
}
