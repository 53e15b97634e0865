/**
 * Every case runs as a reference identity; the real Cedar policies (policies/, the same engine the
 * gateway and the local tool server use) must let that persona make each call the case expects, and
 * deny the calls a policy refusal case names. A case whose persona cannot do what it expects is a
 * dataset bug: the agent would be scored down for the policy's decision, not its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toolCatalog, toolsByName } from '../../../catalog';
import { gatewayToolName } from '../../../catalog/tool';
import { REFERENCE_USERS } from '../../../lambda/identity/reference-users';
import { CedarAuthorizer } from '../../../lib/policy/cedar-authorizer';
import { loadCheckedDataset, loadCheckedDatasets } from '../../../eval/runner/catalog-check';
import { AGENTS, DatasetError, datasetFiles, parseDataset, type EvalCase, type ExpectedValue } from '../../../eval/runner/dataset';
import { DEFAULT_PERSONA, personaOf, resolvePersona } from '../../../eval/runner/personas';
import { requestFor } from '../../../eval/runner/run';

const DATASETS = path.join(__dirname, '..', '..', '..', 'eval', 'datasets');
const datasets = Object.fromEntries(AGENTS.map((a) => [a, loadCheckedDatasets(datasetFiles(a).map((f) => path.join(DATASETS, '..', '..', f)))]));
const authorizer = new CedarAuthorizer({ tools: toolCatalog });

/** Concrete arguments for an expected call: the tool's example, overlaid with every literal the case expects (each `$oneOf` alternative in turn). */
function concreteInputs(toolName: string, parameters: Record<string, ExpectedValue | string[]>): Record<string, unknown>[] {
  const tool = toolsByName[toolName];
  let inputs: Record<string, unknown>[] = [{ ...(tool.examples[0]?.input ?? {}) }];
  for (const [key, value] of Object.entries(parameters)) {
    const options = Array.isArray(value) || typeof value !== 'object' ? [value] : '$oneOf' in value ? value.$oneOf : '$contains' in value ? [value.$contains.join(' ')] : [undefined];
    inputs = inputs.flatMap((input) => options.map((o) => (o === undefined ? input : { ...input, [key]: o })));
  }
  return inputs;
}

function decisions(c: EvalCase, which: 'expected' | 'denied') {
  const persona = resolvePersona(c);
  const claims = { sub: `eval-${persona}`, ...REFERENCE_USERS[persona] };
  const calls = which === 'expected' ? ('calls' in c.expected ? (c.expected.calls ?? []) : []) : c.expected.outcome === 'refusal' ? (c.expected.deniedCalls ?? []) : [];
  return calls.flatMap((call) =>
    concreteInputs(call.tool, call.parameters).map((input) => {
      const d = authorizer.authorize({ claims, toolName: gatewayToolName(toolsByName[call.tool]), input });
      return `${c.id} as ${persona}: ${call.tool}(${JSON.stringify(input)}) → ${d.decision}${d.decision === 'deny' ? ` (${d.message})` : ''}`;
    }),
  );
}

