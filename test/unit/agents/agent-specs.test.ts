import { agentSpecs, allowedGatewayTools, specialistSpecs, supervisorSpec } from '../../../catalog/agents';
import { toolCatalog, toolsByTarget } from '../../../catalog';

describe('agent catalog', () => {
  test('every specialist owns exactly the tools of its gateway target', () => {
    for (const spec of Object.values(specialistSpecs)) {
      const targets = Object.keys(spec.tools);
      expect(targets).toEqual([spec.id]);
      expect([...spec.tools[spec.id]].sort()).toEqual(toolsByTarget[spec.id as keyof typeof toolsByTarget].map((t) => t.name).sort());
    }
  });

  test('together the specialists cover the whole tool catalog; the supervisor has no tool', () => {
    const owned = Object.values(specialistSpecs).flatMap(allowedGatewayTools).sort();
    expect(owned).toEqual(toolCatalog.map((t) => `${t.target}___${t.name}`).sort());
    expect(allowedGatewayTools(supervisorSpec)).toEqual([]);
  });

  test('runtime names fit AgentCore (letters, digits, _; room for an environment suffix)', () => {
    for (const spec of Object.values(agentSpecs)) expect(spec.runtimeName).toMatch(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/);
  });

  test('specialists speak A2A, the supervisor HTTP; every agent has a scope, a tone, a greeting and a refusal', () => {
    expect(supervisorSpec.protocol).toBe('HTTP');
    for (const spec of Object.values(specialistSpecs)) expect(spec.protocol).toBe('A2A');
    for (const spec of Object.values(agentSpecs)) {
      expect(spec.does.length).toBeGreaterThan(0);
      expect(spec.mustNot).toContain('give investment, legal, medical or tax advice');
      for (const text of [spec.tone, spec.greeting, spec.outOfScopeAnswer, spec.description]) expect(text.length).toBeGreaterThan(20);
    }
  });
});
