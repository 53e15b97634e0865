/**
 * The shared dev assembly fixture (support/assembly.ts): what the artifact tests and the state
 * machine tests read from it is complete and resolved.
 */
import { devAssembly } from './support/assembly';

const asm = devAssembly();

describe('dev assembly fixture', () => {
  test('the six stacks of the dev app, from one synth', () => {
    expect(Object.keys(asm.templates).sort()).toEqual(
      ['Agents1', 'Foundation', 'Gateway', 'Observability1', 'Release', 'Tools1'].map((s) => `AgentCoreKit-dev-${s}`).sort(),
    );
  });

  test('state machine definitions come back as CloudFormation would create them: no intrinsics, Task resources are the fake ARNs of the functions they call', () => {
    const machines = asm.stateMachines();
    expect(machines.length).toBeGreaterThan(0);
    const arns = new Set(asm.lambdaFunctions().map((f) => f.arn));
    for (const sm of machines) {
      expect(sm.definitionString).not.toMatch(/Fn::|"Ref"|\$\{[A-Za-z]/);
      const resources = Object.values(sm.definition.States as Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string } }>)
        .filter((s) => s.Type === 'Task')
        .map((s) => s.Parameters?.FunctionName ?? s.Resource!);
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect(arns.has(r)).toBe(true);
    }
  });

  test('an unknown asset key fails naming it', () => {
    expect(() => asm.assetPath('0000.zip')).toThrow('devAssembly: no asset with key or hash 0000.zip');
  });
});
