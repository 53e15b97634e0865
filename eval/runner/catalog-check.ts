/**
 * Checks a dataset against the tool catalog: every expected tool exists and belongs to the agent,
 * and every expected parameter is one the tool accepts, in the format its zod input schema demands.
 */
import type { z } from 'zod';
import { agentSpecs } from '../../catalog/agents';
import { toolsByName } from '../../catalog';
import { DatasetError, lineOf, loadDataset, type DatasetProblem, type EvalCase, type ExpectedValue } from './dataset';

function isMatcher(v: ExpectedValue): v is Exclude<ExpectedValue, string | number | boolean> {
  return typeof v === 'object' && v !== null;
}

export function checkAgainstCatalog(cases: readonly EvalCase[], file: string): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  cases.forEach((c) => {
    const line = lineOf(c);
    const allowed = new Set(Object.values(agentSpecs[c.agent].tools).flat());
    const calls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
    const denied = c.expected.outcome === 'refusal' ? (c.expected.deniedCalls ?? []) : [];
    [...calls.map((call, i) => ({ call, at: `expected.calls.${i}` })), ...denied.map((call, i) => ({ call, at: `expected.deniedCalls.${i}` }))].forEach(({ call, at }) => {
      const tool = toolsByName[call.tool];
      if (!tool) {
        problems.push({ file, line, field: `${at}.tool`, message: `unknown tool ${call.tool}; the catalog has ${Object.keys(toolsByName).join(', ')}` });
        return;
      }
      if (!allowed.has(call.tool)) {
        problems.push({ file, line, field: `${at}.tool`, message: `${call.tool} is not a tool of the ${c.agent} agent (${[...allowed].join(', ')})` });
      }
      const shape = tool.input.shape as Record<string, z.ZodType>;
      for (const [key, value] of Object.entries(call.parameters)) {
        const field = `${at}.parameters.${key}`;
        const schema = shape[key];
        if (!schema) {
          problems.push({ file, line, field, message: `${call.tool} has no argument ${key}; it takes ${Object.keys(shape).join(', ')}` });
          continue;
        }
        const literals = Array.isArray(value) ? [value] : !isMatcher(value) ? [value] : '$oneOf' in value ? value.$oneOf : [];
        for (const literal of literals) {
          const parsed = schema.safeParse(literal);
          if (!parsed.success) problems.push({ file, line, field, message: `${JSON.stringify(literal)} is not valid for ${call.tool}.${key}: ${parsed.error.issues[0]?.message}` });
        }
      }
      // A required argument the case does not score is fine; an unknown one is not (checked above).
    });
  });
  return problems;
}

/** Load a dataset file and check it against the catalog; throws one DatasetError with every problem. */
export function loadCheckedDataset(file: string): EvalCase[] {
  const cases = loadDataset(file);
  const problems = checkAgainstCatalog(cases, file);
  if (problems.length) throw new DatasetError(problems);
  return cases;
}

/** Several files of one dataset (core + extension): each checked, and ids unique across them. */
export function loadCheckedDatasets(files: readonly string[]): EvalCase[] {
  const all: EvalCase[] = [];
  const problems: DatasetProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let cases: EvalCase[];
    try {
      cases = loadCheckedDataset(file);
    } catch (e) {
      if (e instanceof DatasetError) {
        problems.push(...e.problems);
        continue;
      }
      throw e;
    }
    for (const c of cases) {
      const first = seen.get(c.id);
      if (first) problems.push({ file, line: lineOf(c), field: 'id', message: `duplicate id ${c.id} (also in ${first})` });
      seen.set(c.id, file);
    }
    all.push(...cases);
  }
  if (problems.length) throw new DatasetError(problems);
  return all;
}
