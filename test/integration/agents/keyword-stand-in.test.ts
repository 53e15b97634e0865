/**
 * The keyword-scripted stand-in (agent:dev --scripted, evaluation dry runs) against the local
 * agents and tool server, on cases of the evaluation datasets, through the evaluation contract.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLocalAgents, type LocalAgents } from '../../../agents/local';
import { keywordModel } from '../../../agents/shared/keyword-script';
import { jwtVerifier } from '../../../agents/shared/identity';
import { parseEvalResponse } from '../../../eval/runner/contract';
import { factFound } from '../../../eval/runner/scoring';
import { startToolServer, type DevUserName, type RunningToolServer } from '../../../local';

interface Case {
  id: string;
  query: string;
  context: { asOf: string };
  expected: { outcome: string; calls?: { tool: string; parameters: Record<string, unknown> }[] };
  facts: string[];
}

function datasetCase(file: string, id: string): Case {
  const line = fs
    .readFileSync(path.join(__dirname, '..', '..', '..', 'eval', 'datasets', file), 'utf8')
    .split('\n')
    .find((l) => l.includes(`"id": "${id}"`) || l.includes(`"id":"${id}"`));
  if (!line) throw new Error(`${file}: no case ${id}`);
  return JSON.parse(line) as Case;
}

describe('keyword-scripted stand-in on evaluation cases', () => {
  let tools: RunningToolServer;
  let agents: LocalAgents;
  let token: string;

  beforeAll(async () => {
    tools = await startToolServer();
    agents = await startLocalAgents({
      toolsUrl: tools.url,
      verify: jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] }),
      model: (id) => keywordModel(id),
    });
    token = await tools.issueToken('alex');
  });

  afterAll(async () => {
    await agents?.close();
    await tools?.close();
  });

  test.each([
    ['financial.jsonl', 'fin-001'],
    ['hr.jsonl', 'hr-001'],
    ['it.jsonl', 'it-002'],
  ])('%s %s: expected tool call, parameters and facts', async (file, id) => {
    const c = datasetCase(file, id);
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amzn-bedrock-agentcore-runtime-session-id': `eval-${id}-000000000000000000000000`, authorization: `Bearer ${token}` },
      body: JSON.stringify({ prompt: c.query, context: c.context, evaluation: { caseId: c.id } }),
    });
    const reply = parseEvalResponse(await res.text(), res.headers.get('content-type') ?? '');
    expect(reply.outcome).toBe(c.expected.outcome);
    expect(reply.toolCalls.map((t) => ({ tool: t.name, parameters: t.input }))).toEqual(c.expected.calls);
    // Facts are values (a number with its sign and unit, or whole words): the runner's own matcher decides.
    for (const fact of c.facts) expect([fact, factFound(fact, reply.answer)]).toEqual([fact, true]);
  });
  async function ask(user: DevUserName, prompt: string, asOf = '2026-11-26') {
    const res = await fetch(`${agents.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amzn-bedrock-agentcore-runtime-session-id': `scripted-${user}-${prompt.length}-000000000000000000000000`, authorization: `Bearer ${await tools.issueToken(user)}` },
      body: JSON.stringify({ prompt, context: { asOf }, evaluation: { caseId: 'scripted' } }),
    });
    return parseEvalResponse(await res.text(), res.headers.get('content-type') ?? '');
  }

  test('a holiday answer lists the holidays of the tool result, with dates and names', async () => {
    const reply = await ask('alex', 'Which public holidays are coming up in the UK?');
    expect(reply.toolCalls).toMatchObject([{ name: 'getUpcomingHolidays', input: { year: 2026, region: 'GB' }, status: 'success' }]);
    expect(reply.answer).toContain('holidays:\n- date: 2026-12-25, name: Christmas Day\n- date: 2026-12-28, name: Boxing Day (substitute day)');
  });

  test('a knowledge-base answer lists the articles found, with titles and links', async () => {
    const reply = await ask('priya', 'How do I move MFA to a new phone?');
    expect(reply.toolCalls).toMatchObject([{ name: 'searchKnowledgeBase', status: 'success' }]);
    expect(reply.answer).toMatch(/^- .*articleId: KB-0002, title: Move multi-factor authentication \(MFA\) to a new phone/m);
    expect(reply.answer).toContain('https://kb.example.com/articles/KB-0002');
  });

  test.each([
    ['alex', ['EMEA']],
    ['sam', ['EMEA', 'APAC', 'AMER']],
  ] as const)('an executive summary for %s asks for the regions of their claim, and lists them', async (user, regions) => {
    const reply = await ask(user, 'Give me an executive summary of 2026-Q3.');
    expect(reply.outcome).toBe('answer');
    expect(reply.toolCalls).toMatchObject([{ name: 'generateExecutiveSummary', input: { quarter: '2026-Q3', regions }, status: 'success' }]);
    for (const region of regions) expect(reply.answer).toMatch(new RegExp(`^- region: ${region}, revenue: \\d`, 'm'));
    expect(reply.answer).not.toMatch(/Sorry|FORBIDDEN/);
  });

  test('an analyst who names a region outside their claim is refused by the policies, not by the script', async () => {
    const reply = await ask('alex', 'Executive summary for APAC in 2026-Q3 please');
    expect(reply.toolCalls).toMatchObject([{ name: 'generateExecutiveSummary', input: { regions: ['APAC'] } }]);
    expect(reply.answer).toMatch(/^Sorry: /);
  });
});
