import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
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
    ).toEqual(['npm ci', `npm run eval -- --agent hr --endpoint "$RUNTIME_ARN_HR" --protocol a2a --qualifier blue --baseline live --env perf --out eval/results/hr --threshold latencyP95Ms=8000 --tag 'it'\\''s'`]);
  });

  test('the gate compares the canary with live by default; another baseline, or none, can be chosen', () => {
    const target = [{ agent: 'hr', runtimeArnVariable: 'RUNTIME_ARN_HR' }];
    expect(evaluationGateCommands({ targets: target, environment: 'staging' })[1]).toContain('--qualifier canary --baseline live --env staging');
    expect(evaluationGateCommands({ targets: target, environment: 'staging', baseline: 'blue' })[1]).toContain('--qualifier canary --baseline blue --env staging');
    expect(evaluationGateCommands({ targets: target, environment: 'staging', baseline: false })[1]).toContain('--qualifier canary --env staging');
  });

  test('with persona tokens the gate assumes the evaluation role once, then runs every agent with --auth cognito', () => {
    const commands = evaluationGateCommands({ targets: [{ agent: 'hr', runtimeArnVariable: 'RUNTIME_ARN_HR' }, { agent: 'it', runtimeArnVariable: 'RUNTIME_ARN_IT' }], environment: 'staging', personaTokens: true });
    expect(commands).toHaveLength(4);
    expect(commands[1]).toMatch(/^CREDENTIALS=\$\(aws sts assume-role --role-arn "\$EVAL_ROLE_ARN" --role-session-name evaluation-gate /);
    expect(commands.slice(2)).toEqual([
      'npm run eval -- --agent hr --endpoint "$RUNTIME_ARN_HR" --protocol a2a --auth cognito --qualifier canary --baseline live --env staging --out eval/results/hr',
      'npm run eval -- --agent it --endpoint "$RUNTIME_ARN_IT" --protocol a2a --auth cognito --qualifier canary --baseline live --env staging --out eval/results/it',
    ]);
  });

  test('the assume-role command exports the role credentials in a POSIX shell (CodeBuild runs sh)', () => {
    // A stand-in `aws` on PATH prints what `--query Credentials.[...] --output text` prints.
    const bin = mkdtempSync(path.join(tmpdir(), 'aws-cli-'));
    writeFileSync(path.join(bin, 'aws'), '#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\nprintf "ASIAEXAMPLE\\tsecret/key+1\\ttoken==\\n"\n', { mode: 0o755 });
    const assume = evaluationGateCommands({ targets: [], environment: 'staging', personaTokens: true })[1];
    const out = execFileSync('sh', ['-c', `${assume}\necho "$AWS_ACCESS_KEY_ID|$AWS_SECRET_ACCESS_KEY|$AWS_SESSION_TOKEN"`], {
      env: { PATH: `${bin}:${process.env.PATH}`, EVAL_ROLE_ARN: 'arn:aws:iam::222233334444:role/agentcore-kit-staging-evaluation-gate' },
    }).toString();
    expect(out).toBe('ASIAEXAMPLE|secret/key+1|token==\n');
    expect(readFileSync(path.join(bin, 'args'), 'utf8')).toContain('sts assume-role --role-arn arn:aws:iam::222233334444:role/agentcore-kit-staging-evaluation-gate');
    // A failed assume-role makes the command line fail, which fails the step before any evaluation runs.
    writeFileSync(path.join(bin, 'aws'), '#!/bin/sh\nexit 254\n', { mode: 0o755 });
    expect(() => execFileSync('sh', ['-c', assume], { env: { PATH: `${bin}:${process.env.PATH}`, EVAL_ROLE_ARN: 'x' }, stdio: 'pipe' })).toThrow(/Command failed/);
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