describe.each(AGENTS)('%s dataset personas against the Cedar policies', (agent) => {
  const cases = datasets[agent];

  test('every expected call is permitted for the case persona', () => {
    const lines = cases.flatMap((c) => decisions(c, 'expected'));
    expect(lines.length).toBeGreaterThan(cases.length / 2);
    expect(lines.filter((l) => !l.endsWith('→ allow'))).toEqual([]);
  });

  test('every call a policy refusal names is denied for the case persona', () => {
    const lines = cases.flatMap((c) => decisions(c, 'denied'));
    expect(lines.filter((l) => !/→ deny \(Denied by policy: /.test(l))).toEqual([]);
  });
});

describe('persona resolution', () => {
  const byId = (id: string) => Object.values(datasets).flat().find((c) => c.id === id)!;

  test('policy refusals are in the datasets: another employee\'s balance, another user\'s password', () => {
    expect(decisions(byId('hr-006'), 'denied')).toEqual([expect.stringMatching(/^hr-006 as alex: checkVacationBalance\(.*"employeeId":"E10002".*\) → deny \(Denied by policy: no policy permits role analyst to call hr___checkVacationBalance with these arguments\.\)$/)]);
    expect(decisions(byId('it-009'), 'denied')).toEqual([expect.stringMatching(/^it-009 as alex: resetPassword\(.*"userId":"u20002".*\) → deny \(Denied by policy: no policy permits role analyst to call it___resetPassword with these arguments\.\)$/)]);
  });

  test('the signed-in employee or user picks the persona; otherwise the agent default', () => {
    expect(resolvePersona(byId('hr-007'))).toBe('fran'); // E10004
    expect(resolvePersona(byId('it-013'))).toBe('priya'); // u20002
    expect(resolvePersona(byId('hr-001'))).toBe('alex'); // E10001
    expect(resolvePersona(byId('fin-001'))).toBe('sam'); // no id: the financial default
    expect(DEFAULT_PERSONA).toEqual({ financial: 'sam', hr: 'alex', it: 'alex' });
  });

  test('context.persona wins: the seed\'s junior analyst asks for the CEO bonus', () => {
    expect(resolvePersona(byId('fin-034'))).toBe('alex');
    expect(requestFor(byId('fin-034')).context).toEqual({ asOf: '2026-11-26', persona: 'alex' });
  });

  test('every request names its persona for the token provider', () => {
    const personas = new Set(Object.values(datasets).flat().map((c) => personaOf(requestFor(c))));
    expect([...personas].sort()).toEqual(['alex', 'fran', 'hana', 'ivan', 'priya', 'sam']);
  });

  test('every domain has policy refusals, and region restrictions are tested both ways', () => {
    const all = Object.values(datasets).flat();
    for (const agent of AGENTS) expect(all.filter((c) => c.agent === agent && c.expected.outcome === 'refusal' && c.expected.deniedCalls?.length).length).toBeGreaterThanOrEqual(2);
    const region = all.filter((c) => c.tags.includes('region-restriction'));
    expect(region.some((c) => c.expected.outcome === 'refusal')).toBe(true);
    expect(region.some((c) => c.expected.outcome === 'answer')).toBe(true);
    expect(all.filter((c) => c.turns?.length).map((c) => c.agent)).toEqual(expect.arrayContaining([...AGENTS]));
  });

  test('an unknown persona, or one that is not the signed-in employee, is a dataset error naming the field', () => {
    const line = (context: Record<string, string>) =>
      JSON.stringify({ id: 'hr-901', agent: 'hr', query: 'How many vacation days do I have left?', context: { asOf: '2026-11-26', ...context }, expected: { outcome: 'refusal', reason: 'test' }, tags: ['t'] });
    const problems = (text: string) => {
      try {
        parseDataset(text, 'x.jsonl');
      } catch (e) {
        return (e as DatasetError).problems.map((p) => `${p.line}: ${p.field}: ${p.message}`);
      }
      return [];
    };
    expect(problems([line({ persona: 'bob' }), line({ persona: 'alex', employeeId: 'E10004' }).replace('hr-901', 'hr-902'), line({ persona: 'hana', userId: 'u20001' }).replace('hr-901', 'hr-903')].join('\n'))).toEqual([
      '1: context.persona: one of the reference users alex, sam, fran, priya, hana, ivan',
      '2: context.employeeId: the signed-in employee is the persona: alex is E10001, not E10004',
      '3: context.userId: the signed-in user is the persona: hana is u20003, not u20001',
    ]);
  });

  test('a denied call is checked against the catalog like an expected one', () => {
    const text = JSON.stringify({ id: 'hr-904', agent: 'hr', query: 'Reset the password of u20002', context: { asOf: '2026-11-26' }, expected: { outcome: 'refusal', reason: 'other user', deniedCalls: [{ tool: 'resetPassword', parameters: { userId: 'u20002', system: 'sap' } }] }, tags: ['t'] });
    const file = path.join(os.tmpdir(), `personas-${process.pid}.jsonl`);
    fs.writeFileSync(file, text);
    try {
      expect(() => loadCheckedDataset(file)).toThrow(/expected\.deniedCalls\.0\.tool: resetPassword is not a tool of the hr agent/);
    } finally {
      fs.rmSync(file);
    }
  });
});
