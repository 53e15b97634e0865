/**
 * The runner scoring each specialist directly over A2A, as the pipeline's gate scores a canary:
 * JSON-RPC `message/send` to the real local specialists (agents/local.ts) → MCP tool server with
 * JWT + Cedar → tool handlers → dynalite. Each case runs as its persona with a dev token; only the
 * LLM is scripted. Answers, tool calls, usage and refusals come back through the specialists'
 * `agentTrace` data part.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalAgents, type LocalAgents } from '../../../agents/local';
import { jwtVerifier } from '../../../agents/shared/identity';
import { ScriptedModel, type ModelCall, type ScriptedTurn } from '../../../agents/shared/scripted-model';
import type { AgentId } from '../../../catalog/agents';
import { DevTokenProvider } from '../../../eval/runner/auth/token-provider';
import { loadCheckedDataset } from '../../../eval/runner/catalog-check';
import { main } from '../../../eval/runner/cli';
import type { EvalCase } from '../../../eval/runner/dataset';
import { runEvaluation } from '../../../eval/runner/run';
import { A2ATransport } from '../../../eval/runner/transports/a2a';
import { startToolServer, type RunningToolServer, type ToolCallAudit } from '../../../local';

const ROOT = path.join(__dirname, '..', '..', '..');
const DATASETS = path.join(ROOT, 'eval', 'datasets');
const PRICES = { inputPricePer1k: 0.001, outputPricePer1k: 0.005 };
const claim = (prompt: string, name: string) => new RegExp(`^- ${name}: (\\S+)$`, 'm').exec(prompt)?.[1];
const pick = (agent: string, ids: readonly string[]) => loadCheckedDataset(path.join(DATASETS, `${agent}.jsonl`)).filter((c) => ids.includes(c.id));
const forbidden = (call: ModelCall) => call.lastToolResults.some((r) => r.includes('"FORBIDDEN"'));
const decline = { toolCalls: [{ name: 'declineOutOfScope', input: { reason: 'not allowed or out of scope' } }] };

/** The previous quarter of the date attribute the specialist received (the case's asOf). */
function lastQuarter(call: ModelCall): string {
  const [year, month] = (claim(call.systemPrompt.replace(/^current_date: /m, '- current_date: '), 'current_date') ?? '').split('-').map(Number);
  const q = Math.ceil(month / 3) - 1;
  return q === 0 ? `${year - 1}-Q4` : `${year}-Q${q}`;
}

/** What a model would do with each query, as rules on what the specialist's model receives. */
function financial(call: ModelCall): ScriptedTurn {
  if (forbidden(call)) return decline;
  if (call.lastToolResults.length) {
    const r = JSON.parse(call.lastToolResults[0]) as { region?: string; quarter?: string; revenue?: number };
    return { text: `${r.region} revenue in ${r.quarter} was ${r.revenue} million USD.` };
  }
  const text = call.lastUserText;
  if (/bonus|salary|compensation/i.test(text)) return decline;
  if (/^What was revenue in Q3\?$/.test(text)) return { text: 'Which region do you mean: EMEA, APAC, AMER or all three?' };
  const region = /APAC|Asia/.test(text) ? 'APAC' : /EMEA|Europe/.test(text) ? 'EMEA' : 'AMER';
  const quarter = /last quarter/.test(text) ? lastQuarter(call) : /Q1 2025/.test(text) ? '2025-Q1' : '2024-Q3';
  return { toolCalls: [{ name: 'financial___getQuarterlyRevenue', input: { region, quarter } }] };
}

function hr(call: ModelCall): ScriptedTurn {
  if (forbidden(call)) return decline;
  if (call.lastToolResults.length) {
    const r = JSON.parse(call.lastToolResults[0]) as { remainingDays?: number; ticketId?: string };
    return { text: r.ticketId ? `I opened ticket ${r.ticketId}; HR will contact you.` : `You have ${r.remainingDays} vacation days left this year.` };
  }
  const other = /\b(E\d{5})\b/.exec(call.lastUserText)?.[1];
  if (/ticket/i.test(call.lastUserText)) {
    return { toolCalls: [{ name: 'hr___createHRTicket', input: { employeeId: claim(call.systemPrompt, 'employeeId'), category: 'benefits', description: call.lastUserText } }] };
  }
  return { toolCalls: [{ name: 'hr___checkVacationBalance', input: { employeeId: other ?? claim(call.systemPrompt, 'employeeId') } }] };
}

