import { execFileSync } from 'node:child_process';
import { evaluationGateCommands, rolloutArnVariable, rolloutCommands, runtimeArnVariable, synthCommands } from '../../../lib/pipeline';

describe('pipeline step commands (for teams with their own CI/CD)', () => {
  test('synth runs install, type-check, tests and the given synth command', () => {
    expect(synthCommands('npx cdk synth -c env=prod')).toEqual(['npm ci', 'npx tsc --noEmit', 'npm test', 'npx cdk synth -c env=prod']);
  });

  test('runtime ARN variables are upper-case shell names', () => {
    expect(runtimeArnVariable('it-support')).toBe('RUNTIME_ARN_IT_SUPPORT');
  });

  test('the gate passes qualifier, environment and quoted extra flags to every agent', () => {
    expect(
      evaluationGateCommands({
        targets: [{ agent: 'hr', runtimeArnVariable: 'RUNTIME_ARN_HR' }],
        environment: 'perf',
        qualifier: 'blue',
        extraArgs: ['--threshold', 'latencyP95Ms=8000', '--tag', "it's"],
      }),
    ).toEqual(['npm ci', `npm run eval -- --agent hr --endpoint "$RUNTIME_ARN_HR" --qualifier blue --env perf --out eval/results/hr --threshold latencyP95Ms=8000 --tag 'it'\\''s'`]);
  });

  test('the rollout polls at the given interval and fails unless the execution SUCCEEDED', () => {
    const commands = rolloutCommands({ stateMachineArnVariables: ['SM'], input: '{"release":"v2"}', pollSeconds: 5 });
    expect(commands[0]).toContain('--state-machine-arn "$SM"');
    expect(commands[0]).toContain(`--input '{"release":"v2"}'`);
    expect(commands[2]).toContain('sleep 5;');
    expect(commands[3]).toMatch(/^\[ "\$STATUS" = SUCCEEDED \] \|\| \{ .*exit 1; \}$/);
  });

  test('several releases roll out one after the other, in the given order', () => {
    const commands = rolloutCommands({ stateMachineArnVariables: [rolloutArnVariable('supervisor'), rolloutArnVariable('hr-policy')] });
    expect(commands).toHaveLength(8);
    expect(commands[0]).toContain('"$ROLLOUT_ARN_SUPERVISOR"');
    expect(commands[4]).toContain('"$ROLLOUT_ARN_HR_POLICY"');
  });

  test('the rollout commands stop a shell with a non-zero status when the execution failed', () => {
    const script = ['STATUS=FAILED; EXECUTION_ARN=x', rolloutCommands()[3]].join('\n');
    expect(() => execFileSync('bash', ['-c', script], { stdio: 'pipe' })).toThrow(/Command failed/);
    expect(execFileSync('bash', ['-c', ['STATUS=SUCCEEDED', rolloutCommands()[3], 'echo ok'].join('\n')]).toString()).toBe('ok\n');
  });
});
