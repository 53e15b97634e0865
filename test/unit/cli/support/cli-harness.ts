import type { CliDeps } from '../../../../bin/rollout';
import type { Fixture } from '../../rollout/support/release-fixture';

/** CLI dependencies over a release fixture (its real dynalite store and fakes), and the lines the CLI printed. */
export function cliHarness(f: Fixture, extra: Omit<Partial<CliDeps>, 'release'> & Pick<CliDeps, 'executions'>, release: Partial<CliDeps['release']> = {}) {
  const lines: string[] = [];
  const deps: CliDeps = {
    release: { ...f.deps, ...release, config: { ...f.config, stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:rollout' } },
    who: 'cli:alice',
    region: 'us-east-1',
    ...extra,
  };
  return { deps, lines, io: { out: (l: string) => lines.push(...l.split('\n')) } };
}
