/**
 * The offline runner against the reference agents running locally (supervisor → A2A specialists →
 * MCP tool server with JWT + Cedar → tool handlers → dynalite). Only the LLM is scripted; each case
 * gets a bearer token whose claims match its context, as the evaluation contract prescribes.
 */
import * as path from 'node:path';
import { startLocalAgents, type LocalAgents } from '../../../agents/local';
import { jwtVerifier } from '../../../agents/shared/identity';
import { ScriptedModel, type ModelCall, type ScriptedTurn } from '../../../agents/shared/scripted-model';
import type { AgentId } from '../../../catalog/agents';
import { loadCheckedDataset } from '../../../eval/runner/catalog-check';
import { runEvaluation } from '../../../eval/runner/run';
import { LocalHttpTransport } from '../../../eval/runner/transports/local-http';
import { startToolServer, type RunningToolServer } from '../../../local';

const DATASETS = path.join(__dirname, '..', '..', '..', 'eval', 'datasets');
const claim = (prompt: string, name: string) => new RegExp(`^- ${name}: (\\S+)$`, 'm').exec(prompt)?.[1];

/** Routing a model would do, as keyword rules on what the model receives. */
function supervisor(call: ModelCall): ScriptedTurn {
  if (call.lastToolResults.length) return { text: call.lastToolResults.join('\n') };
  const text = call.lastUserText;
  if (/bonus|salary|stock/i.test(text)) return { toolCalls: [{ name: 'declineOutOfScope', input: { reason: 'out of scope' } }] };
  if (/vpn/i.test(text)) return { toolCalls: [{ name: 'delegate_it', input: { request: text } }] };
  if (/vacation|days off|pto|leave/i.test(text)) return { toolCalls: [{ name: 'delegate_hr', input: { request: text } }] };
  return { text: 'Could you tell me more about what you need?' };
}

function hr(call: ModelCall): ScriptedTurn {
  if (call.lastToolResults.length) {
    const r = JSON.parse(call.lastToolResults[0]) as { remainingDays?: number };
    return { text: `You have ${r.remainingDays} vacation days left this year.` };
  }
  return { toolCalls: [{ name: 'hr___checkVacationBalance', input: { employeeId: claim(call.systemPrompt, 'employeeId') } }] };
}

function it(call: ModelCall): ScriptedTurn {
  if (call.lastToolResults.length) {
    const r = JSON.parse(call.lastToolResults[0]) as { accountStatus?: string };
    return { text: `Your VPN account is ${r.accountStatus?.toLowerCase()}.` };
  }
  return { toolCalls: [{ name: 'it___checkVPNStatus', input: { userId: claim(call.systemPrompt, 'userId') } }] };
}

describe('runner against the local reference agents (scripted model)', () => {
  let tools: RunningToolServer;
  let agents: LocalAgents;

  beforeAll(async () => {
    tools = await startToolServer({ now: () => new Date('2026-11-26T09:00:00Z') });
    const verify = jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] });
    const scripts: Record<AgentId, (call: ModelCall) => ScriptedTurn> = { supervisor, hr, it, financial: () => ({ text: 'n/a' }) };
    agents = await startLocalAgents({ toolsUrl: tools.url, verify, region: 'eu-west-1', model: (id) => new ScriptedModel(scripts[id]) });
  });

  afterAll(async () => {
    await agents?.close();
    await tools?.close();
  });

  test('vacation, VPN and refusal cases score through the real stack', async () => {
    const pick = (agent: string, ids: string[]) => loadCheckedDataset(path.join(DATASETS, `${agent}.jsonl`)).filter((c) => ids.includes(c.id));
    const cases = [...pick('hr', ['hr-001', 'hr-002', 'hr-004', 'hr-007']), ...pick('it', ['it-011', 'it-013', 'it-014']), ...pick('financial', ['fin-034'])];
    const transport = new LocalHttpTransport({
      url: agents.url,
      bearerToken: (request) =>
        tools.issueToken({ sub: `eval-${request.evaluation.caseId}`, role: 'employee', department: 'sales', employeeId: request.context.employeeId ?? 'E10001', userId: request.context.userId ?? 'u20001' }),
    });
    const run = await runEvaluation({ cases, transport, prices: { inputPricePer1k: 0.001, outputPricePer1k: 0.005 }, concurrency: 2 });

    expect(run.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error ?? JSON.stringify(r.checks)}`)).toEqual([]);
    expect(run.summary).toMatchObject({ cases: 8, passed: 8, errors: 0 });
    expect(run.summary.toolSelection).toEqual({ correct: 7, total: 7, rate: 1 });
    expect(run.summary.parameters).toEqual({ correct: 7, total: 7, rate: 1 });
    expect(run.summary.refusals).toEqual({ correct: 1, total: 1, rate: 1 });
    // Facts come from the seed data through the real tool handlers: E10001 has 10 days left, E10004 has 9, u20002 is locked.
    expect(run.summary.factRecall).toEqual({ correct: 5, total: 5, rate: 1 });
    expect(run.summary.tokensPerQuery).toBeGreaterThan(0);
    expect(run.summary.costUsd).toBeGreaterThan(0);
  });
});
