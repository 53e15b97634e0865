/**
 * Evaluation replies carry the request's spans, end to end: real requests to the local agents
 * (supervisor over the AgentCore HTTP contract → A2A specialist → MCP tool server with JWT + Cedar
 * → tool handlers → dynalite), only the LLM scripted, spans recorded by `setupAgentTelemetry` (an
 * in-memory exporter in place of the X-Ray one, and the evaluation span collector it registers).
 * Then the evaluation runner scores through the LLM-as-judge: the `Evaluate` API cannot run here,
 * so a fake behind the judge's narrow client records the `sessionSpans` it receives.
 */
import { randomUUID } from 'node:crypto';
import type { EvaluateCommand } from '@aws-sdk/client-bedrock-agentcore';
import type { Task } from '@a2a-js/sdk';
import { JsonRpcTransport } from '@a2a-js/sdk/client';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import * as path from 'node:path';
import { startLocalAgents, type LocalAgents } from '../../../agents/local';
import { AS_OF_HEADER, SESSION_HEADER } from '../../../agents/shared/http';
import { identify, jwtVerifier, type IdentityVerifier } from '../../../agents/shared/identity';
import { ScriptedModel, type ModelCall, type ScriptedTurn } from '../../../agents/shared/scripted-model';
import { emptyTrace, mergeTrace, TRACE_DATA_KEY } from '../../../agents/shared/trace';
import { handOff } from '../../../agents/supervisor/delegation';
import { setupAgentTelemetry, withRequestContext, type AgentTelemetry, type EvaluationSpanCollector, type SpanRecord } from '../../../agents/telemetry';
import { hrSpec, specialistSpecs, supervisorSpec, type AgentId } from '../../../catalog/agents';
import { DevTokenProvider } from '../../../eval/runner/auth/token-provider';
import { loadCheckedDataset } from '../../../eval/runner/catalog-check';
import { parseEvalResponse } from '../../../eval/runner/contract';
import { AgentCoreEvaluateJudge, type EvaluateClient } from '../../../eval/runner/judge';
import type { PersonaName } from '../../../eval/runner/personas';
import { requestFor, runEvaluation } from '../../../eval/runner/run';
import { A2ATransport } from '../../../eval/runner/transports/a2a';
import { LocalHttpTransport } from '../../../eval/runner/transports/local-http';
import { sessionIdFor } from '../../../eval/runner/transports/transport';
import { startToolServer, type RunningToolServer } from '../../../local';

const ROOT = path.join(__dirname, '..', '..', '..');
const PRICES = { inputPricePer1k: 0.001, outputPricePer1k: 0.005 };
const claim = (prompt: string, name: string) => new RegExp(`^- ${name}: (\\S+)$`, 'm').exec(prompt)?.[1];
const hr001 = loadCheckedDataset(path.join(ROOT, 'eval', 'datasets', 'hr.jsonl')).filter((c) => c.id === 'hr-001');

function supervisor(call: ModelCall): ScriptedTurn {
  if (call.lastToolResults.length) return { text: call.lastToolResults.join('\n') };
  return { toolCalls: [{ name: 'delegate_hr', input: { request: call.lastUserText } }] };
}

function hr(call: ModelCall): ScriptedTurn {
  if (call.lastToolResults.length) {
    const r = JSON.parse(call.lastToolResults[0]) as { remainingDays?: number };
    return { text: `You have ${r.remainingDays} vacation days left this year.` };
  }
  return { toolCalls: [{ name: 'hr___checkVacationBalance', input: { employeeId: claim(call.systemPrompt, 'employeeId') } }] };
}

