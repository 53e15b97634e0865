/**
 * Running a code asset of the assembly the way its service would: copied alone into a fresh
 * directory under os.tmpdir() (no node_modules beside it but what the asset holds, none in any
 * parent directory, so Node's module resolution cannot reach the repository's), started with a bare
 * `node` and only the environment given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningToolServer } from '../../../local';
import type { RuntimeArtifact, StagedAsset } from './assembly';

/** Loopback port that refuses connections: endpoints of AWS services that cannot run here point at it. */
export const REFUSING_ENDPOINT = 'http://127.0.0.1:9';

/** Fake static credentials, so the SDK signs requests and never looks for real ones. */
export const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAARTIFACTTEST0000', AWS_SECRET_ACCESS_KEY: 'artifact-test-secret', AWS_SESSION_TOKEN: 'artifact-test-session' };

/**
 * The environment an agent runtime's asset runs with here: its template's (less `omit`), pointed at the
 * local stand-ins — the identity provider and the MCP gateway of `tools` — with `overrides` on top, the
 * keyword-scripted model instead of Bedrock, every other AWS endpoint refusing, and dummy credentials.
 */
export function standInAgentEnvironment(runtime: RuntimeArtifact, tools: RunningToolServer, overrides: Record<string, string> = {}, omit: readonly string[] = []): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(runtime.environment).filter(([k]) => !omit.includes(k))),
    JWT_DISCOVERY_URL: tools.jwksUrl.replace('/.well-known/jwks.json', '/.well-known/openid-configuration'),
    JWT_AUDIENCES: tools.audience,
    ...('GATEWAY_URL' in runtime.environment ? { GATEWAY_URL: tools.url } : {}),
    ...overrides,
    AGENTCORE_KIT_SCRIPTED_MODEL: 'keywords',
    AWS_ENDPOINT_URL: REFUSING_ENDPOINT,
    ...DUMMY_CREDENTIALS,
  };
}

const made: string[] = [];

/** Remove every directory made here (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A new directory under os.tmpdir(), removed by removeTempDirs. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `artifact-${label.replace(/[^a-zA-Z0-9_-]/g, '_')}-`));
  made.push(dir);
  return dir;
}

/** The asset copied alone into a new directory under os.tmpdir(); throws if module resolution could climb out of it. */
export function unpackAlone(asset: StagedAsset, label: string): string {
  const dir = tempDir(label);
  if (asset.packaging === 'zip') fs.cpSync(asset.path, dir, { recursive: true });
  else fs.copyFileSync(asset.path, path.join(dir, path.basename(asset.path)));
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) throw new Error(`${d}/node_modules exists: a bundle run from ${dir} could load packages that are not in its asset`);
    if (d === path.dirname(d)) break;
  }
  return dir;
}

export interface RunningBundle {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `node <entry>` in `dir` with exactly `env` (plus PATH). */
export function startBundle(dir: string, entry: string, env: Record<string, string>): RunningBundle {
  const child = spawn(process.execPath, [path.join(dir, entry)], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/** Whether a TCP port can be bound on all interfaces (as the agents bind). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** Poll `GET url` until it answers JSON (or the process exits / time runs out). */
export async function waitForJson(url: string, bundle: RunningBundle, timeoutMs = 20_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (bundle.child.exitCode !== null) throw new Error(`the bundle exited (${bundle.child.exitCode}) before ${url} answered:\n${bundle.output()}`);
    const body = await fetch(url).then(
      (r) => (r.ok ? r.json() : undefined),
      () => undefined,
    );
    if (body !== undefined) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${bundle.output()}`);
}
