/**
 * The CLI run as a user would, in an environment with no AWS credentials: it must say so clearly and
 * exit quickly. Instance metadata is disabled and the endpoint points at a closed loopback port, so
 * nothing can reach the network even if the check were missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { noCredentialsEnv } from '../../support/no-credentials-env';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
let home: string;
beforeAll(() => {
  home = mkdtempSync(path.join(tmpdir(), 'rollout-cli-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const env: Record<string, string> = { ...noCredentialsEnv(home), ...extraEnv };
  const started = Date.now();
  const r = spawnSync(TSX, [path.join(ROOT, 'bin', 'rollout.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, ms: Date.now() - started };
}

describe('rollout CLI without credentials', () => {
  test('status says no credentials were found and exits 1', () => {
    const r = cli(['status', '--release', 'supervisor'], { AWS_REGION: 'us-east-1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('rollout: No AWS credentials found. Sign in first (aws sso login, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)');
    expect(r.stdout).toBe('');
  });

  test('abort without credentials changes nothing and says why', () => {
    const r = cli(['abort', '--release', 'supervisor', '--reason', 'bad answers'], { AWS_REGION: 'us-east-1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('No AWS credentials found');
  });

  test('ab-test start without credentials exits 1 before any call', () => {
    const r = cli(
      ['ab-test', 'start', '--release', 'supervisor', '--role-arn', 'arn:aws:iam::111111111111:role/ab-test', '--live-eval-config', 'live-eval', '--canary-eval-config', 'canary-eval'],
      { AWS_REGION: 'us-east-1' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('rollout: No AWS credentials found');
    expect(r.stdout).toBe('');
  });

  test('no region is named as the problem', () => {
    const r = cli(['status', '--release', 'supervisor'], { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('rollout: No AWS region: pass --region <region> or set AWS_REGION.');
  });
});