function it(call: ModelCall): ScriptedTurn {
  if (forbidden(call)) return decline;
  if (call.lastToolResults.length) {
    const r = JSON.parse(call.lastToolResults[0]) as { accountStatus?: string; resetLinkSentTo?: string };
    return { text: r.accountStatus ? `Your VPN account is ${r.accountStatus.toLowerCase()}.` : 'A password reset link is on its way.' };
  }
  const reset = /Reset the password for (u\d{5}) on SAP/.exec(call.lastUserText);
  if (reset) return { toolCalls: [{ name: 'it___resetPassword', input: { userId: reset[1], system: 'sap' } }] };
  if (/^It's not working$/.test(call.lastUserText)) return { text: 'What exactly is not working: email, VPN, a password or an application?' };
  return { toolCalls: [{ name: 'it___checkVPNStatus', input: { userId: claim(call.systemPrompt, 'userId') } }] };
}

describe('runner → specialists over A2A, one persona token per case (scripted model)', () => {
  let tools: RunningToolServer;
  let agents: LocalAgents;
  let tokens: DevTokenProvider;
  const audit: ToolCallAudit[] = [];

  beforeAll(async () => {
    tools = await startToolServer({ now: () => new Date('2026-11-26T09:00:00Z'), onToolCall: (a) => audit.push(a) });
    const verify = jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] });
    const scripts: Record<AgentId, (call: ModelCall) => ScriptedTurn> = { financial, hr, it, supervisor: () => ({ text: 'n/a' }) };
    agents = await startLocalAgents({ toolsUrl: tools.url, verify, region: 'eu-west-1', model: (id) => new ScriptedModel(scripts[id]) });
    tokens = new DevTokenProvider((persona) => tools.issueToken(persona));
  });

  afterAll(async () => {
    await agents?.close();
    await tools?.close();
  });

  beforeEach(() => audit.splice(0));

  test('financial: revenue as the senior analyst, relative dates from asOf, a clarification, the seed refusal, and a region the junior analyst may not see', async () => {
    const fin011 = pick('financial', ['fin-011'])[0];
    // The junior analyst (EMEA only) asks for APAC: the policy denies the call and the agent declines.
    const regionRefusal: EvalCase = { ...fin011, context: { ...fin011.context, persona: 'alex' }, expected: { outcome: 'refusal', reason: 'alex may only see EMEA revenue', deniedCalls: [{ tool: 'getQuarterlyRevenue', parameters: { region: 'APAC', quarter: '2026-Q3' } }] }, facts: [] };
    const cases = [...pick('financial', ['fin-001', 'fin-002', 'fin-012', 'fin-034', 'fin-044']), regionRefusal];
    const run = await runEvaluation({ cases, transport: new A2ATransport({ url: agents.specialists.financial, tokens }), prices: PRICES, concurrency: 3 });

    expect(run.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error ?? JSON.stringify(r.checks)}`)).toEqual([]);
    expect(run.summary).toMatchObject({ cases: 6, passed: 6, errors: 0 });
    expect(run.summary.toolSelection).toEqual({ correct: 3, total: 3, rate: 1 });
    expect(run.summary.parameters).toEqual({ correct: 3, total: 3, rate: 1 });
    expect(run.summary.refusals).toEqual({ correct: 2, total: 2, rate: 1 });
    expect(run.summary.clarifications).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(run.summary.factRecall).toEqual({ correct: 3, total: 3, rate: 1 }); // 1284.6 twice, 903.6 from the seed data
    expect(run.summary.tokensPerQuery).toBeGreaterThan(0);
    // The refused call reached the gateway as alex and was denied there; the others ran as sam.
    expect(run.results.find((r) => r.id === 'fin-011')!.actualCalls).toEqual([{ name: 'getQuarterlyRevenue', input: { region: 'APAC', quarter: '2026-Q3' }, status: 'error' }]);
    expect(audit.filter((a) => a.decision === 'denied').map((a) => [a.sub, a.tool, a.arguments])).toEqual([['dev-alex', 'financial___getQuarterlyRevenue', { region: 'APAC', quarter: '2026-Q3' }]]);
    expect(new Set(audit.filter((a) => a.decision === 'allowed').map((a) => a.sub))).toEqual(new Set(['dev-sam']));
  });

  test('hr: each employee sees their own balance, a ticket is an escalation, another employee\'s balance is a policy refusal', async () => {
    const cases = pick('hr', ['hr-001', 'hr-006', 'hr-007', 'hr-031']);
    const run = await runEvaluation({ cases, transport: new A2ATransport({ url: agents.specialists.hr, tokens }), prices: PRICES, concurrency: 2 });

    expect(run.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error ?? JSON.stringify(r.checks)}`)).toEqual([]);
    expect(run.summary).toMatchObject({ cases: 4, passed: 4, errors: 0 });
    expect(run.summary.refusals).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(run.summary.escalations).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(run.summary.toolSelection).toEqual({ correct: 3, total: 3, rate: 1 });
    expect(run.summary.factRecall).toEqual({ correct: 2, total: 2, rate: 1 }); // E10001 has 10 days left, E10004 (fran) 9
    expect(audit.filter((a) => a.decision === 'denied').map((a) => [a.sub, a.arguments])).toEqual([['dev-alex', { employeeId: 'E10002' }]]);
  });

  test('it: each user\'s own VPN, a clarification, and another user\'s password reset refused by policy', async () => {
    const cases = pick('it', ['it-009', 'it-011', 'it-013', 'it-040']);
    const run = await runEvaluation({ cases, transport: new A2ATransport({ url: agents.specialists.it, tokens }), prices: PRICES, concurrency: 4 });

    expect(run.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.error ?? JSON.stringify(r.checks)}`)).toEqual([]);
    expect(run.summary).toMatchObject({ cases: 4, passed: 4, errors: 0 });
    expect(run.summary.refusals).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(run.summary.clarifications).toEqual({ correct: 1, total: 1, rate: 1 });
    expect(run.summary.toolSelection).toEqual({ correct: 2, total: 2, rate: 1 });
    expect(run.summary.factRecall).toEqual({ correct: 1, total: 1, rate: 1 }); // u20002 (priya) is locked
    expect(audit.filter((a) => a.decision === 'allowed').map((a) => a.sub).sort()).toEqual(['dev-alex', 'dev-priya']);
  });

  test('without a token every case fails with the specialist\'s 401, not a score', async () => {
    const run = await runEvaluation({ cases: pick('hr', ['hr-001']), transport: new A2ATransport({ url: agents.specialists.hr }), prices: PRICES });
    expect(run.summary).toMatchObject({ cases: 1, passed: 0, errors: 1 });
    // The 401 carries a JSON-RPC error, which the A2A client surfaces as such.
    expect(run.results[0].error).toMatch(/JSON-RPC error: Unauthorized: missing Authorization header.*\(Code: -32000\)/);
  });

  test('the CLI scores a specialist over A2A with per-persona tokens from EVAL_TOKEN_<PERSONA>', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-a2a-'));
    try {
      const lines = fs.readFileSync(path.join(DATASETS, 'hr.jsonl'), 'utf8').split('\n').filter((l) => /"id": "hr-00[167]"/.test(l));
      fs.writeFileSync(path.join(tmp, 'hr.jsonl'), `${lines.join('\n')}\n`);
      const out: string[] = [];
      const err: string[] = [];
      const env = { EVAL_TOKEN_ALEX: await tools.issueToken('alex'), EVAL_TOKEN_FRAN: await tools.issueToken('fran') };
      const code = await main(['--agent', 'hr', '--endpoint', agents.specialists.hr, '--auth', 'env', '--dataset', path.join(tmp, 'hr.jsonl'), '--out', path.join(tmp, 'out')], {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { isTTY: false, write: (s: string) => err.push(s) },
        cwd: ROOT,
        env,
      });
      expect(err.join('')).not.toMatch(/error/i);
      expect(out.join('')).toMatch(/^hr: 3\/3 trials passed \(3 cases × 1 repeat\(s\); 0 errors, not counted as failures\) against A2A http:\/\/127\.0\.0\.1:\d+\//);
      const results = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'results.json'), 'utf8'));
      expect(results.labels).toMatchObject({ protocol: 'a2a', auth: 'tokens from EVAL_TOKEN_<PERSONA> variables' });
      expect(results.summary).toMatchObject({ cases: 3, passed: 3, errors: 0 });
      expect(code).toBe(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
