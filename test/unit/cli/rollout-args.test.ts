import { parseCliArgs, run } from '../../../bin/rollout';

describe('rollout CLI arguments', () => {
  test('status with a release and region', () => {
    expect(parseCliArgs(['status', '--release', 'supervisor', '--region', 'eu-west-1', '--json'])).toEqual({
      command: 'status',
      release: 'supervisor',
      region: 'eu-west-1',
      reason: undefined,
      force: false,
      dryRun: false,
      json: true,
      configParameter: undefined,
    });
  });

  test('abort needs a reason', () => {
    expect(() => parseCliArgs(['abort', '--release', 'supervisor'])).toThrow(/--reason is required for abort: say why/);
    expect(parseCliArgs(['rollback', '--release', 'supervisor', '--reason', ' bad answers ']).reason).toBe('bad answers');
  });

  test('every problem is reported, naming the flag and what it expects', () => {
    expect(() => parseCliArgs(['deploy', 'now', '--release', 'no spaces', '--region', 'moon-1', '--force', '--dry-run'])).toThrow(
      new RegExp(
        [
          'unknown command "deploy": expected one of status, start, pause, resume, promote, abort, rollback',
          'unexpected argument "now"',
          '--release: expected 1–64 letters',
          '--region: expected an AWS region such as us-east-1, got "moon-1"',
          '--force only applies to start',
          '--dry-run only applies to start',
        ].join('[\\s\\S]*'),
      ),
    );
  });

  test('a missing command and release are named', () => {
    expect(() => parseCliArgs([])).toThrow(/missing command: expected one of status, start, pause, resume, promote, abort, rollback, ab-test\n--release is required/);
  });

  test('unknown flags are refused', () => {
    expect(() => parseCliArgs(['status', '--release', 'x', '--verbose'])).toThrow(/Unknown option '--verbose'/);
  });

  test('usage errors exit 2 and print the usage, without touching AWS', async () => {
    const err: string[] = [];
    const connect = jest.fn();
    const code = await run(['promote'], { out: () => {}, err: (l) => err.push(l) }, connect);
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/rollout: --release is required[\s\S]*Usage: npm run rollout -- <command> --release <name>/);
    expect(connect).not.toHaveBeenCalled();
  });
});
