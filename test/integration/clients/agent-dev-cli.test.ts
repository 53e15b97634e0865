/**
 * `npm run agent:dev` on a fresh machine: no AWS variables, an empty HOME (no ~/.aws), instance
 * metadata disabled and the AWS endpoint on a closed loopback port, so nothing can leave the machine.
 * It must fall back to the scripted stand-in with a one-line notice and answer the request it prints;
 * `--model bedrock` must refuse with a clear message instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { noCredentialsEnv } from '../../support/no-credentials-env';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
let home: string;
let child: ChildProcess | undefined;

beforeAll(() => {
  home = mkdtempSync(path.join(tmpdir(), 'agent-dev-'));
});
afterAll(() => {
  // The whole process group npm started (npm → sh → tsx → node), by its id.
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

/** The environment of a newcomer without AWS credentials. */
function freshEnv(): Record<string, string> {
  return {
    ...noCredentialsEnv(home),
    npm_config_cache: path.join(home, '.npm'),
    npm_config_update_notifier: 'false',
  };
}

describe('npm run agent:dev without AWS credentials', () => {
  test('falls back to the scripted stand-in with a one-line notice, and answers the curl it prints', async () => {
    child = spawn('npm', ['run', '--silent', 'agent:dev', '--', '--port', '0'], { cwd: ROOT, env: freshEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent:dev did not start within 60 s\n${stdout}\n${stderr}`)), 60_000);
      child!.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Ctrl-C stops everything.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => reject(new Error(`agent:dev exited ${code}\n${stdout}\n${stderr}`)));
    });

    const notices = stderr.split('\n').filter((l) => l.startsWith('agent:dev:'));
    expect(notices).toEqual(['agent:dev: no AWS credentials found: using the keyword-scripted stand-in instead of Bedrock (set AWS_PROFILE and AWS_REGION for the real model; --model bedrock insists on it).']);
    expect(stdout).toMatch(/^model +keyword-scripted stand-in \(no LLM\)$/m);

    // The printed curl, sent as printed.
    const url = /curl -s (\S+\/invocations)/.exec(stdout)![1];
    const headers = Object.fromEntries([...stdout.matchAll(/-H '([^:]+): ([^']+)'/g)].map((m) => [m[1], m[2]]));
    const body = /-d '(.+)'/.exec(stdout)![1];
    const res = await fetch(url, { method: 'POST', headers, body });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { response: string; handoffs: { specialist: string }[]; model: string };
    expect(reply).toMatchObject({ handoffs: [{ specialist: 'hr' }], model: 'scripted-keywords' });
    expect(reply.response).toContain('remainingDays: 10');

    // Ctrl-C's SIGTERM sibling stops everything (npm itself dies of the signal).
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
    process.kill(-child.pid!, 'SIGTERM');
    expect([0, 'SIGTERM']).toContain((await exited).code ?? (await exited).signal);
  });

  test('--model bedrock exits 1 and says what to set', () => {
    const r = spawnSync('npm', ['run', '--silent', 'agent:dev', '--', '--model', 'bedrock', '--port', '0'], { cwd: ROOT, env: freshEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('agent:dev: --model bedrock: no AWS credentials found for the Bedrock model. Set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION');
    expect(r.stdout).not.toContain('supervisor');
  });

  test('a bad --model names the field and the choices', () => {
    const r = spawnSync('npm', ['run', '--silent', 'agent:dev', '--', '--model', 'gpt'], { cwd: ROOT, env: freshEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('agent:dev: --model: expected one of auto, bedrock, scripted, got "gpt"');
  });
});
