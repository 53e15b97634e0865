import { findTool, toJsonSchema, gatewayToolName, parseQuarter, shiftQuarter, toGatewayToolSchema, toolCatalog, toolsByName, toolsByTarget, TOOL_TARGETS, type GatewaySchema } from '../../../catalog';
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

describe('free text', () => {
  /** Every string argument that is neither a closed set nor a pattern-formatted id: free text. */
  const freeTextFields = toolCatalog.flatMap((t) =>
    Object.entries((toJsonSchema(t.input) as { properties: Record<string, { type?: string; enum?: unknown; pattern?: string; minLength?: number; maxLength?: number }> }).properties)
      .filter(([, s]) => s.type === 'string' && !s.enum && !s.pattern)
      .map(([field, s]) => ({ tool: t, field, min: s.minLength ?? 1, max: s.maxLength ?? 100 })),
  );
  const validFor = (tool: (typeof toolCatalog)[number], field: string, value: string) => ({ ...tool.examples[0].input, [field]: value });

  test('the catalog has the free-text fields these checks walk', () => {
    expect(freeTextFields.map((f) => `${f.tool.name}.${f.field}`).sort()).toEqual(
      ['calculateGrowth.currentLabel', 'calculateGrowth.previousLabel', 'createHRTicket.description', 'requestSoftwareAccess.justification', 'searchKnowledgeBase.query'].sort(),
    );
  });

  test.each([
    ['only NULs', '\u0000'],
    ['only zero-width spaces', '\u200B'],
    ['only a byte-order mark and word joiners', '\uFEFF\u2060'],
    ['only Hangul fillers and spaces', '\u3164 '],
    ['only braille blanks', '\u2800'],
    ['only controls and whitespace', '\u0007\t\n \u001B'],
  ])('every free-text field refuses text made of %s, naming the field', (_what, unit) => {
    for (const { tool, field, max } of freeTextFields) {
      const value = unit.repeat(Math.ceil(Math.min(max, 40) / unit.length)).slice(0, max);
      const parsed = tool.input.safeParse(validFor(tool, field, value));
      expect({ field, success: parsed.success }).toEqual({ field, success: false });
      expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual([field]);
    }
  });

  test('every free-text field strips control, zero-width and bidi-override characters, keeps newlines and joiners, and counts what remains', () => {
    for (const { tool, field, min } of freeTextFields) {
      const words = 'Visible words here, twenty+ chars'.slice(0, Math.max(min, 3) + 20);
      const dirty = `\u0000${words.slice(0, 3)}\u200B\u202E\r\n${words.slice(3)}\u0007\u{1F469}\u200D\u{1F4BB}\uFEFF`;
      const parsed = tool.input.safeParse(validFor(tool, field, dirty));
      expect({ field, success: parsed.success }).toEqual({ field, success: true });
      expect((parsed.data as Record<string, string>)[field]).toBe(`${words.slice(0, 3)}\n${words.slice(3)}\u{1F469}\u200D\u{1F4BB}`);
    }
    // A text that only reaches the minimum length with its invisible characters is too short.
    expect(toolsByName.createHRTicket.input.safeParse({ employeeId: 'E10001', category: 'other', description: `short${'\u200B'.repeat(30)}` }).success).toBe(false);
  });
});
