/**
 * The MCP Inspector's CLI mode (the devDependency @modelcontextprotocol/inspector-cli 0.22.0, the
 * code `npx @modelcontextprotocol/inspector@0.22.0 --cli` runs) against `npm run tools:serve`,
 * both started exactly as local/README.md shows them: `npm run tools:serve` and `npm run tools:inspect`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { gatewayToolName, toolCatalog } from '../../../catalog';
import { SEARCH_TOOL_NAME } from '../../../local';

const ROOT = path.join(__dirname, '..', '..', '..');
let server: ChildProcess | undefined;
let url: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = spawn('npm', ['run', '--silent', 'tools:serve', '--', '--port', '0', '--quiet'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tools:serve did not start within 60 s:\n${out}`)), 60_000);
    server!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server!.once('exit', (code) => reject(new Error(`tools:serve exited ${code}:\n${out}`)));
  });
  url = /^MCP endpoint\s+(\S+)$/m.exec(out)![1];
  for (const m of out.matchAll(/^ {2}(\w+) .*\n {4}(\S+)$/gm)) tokens[m[1]] = m[2];
}, 90_000);

afterAll(() => {
  // The process group npm started (npm → sh → tsx → node), by its id.
  if (server?.pid && server.exitCode === null && server.signalCode === null) process.kill(-server.pid, 'SIGTERM');
});

/** `npm run tools:inspect -- <args>` as local/README.md shows it. */
function inspect(...args: string[]) {
  const r = spawnSync('npm', ['run', '--silent', 'tools:inspect', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('MCP Inspector CLI against tools:serve', () => {
  test('tools/list shows the gateway tool names, plus the search tool', () => {
    const r = inspect(url, '--transport', 'http', '--method', 'tools/list', '--header', `Authorization: Bearer ${tokens.alex}`);
    expect(r.status).toBe(0);
    const listed = (JSON.parse(r.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(listed).toEqual([...toolCatalog.map(gatewayToolName), SEARCH_TOOL_NAME]);
  });

  test('tools/call runs the real handler as the token\'s dev user', () => {
    const r = inspect(url, '--transport', 'http', '--method', 'tools/call', '--tool-name', 'hr___checkVacationBalance', '--tool-arg', 'employeeId=E10003', '--header', `Authorization: Bearer ${tokens.hana}`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ structuredContent: { employeeId: 'E10003', remainingDays: expect.any(Number) } });
  });

  test('without a token the Inspector reports the 401', () => {
    const r = inspect(url, '--transport', 'http', '--method', 'tools/list');
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Unauthorized: missing bearer token|401/);
  });
});
