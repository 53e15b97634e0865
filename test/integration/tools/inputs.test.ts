/**
 * The Lambda entries validate with the zod/mini specs of lambda/tools/<target>/inputs.ts, not with
 * the catalog's full-zod schemas. These tests prove the two are the same contract: same tools,
 * targets and idempotency flags, same JSON Schema, and on a corpus of good and bad arguments the
 * same outcome — parsed data, zod issues and the VALIDATION_ERROR result the agent sees.
 */
import { safeParse, toJSONSchema, type $ZodType } from 'zod/v4/core';
import type { z } from 'zod';
import { toolsByName, toolsByTarget, TOOL_TARGETS, validationFailure, type ToolDefinition } from '../../../catalog';
import type { ToolGroup } from '../../../lambda/shared/dispatch';
import { toolGroups } from '../../../lambda/tools/dispatch';
import { financialLambdaGroup } from '../../../lambda/tools/financial/inputs';
import { hrLambdaGroup } from '../../../lambda/tools/hr/inputs';
import { itLambdaGroup } from '../../../lambda/tools/it/inputs';

const lambdaGroups: Record<string, ToolGroup> = { financial: financialLambdaGroup, hr: hrLambdaGroup, it: itLambdaGroup };

/** JSON Schema of the input without descriptions (documentation lives in the catalog only). */
function shape(schema: $ZodType): unknown {
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'description').map(([k, x]) => [k, strip(x)])) : v;
  return strip(toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }));
}

const BAD_VALUES: unknown[] = [undefined, null, true, 0, -1, 1.5, 0.5, 1e9, 2101, 1999, 11, Number.NaN, '', ' ', 'x', '  padded value with enough characters  ', 'x'.repeat(41), 'x'.repeat(501), 'x'.repeat(2001), [], ['EMEA', 'EMEA', 'APAC', 'AMER'], ['XX'], ['EMEA'], {}, 'E1000', 'E10001 ', 'u2000', '2024-Q5', '2024-Q3'];

/** Good and bad argument objects for one tool, derived from its example and its fields. */
function corpus(tool: ToolDefinition): unknown[] {
  const example = tool.examples[0].input;
  const fields = Object.keys(tool.input.shape);
  const cases: unknown[] = [example, {}, null, undefined, [], 'text', 42, { ...example, extra: 1, other: 'x' }];
  for (const field of fields) {
    const { [field]: _removed, ...without } = example;
    cases.push(without);
    for (const value of BAD_VALUES) cases.push({ ...example, [field]: value });
  }
  // Several problems at once: every field wrong.
  cases.push(Object.fromEntries(fields.map((f) => [f, 1.5])), Object.fromEntries(fields.map((f) => [f, ''])));
  return cases;
}

const outcome = (tool: string, schema: $ZodType, args: unknown) => {
  const parsed = safeParse(schema, args ?? {});
  return parsed.success
    ? { data: parsed.data }
    : { issues: parsed.error.issues.map(({ code, path, message }) => ({ code, path, message })), result: validationFailure(tool, parsed.error as z.ZodError).toResult() };
};

test('the Lambda groups serve exactly the catalog tools, with the same target, service and idempotency flag', () => {
  expect(Object.keys(lambdaGroups).sort()).toEqual([...TOOL_TARGETS].sort());
  for (const target of TOOL_TARGETS) {
    const group = lambdaGroups[target];
    expect(group.target).toBe(target);
    expect(group.service).toBe(toolGroups[target].service);
    expect([...group.tools.keys()].sort()).toEqual(toolsByTarget[target].map((t) => t.name).sort());
    for (const [name, bound] of group.tools) {
      const definition = toolsByName[name];
      expect({ name: bound.definition.name, target: bound.definition.target, mutating: !!bound.definition.mutating }).toEqual({ name, target: definition.target, mutating: !!definition.mutating });
      // The same implementation as the catalog-bound group (local server, tests).
      expect(bound.handle).toBe(toolGroups[target].tools.get(name)!.handle);
    }
  }
});

describe.each(Object.values(toolsByName).map((t) => [t.name, t] as const))('%s', (name, definition) => {
  const spec = lambdaGroups[definition.target].tools.get(name)!.definition;

  test('has the catalog’s JSON Schema (types, patterns, enums, bounds, required, no extra arguments)', () => {
    expect(shape(spec.input)).toEqual(shape(definition.input));
  });

  test('gives the same parsed data, issues and VALIDATION_ERROR result on good and bad arguments', () => {
    const cases = corpus(definition);
    const results = cases.map((args) => ({ args, catalog: outcome(name, definition.input, args), lambda: outcome(name, spec.input, args) }));
    for (const { args, catalog, lambda } of results) expect({ args, outcome: lambda }).toEqual({ args, outcome: catalog });
    // The corpus exercises both paths: valid calls and rejected ones with field messages.
    expect(results.filter((r) => 'data' in r.catalog).length).toBeGreaterThan(0);
    expect(results.filter((r) => 'issues' in r.catalog).length).toBeGreaterThan(cases.length / 2);
  });
});
