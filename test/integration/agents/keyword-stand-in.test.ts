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
import { startToolServer, type RunningToolServer } from '../../../local';

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
});
