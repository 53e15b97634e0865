import { findTool, gatewayToolName, parseQuarter, shiftQuarter, toGatewayToolSchema, toolCatalog, toolsByName, toolsByTarget, TOOL_TARGETS, type GatewaySchema } from '../../../catalog';
import { toolGroups } from '../../../lambda/tools/dispatch';

test('the catalog has exactly the reference tools, by target', () => {
  expect(Object.fromEntries(TOOL_TARGETS.map((t) => [t, toolsByTarget[t].map((d) => d.name)]))).toEqual({
    financial: ['getQuarterlyRevenue', 'calculateGrowth', 'generateExecutiveSummary'],
    hr: ['checkVacationBalance', 'getPolicy', 'createHRTicket', 'getUpcomingHolidays'],
    it: ['resetPassword', 'checkVPNStatus', 'requestSoftwareAccess', 'searchKnowledgeBase'],
  });
  expect(toolCatalog).toHaveLength(11);
});

test('exactly the record-creating tools are mutating', () => {
  expect(toolCatalog.filter((t) => t.mutating).map((t) => t.name)).toEqual(['createHRTicket', 'resetPassword', 'requestSoftwareAccess']);
});

test('every tool has a handler in its target’s function, and no handler lacks a definition', () => {
  expect(Object.fromEntries(Object.entries(toolGroups).map(([t, g]) => [t, [...g.tools.keys()]]))).toEqual(
    Object.fromEntries(TOOL_TARGETS.map((t) => [t, toolsByTarget[t].map((d) => d.name)])),
  );
  for (const g of Object.values(toolGroups)) for (const [name, bound] of g.tools) expect(bound.definition).toBe(toolsByName[name]);
});

test('no tool takes or returns compensation data', () => {
  const fields: string[] = [];
  const walk = (s: GatewaySchema, path: string) => {
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      fields.push(`${path}.${k}`);
      walk(v, `${path}.${k}`);
    }
    if (s.items) walk(s.items, `${path}[]`);
  };
  for (const t of toolCatalog) {
    const g = toGatewayToolSchema(t);
    walk(g.inputSchema, `${t.name}.input`);
    walk(g.outputSchema!, `${t.name}.output`);
  }
  expect(fields.length).toBeGreaterThan(60);
  expect(fields.filter((f) => /salary|compensation|bonus|pay(roll)?\b|wage|equity/i.test(f))).toEqual([]);
});

test('gateway schemas use only type/properties/required/items/description', () => {
  const keys = new Set<string>();
  const walk = (s: object) => {
    for (const [k, v] of Object.entries(s)) {
      keys.add(k);
      if (k === 'properties') Object.values(v as object).forEach(walk);
      if (k === 'items') walk(v as object);
    }
  };
  for (const t of toolCatalog) {
    walk(toGatewayToolSchema(t).inputSchema);
    walk(toGatewayToolSchema(t).outputSchema!);
  }
  expect([...keys].sort()).toEqual(['description', 'items', 'properties', 'required', 'type']);
});

test('closed sets reach the model as enumerations in the description', () => {
  const input = toGatewayToolSchema(toolsByName.createHRTicket).inputSchema;
  expect(input.properties!.category.description).toMatch(/One of: benefits, leave, policy-question, workplace-concern, onboarding, offboarding, other\.$/);
  expect(input.properties!.employeeId.description).toContain('Must match ^E\\d{5}$.');
  expect(input.required).toEqual(['employeeId', 'category', 'description']);
});

test('the model-facing description carries usage and error conditions', () => {
  expect(toGatewayToolSchema(toolsByName.getQuarterlyRevenue).description).toMatch(/Use: Use when the user asks about revenue[\s\S]*Errors: VALIDATION_ERROR when [\s\S]*NOT_FOUND when [\s\S]*SERVICE_UNAVAILABLE when/);
});

test('findTool accepts bare and gateway names', () => {
  expect(findTool('hr___getPolicy')?.name).toBe('getPolicy');
  expect(findTool('getPolicy')?.target).toBe('hr');
  expect(findTool('it___getPolicy')).toBeUndefined();
  expect(gatewayToolName(toolsByName.checkVPNStatus)).toBe('it___checkVPNStatus');
});

test('quarter arithmetic crosses year boundaries', () => {
  expect(parseQuarter('2024-Q3')).toEqual({ year: 2024, q: 3 });
  expect(shiftQuarter('2024-Q1', -1)).toBe('2023-Q4');
  expect(shiftQuarter('2024-Q3', -4)).toBe('2023-Q3');
  expect(shiftQuarter('2024-Q4', 1)).toBe('2025-Q1');
});
