/**
 * One specialist (financial, HR or IT) for one request: its written scope in the system prompt,
 * the verified context attributes, what the user said earlier in the session (shared memory), and
 * only its own gateway tools, reached over MCP with the caller's token.
 */
import { Agent, McpClient, type Model, type Tool } from '@strands-agents/sdk';
import { allowedGatewayTools, memoryStrategiesOf, type AgentSpec } from '../../catalog/agents';
import { recalledKinds } from '../memory/namespaces';
import { ActorMemory, type MemoryStore } from '../memory/store';
import { systemPrompt, type InvocationContext } from '../shared/context';
import { declineTool, endTurnOnFinalAnswer } from '../shared/final-answer';
import { traceToolCalls, type AgentTrace } from '../shared/trace';
import { recordUsage, type UsageRecorder } from '../usage/recorder';

export interface SpecialistDeps {
  readonly spec: AgentSpec;
  /** The model for one invocation of this agent. */
  readonly model: (ctx: InvocationContext) => Model;
  readonly memory: MemoryStore;
  /** MCP endpoint of the tools: the AgentCore gateway URL, or the local tool server. */
  readonly toolsUrl: string;
  /** More tools for one request (e.g. the agent's Code Interpreter), and how to release them. @default - none */
  readonly extraTools?: (ctx: InvocationContext) => { readonly tools: readonly Tool[]; close(): Promise<void> };
  /** Publishes the specialist's token usage per invocation (dimension `agent` = spec id). @default - not published */
  readonly usage?: UsageRecorder;
}

export interface PreparedAgent {
  readonly agent: Agent;
  /** Gateway tool calls of this request, filled as they happen. */
  readonly trace: AgentTrace;
  /** Disconnects the MCP session. */
  close(): Promise<void>;
}

const SPECIALIST_RULES = [
  'Use the facts under "Earlier in this session" and the context attributes instead of asking the user again (an employee id, user id, quarter or region already given is known).',
  'Call a tool for every figure, balance, ticket or policy text you report; never invent one.',
  'When a tool returns an error, follow the agentAction of that error: relay it plainly, ask for the one missing detail, or retry once when it is retryable.',
  'Ask at most one short question when a required detail is truly missing.',
];

export async function prepareSpecialist(deps: SpecialistDeps, ctx: InvocationContext): Promise<PreparedAgent> {
  const memory = new ActorMemory(deps.memory, ctx.identity);
  const [sessionTurns, recalled] = await Promise.all([memory.listTurns(ctx.sessionId), memory.recallKinds(recalledKinds(memoryStrategiesOf(deps.spec)), deps.spec.description)]);
  const trace: AgentTrace = { toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, declined: false };
  const mcp = new McpClient({
    url: deps.toolsUrl,
    headers: { Authorization: `Bearer ${ctx.identity.token}` },
    toolFilters: { allowed: allowedGatewayTools(deps.spec) },
    applicationName: deps.spec.runtimeName,
    // With tracing on, Strands would add a `_meta` trace-context field to every tool's arguments,
    // which the catalog schemas (and so the gateway tools) reject as an unknown argument.
    disableMcpInstrumentation: true,
  });
  const extra = deps.extraTools?.(ctx);
  const agent = new Agent({
    id: deps.spec.id,
    name: deps.spec.runtimeName,
    description: deps.spec.description,
    model: deps.model(ctx),
    systemPrompt: systemPrompt(deps.spec, ctx, { instructions: SPECIALIST_RULES, sessionTurns, recalled }),
    tools: [mcp, ...(extra?.tools ?? []), declineTool(deps.spec, () => (trace.declined = true))],
    printer: false,
    traceAttributes: { 'agent.id': deps.spec.id, 'session.id': ctx.sessionId, 'user.id': ctx.identity.userId },
  });
  endTurnOnFinalAnswer(agent);
  traceToolCalls(agent, trace);
  if (deps.usage) recordUsage(agent, deps.spec.id, deps.usage);
  return {
    agent,
    trace,
    close: async () => {
      await Promise.allSettled([mcp.disconnect(), extra?.close()]);
    },
  };
}
