/**
 * Every expected call of every shipped case, run against the real tool handlers over the dev seed
 * (dynalite): a case whose ground truth contradicts the data (a reset on an account the user does
 * not have, access the user already holds, a figure the tool does not return) fails here.
 */
import * as path from 'node:path';
import { loadCheckedDataset } from '../../../eval/runner/catalog-check';
import { datasetFiles, type EvalCase, type ExpectedValue } from '../../../eval/runner/dataset';
import { AGENTS } from '../../../eval/runner/dataset';
import { numbersIn, type Fact } from '../../../eval/runner/scoring';
import { createToolDeps } from '../../../lambda/shared/deps';
import { dispatch as financial } from '../../../lambda/tools/financial/handlers';
import { dispatch as hr } from '../../../lambda/tools/hr/handlers';
import { dispatch as it } from '../../../lambda/tools/it/handlers';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

const ROOT = path.join(__dirname, '..', '..', '..');
const DISPATCH = { financial, hr, it } as const;

/** Tags of cases whose expected call is meant to end in a tool error the agent must explain. */
const EXPECTED_ERROR_TAGS: Record<string, string> = { 'not-found': 'NOT_FOUND', conflict: 'CONFLICT' };

/** Concrete arguments an agent could send for an expectation: every `$oneOf` option is tried. */
function argumentSets(parameters: Record<string, ExpectedValue>): Record<string, unknown>[] {
  let sets: Record<string, unknown>[] = [{}];
  for (const [key, value] of Object.entries(parameters)) {
    const options: unknown[] =
      typeof value !== 'object' ? [value] : '$oneOf' in value ? value.$oneOf : '$contains' in value ? [`Request about ${value.$contains.join(' and ')}.`] : ['Needed for my current project work.'];
    sets = sets.flatMap((s) => options.map((o) => ({ ...s, [key]: o })));
  }
  return sets;
}

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite({ seed: true });
});
afterAll(() => db.stop());

const cases = AGENTS.flatMap((agent) => datasetFiles(agent).flatMap((f) => loadCheckedDataset(path.join(ROOT, f))));
const withCalls = cases.filter((c) => 'calls' in c.expected && (c.expected.calls?.length ?? 0) > 0);

test('the shipped datasets have cases with calls in every agent', () => {
  expect(new Set(withCalls.map((c) => c.agent))).toEqual(new Set(AGENTS));
});

describe.each(withCalls.map((c) => [c.id, c] as const))('%s', (_id, c: EvalCase) => {
  test('each expected call succeeds on the dev seed (or fails as the case says), and its numeric facts are in the results', async () => {
    // Every case gets fresh writes: a ticket or request of one case must not make another a conflict.
    const deps = createToolDeps({ client: db.client, tables: db.tables, now: () => new Date(`${c.context.asOf}T12:00:00.000Z`) });
    const expectedError = c.tags.map((t) => EXPECTED_ERROR_TAGS[t]).find(Boolean);
    const outputs: unknown[] = [];
    const problems: string[] = [];
    for (const call of (c.expected as { calls: { tool: string; parameters: Record<string, ExpectedValue> }[] }).calls) {
      const results = await Promise.all(argumentSets(call.parameters).map((args) => DISPATCH[c.agent](call.tool, args, deps)));
      const ok = results.filter((r) => !(r as { error?: unknown }).error);
      outputs.push(...ok);
      const codes = results.map((r) => (r as { error?: { code: string } }).error?.code).filter(Boolean);
      if (expectedError) {
        if (!codes.includes(expectedError)) problems.push(`${call.tool}: expected ${expectedError} (tag), got ${JSON.stringify(results)}`);
      } else if (!ok.length) problems.push(`${call.tool}(${JSON.stringify(call.parameters)}): ${JSON.stringify(results[0])}`);
    }
    const numbers = numbersIn(JSON.stringify(outputs).replace(/"\d{4}-\d{2}-\d{2}[^"]*"/g, '""'));
    for (const fact of c.facts as Fact[]) {
      const value = typeof fact === 'object' ? fact.value : /^[-+]?\d+(\.\d+)?%?$/.test(fact) ? Number(fact.replace(/%$/, '')) : undefined;
      const tolerance = typeof fact === 'object' ? (fact.tolerance ?? 0) + 0.05 : 0.05;
      if (value !== undefined && !numbers.some((n) => Math.abs(n - value) <= tolerance)) problems.push(`fact ${JSON.stringify(fact)} is in no tool result (${numbers.slice(0, 12).join(', ')}...)`);
    }
    expect(problems).toEqual([]);
  });
});