/** The Evaluate data-plane API cannot run here: a fake behind the judge's client interface, recording what it got. */
function recordingEvaluateClient(): EvaluateClient & { calls: { evaluatorId: string; sessionSpans: SpanRecord[] }[] } {
  const calls: { evaluatorId: string; sessionSpans: SpanRecord[] }[] = [];
  return {
    calls,
    send: async (command: EvaluateCommand) => {
      const evaluatorId = command.input.evaluatorId as string;
      calls.push({ evaluatorId, sessionSpans: command.input.evaluationInput?.sessionSpans as unknown as SpanRecord[] });
      const value = evaluatorId === 'Builtin.Helpfulness' ? 0.75 : 1;
      return { evaluationResults: [{ evaluatorName: evaluatorId, value, label: 'Good', explanation: `${evaluatorId} read the session` }] };
    },
  };
}

const names = (spans: readonly SpanRecord[]) => spans.map((s) => s.name);
const toolArguments = (span: SpanRecord | undefined) => JSON.parse(String(span?.events.find((e) => e.name === 'gen_ai.tool.message')?.attributes.content));

describe('evaluation replies carry the spans of the request (local agents, scripted model)', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: AgentTelemetry;
  let collector: EvaluationSpanCollector;
  let tools: RunningToolServer;
  let agents: LocalAgents;
  let tokens: DevTokenProvider;
  let verify: IdentityVerifier;

  beforeAll(async () => {
    telemetry = await setupAgentTelemetry({ serviceName: 'agentcore-kit-local', env: {}, exporter, flushOnExit: false, log: () => undefined });
    collector = telemetry.evaluationSpans!;
    tools = await startToolServer({ now: () => new Date('2026-11-26T09:00:00Z') });
    verify = jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] });
    const scripts: Partial<Record<AgentId, (call: ModelCall) => ScriptedTurn>> = { supervisor, hr };
    agents = await startLocalAgents({ toolsUrl: tools.url, verify, region: 'eu-west-1', model: (id) => new ScriptedModel(scripts[id] ?? (() => ({ text: 'n/a' }))) });
    tokens = new DevTokenProvider((persona) => tools.issueToken(persona));
  });

  afterAll(async () => {
    await agents?.close();
    await tools?.close();
    await telemetry?.shutdown();
  });

  /** One supervisor request as alex in its own session. */
  async function askSupervisor(body: Record<string, unknown>): Promise<{ sessionId: string; reply: Record<string, unknown> }> {
    const sessionId = `eval-spans-${randomUUID()}`;
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokens.token('alex')}`, [SESSION_HEADER]: sessionId, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'How many vacation days do I have left?', ...body }),
    });
    expect(res.status).toBe(200);
    return { sessionId, reply: (await res.json()) as Record<string, unknown> };
  }

  const exported = (sessionId: string) => exporter.getFinishedSpans().filter((s) => s.attributes['session.id'] === sessionId);

  test('tracing on registers the collector', () => {
    expect(collector).toBeDefined();
    expect(collector.size).toBe(0);
  });

  test("an evaluation request to the supervisor returns every span of the request, the specialist's included, each once", async () => {
    const { sessionId, reply } = await askSupervisor({ evaluation: { caseId: 'hr-001' }, context: { asOf: '2026-11-26' } });
    expect(reply.answer).toBe('You have 10 vacation days left this year.');
    const spans = reply.spans as SpanRecord[];

    expect(names(spans)).toEqual(expect.arrayContaining([`invoke_agent ${supervisorSpec.runtimeName}`, `invoke_agent ${hrSpec.runtimeName}`, 'execute_tool delegate_hr', 'execute_tool hr___checkVacationBalance', 'chat']));
    expect(spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent').map((s) => s.attributes['gen_ai.agent.id']).sort()).toEqual(['hr', 'supervisor']);
    expect(toolArguments(spans.find((s) => s.name === 'execute_tool hr___checkVacationBalance'))).toEqual({ employeeId: 'E10001' });
    expect(spans.filter((s) => s.attributes['session.id'] !== sessionId)).toEqual([]);
    expect(spans.filter((s) => s.attributes['user.id'] !== 'dev-alex')).toEqual([]);
    // Exactly the spans the exporter received for the session: nothing missing (the outermost span included), nothing twice.
    await telemetry.forceFlush();
    expect(spans.map((s) => s.spanId).sort()).toEqual(exported(sessionId).map((s) => s.spanContext().spanId).sort());
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    // Ordered by start time; the supervisor's agent span is the outermost one.
    expect(spans.map((s) => s.startTimeUnixNano)).toEqual([...spans.map((s) => s.startTimeUnixNano)].sort((a, b) => a - b));
    const root = spans.find((s) => s.name === `invoke_agent ${supervisorSpec.runtimeName}`)!;
    expect(root.parentSpanId).toBeUndefined();
    expect(spans.find((s) => s.name === `invoke_agent ${hrSpec.runtimeName}`)!.parentSpanId).toBe(spans.find((s) => s.name === 'execute_tool delegate_hr')!.spanId);
    // Collected on reply: nothing stays kept.
    expect(collector.size).toBe(0);
    expect(collector.keptSpans).toBe(0);
  });

  test('the streamed evaluation reply ends with the spans too', async () => {
    const sessionId = `eval-spans-${randomUUID()}`;
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokens.token('alex')}`, [SESSION_HEADER]: sessionId, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ prompt: 'How many vacation days do I have left?', evaluation: { caseId: 'hr-001' }, stream: true }),
    });
    const parsed = parseEvalResponse(await res.text(), res.headers.get('content-type') ?? '');
    const spans = parsed.spans as unknown as SpanRecord[];
    expect(names(spans)).toEqual(expect.arrayContaining([`invoke_agent ${supervisorSpec.runtimeName}`, `invoke_agent ${hrSpec.runtimeName}`, 'execute_tool hr___checkVacationBalance']));
    expect(spans.every((s) => s.attributes['session.id'] === sessionId)).toBe(true);
    expect(collector.size).toBe(0);
  });

  test('a request that is not an evaluation returns no spans and leaves nothing kept', async () => {
    const { sessionId, reply } = await askSupervisor({});
    expect(reply.response).toBe('You have 10 vacation days left this year.');
    expect(Object.keys(reply)).not.toContain('spans');
    // The spans were made (and exported) all the same; the collector kept none of them.
    await telemetry.forceFlush();
    expect(exported(sessionId).length).toBeGreaterThanOrEqual(8);
    expect(collector.size).toBe(0);
    expect(collector.keptSpans).toBe(0);
  });

  describe('a specialist asked directly over A2A', () => {
    const send = async (sessionId: string, metadata?: Record<string, unknown>) => {
      const client = new JsonRpcTransport({ endpoint: agents.specialists.hr });
      const result = await client.sendMessage(
        { message: { kind: 'message', messageId: randomUUID(), role: 'user', parts: [{ kind: 'text', text: 'How many vacation days do I have left?' }], ...(metadata ? { metadata } : {}) }, configuration: { blocking: true } },
        { serviceParameters: { authorization: `Bearer ${await tokens.token('alex')}`, [SESSION_HEADER]: sessionId, [AS_OF_HEADER]: '2026-11-26' } },
      );
      const trace = (result as Task).artifacts!.flatMap((a) => a.parts).find((p) => p.kind === 'data' && p.data[TRACE_DATA_KEY])!;
      return (trace as { data: Record<string, { spans?: SpanRecord[] }> }).data[TRACE_DATA_KEY];
    };

    test('the evaluation runner transport gets the specialist spans in the reply', async () => {
      const sessionId = sessionIdFor('direct', 'hr-001');
      const transport = new A2ATransport({ url: agents.specialists.hr, tokens });
      const reply = await transport.invoke(requestFor(hr001[0]), sessionId);
      const parsed = parseEvalResponse(reply.body, reply.contentType);
      const spans = parsed.spans as unknown as SpanRecord[];
      expect(parsed.outcome).toBe('answer');
      expect(names(spans).sort()).toEqual(['chat', 'chat', 'execute_agent_loop_cycle', 'execute_agent_loop_cycle', 'execute_tool hr___checkVacationBalance', `invoke_agent ${hrSpec.runtimeName}`]);
      expect(toolArguments(spans.find((s) => s.name === 'execute_tool hr___checkVacationBalance'))).toEqual({ employeeId: 'E10001' });
      expect(spans.every((s) => s.attributes['session.id'] === sessionId && s.attributes['user.id'] === 'dev-alex')).toBe(true);
      expect(collector.size).toBe(0);
    });

    test('without the evaluation flag in the message metadata the trace part has no spans', async () => {
      const trace = await send(`eval-spans-${randomUUID()}`);
      expect(trace).toMatchObject({ toolCalls: [{ name: 'hr___checkVacationBalance', status: 'success' }] });
      expect(Object.keys(trace)).not.toContain('spans');
      expect(collector.size).toBe(0);
    });

    test("the flag returns only the caller's own spans of that session, not another user's running alongside", async () => {
      const sessionId = `eval-spans-${randomUUID()}`;
      const sendAs = async (persona: PersonaName, metadata?: Record<string, unknown>) => {
        const client = new JsonRpcTransport({ endpoint: agents.specialists.hr });
        const result = await client.sendMessage(
          { message: { kind: 'message', messageId: randomUUID(), role: 'user', parts: [{ kind: 'text', text: 'How many vacation days do I have left?' }], ...(metadata ? { metadata } : {}) }, configuration: { blocking: true } },
          { serviceParameters: { authorization: `Bearer ${await tokens.token(persona)}`, [SESSION_HEADER]: sessionId, [AS_OF_HEADER]: '2026-11-26' } },
        );
        const trace = (result as Task).artifacts!.flatMap((a) => a.parts).find((p) => p.kind === 'data' && p.data[TRACE_DATA_KEY])!;
        return (trace as { data: Record<string, { spans?: SpanRecord[] }> }).data[TRACE_DATA_KEY];
      };
      const [alex] = await Promise.all([sendAs('alex', { agentcoreKitEvaluation: true }), sendAs('fran'), sendAs('fran')]);
      await telemetry.forceFlush();
      const users = (spans: readonly { attributes: Record<string, unknown> }[]) => new Set(spans.map((s) => s.attributes['user.id']));
      expect(users(exported(sessionId).map((s) => ({ attributes: s.attributes })))).toEqual(new Set(['dev-alex', 'dev-fran']));
      expect(users(alex.spans!)).toEqual(new Set(['dev-alex']));
      expect(alex.spans!.map((s) => s.spanId).sort()).toEqual(exported(sessionId).filter((s) => s.attributes['user.id'] === 'dev-alex').map((s) => s.spanContext().spanId).sort());
    });
  });

  describe("the supervisor's hand-off", () => {
    // Locally the supervisor's collector also sees the specialist's spans (one process); deployed, only the
    // specialist's trace data part brings them. The hand-off alone shows that part carries them.
    async function handOffAs(evaluation: boolean) {
      const sessionId = `eval-spans-${randomUUID()}`;
      const token = await tokens.token('alex');
      const identity = await identify({ authorization: `Bearer ${token}` }, verify);
      const ctx = { identity, sessionId, region: 'eu-west-1', now: new Date('2026-11-26T12:00:00Z') };
      const endpoint = { spec: specialistSpecs.hr, url: agents.specialists.hr };
      const { trace } = await withRequestContext({ headers: {}, sessionId, userId: identity.userId, evaluation }, () => handOff(endpoint, ctx, 'How many vacation days do I have left?'));
      return { sessionId, trace };
    }

    test('serving an evaluation, it asks the specialist for its spans and gets them in the trace part', async () => {
      const { sessionId, trace } = await handOffAs(true);
      expect(names(trace.spans!)).toEqual(expect.arrayContaining([`invoke_agent ${hrSpec.runtimeName}`, 'execute_tool hr___checkVacationBalance']));
      expect(names(trace.spans!)).not.toContain(`invoke_agent ${supervisorSpec.runtimeName}`);
      expect(trace.spans!.every((s) => s.attributes['session.id'] === sessionId)).toBe(true);
      // Merged into the supervisor's trace once per span even when the same spans arrive twice.
      const into = emptyTrace();
      mergeTrace(into, trace);
      mergeTrace(into, trace);
      expect(into.spans).toHaveLength(trace.spans!.length);
    });

    test('otherwise it does not ask, and no spans come back', async () => {
      const { trace } = await handOffAs(false);
      expect(trace.toolCalls).toHaveLength(1);
      expect(trace.spans).toBeUndefined();
    });
  });

  describe('the runner with the LLM-as-judge', () => {
    test('through the supervisor: the judge receives the real spans of each case and its scores land in the summary', async () => {
      const client = recordingEvaluateClient();
      const judge = new AgentCoreEvaluateJudge(client, ['Builtin.Helpfulness', 'Builtin.Correctness']);
      const transport = new LocalHttpTransport({ url: agents.url, bearerToken: (request) => tokens.token(request.context.persona as PersonaName) });
      const run = await runEvaluation({ cases: hr001, transport, prices: PRICES, judge, runId: 'judge-sup' });

      expect(run.results.map((r) => [r.id, r.passed, r.error])).toEqual([['hr-001', true, undefined]]);
      expect(client.calls.map((c) => c.evaluatorId)).toEqual(['Builtin.Helpfulness', 'Builtin.Correctness']);
      const spans = client.calls[0].sessionSpans;
      expect(client.calls[1].sessionSpans).toBe(spans);
      expect(names(spans)).toEqual(expect.arrayContaining([`invoke_agent ${supervisorSpec.runtimeName}`, `invoke_agent ${hrSpec.runtimeName}`, 'execute_tool hr___checkVacationBalance']));
      expect(toolArguments(spans.find((s) => s.name === 'execute_tool hr___checkVacationBalance'))).toEqual({ employeeId: 'E10001' });
      const sessionId = sessionIdFor('judge-sup', 'hr-001');
      expect(spans.every((s) => s.attributes['session.id'] === sessionId)).toBe(true);
      await telemetry.forceFlush();
      expect(spans.length).toBe(exported(sessionId).length);

      expect(run.results[0].judge).toEqual([
        { evaluator: 'Builtin.Helpfulness', value: 0.75, label: 'Good', explanation: 'Builtin.Helpfulness read the session' },
        { evaluator: 'Builtin.Correctness', value: 1, label: 'Good', explanation: 'Builtin.Correctness read the session' },
      ]);
      expect(run.summary.judge).toEqual({ 'Builtin.Helpfulness': { mean: 0.75, scored: 1, failed: 0 }, 'Builtin.Correctness': { mean: 1, scored: 1, failed: 0 } });
      expect(collector.size).toBe(0);
    });

    test('directly over A2A: the judge scores the specialist spans', async () => {
      const client = recordingEvaluateClient();
      const judge = new AgentCoreEvaluateJudge(client, ['Builtin.Helpfulness']);
      const run = await runEvaluation({ cases: hr001, transport: new A2ATransport({ url: agents.specialists.hr, tokens }), prices: PRICES, judge, runId: 'judge-a2a' });

      expect(run.results.map((r) => [r.id, r.passed, r.error])).toEqual([['hr-001', true, undefined]]);
      const [call] = client.calls;
      expect(names(call.sessionSpans)).toEqual(expect.arrayContaining([`invoke_agent ${hrSpec.runtimeName}`, 'execute_tool hr___checkVacationBalance']));
      expect(names(call.sessionSpans)).not.toContain(`invoke_agent ${supervisorSpec.runtimeName}`);
      expect(call.sessionSpans.every((s) => s.attributes['session.id'] === sessionIdFor('judge-a2a', 'hr-001'))).toBe(true);
      expect(run.summary.judge).toEqual({ 'Builtin.Helpfulness': { mean: 0.75, scored: 1, failed: 0 } });
    });
  });
});
