/**
 * The example MCP server (agents/examples/mcp-server) as it ships: an MCP AgentRuntime with
 * `AgentCode.fromEntry` is synthesized, its code asset is taken from the cloud assembly (what
 * `cdk deploy` uploads), started alone with plain node, and driven by the MCP SDK's Streamable HTTP
 * client on /mcp, the path AgentCore Runtime and the gateway target call.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentCode, AgentRuntime } from '../../../lib/runtime';

const ENTRY = path.join(__dirname, '..', '..', '..', 'agents/examples/mcp-server/index.ts');

describe('example MCP server, bundled', () => {
  let child: ChildProcess;
  let base: string;

  beforeAll(async () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-assembly-')) });
    const stack = new Stack(app, 'Mcp', { env: { account: '111111111111', region: 'us-east-1' } });
    new AgentRuntime(stack, 'Days', {
      runtimeName: 'working_days',
      protocol: 'MCP',
      code: AgentCode.fromEntry(ENTRY),
      auth: { discoveryUrl: 'https://auth.example.com/.well-known/openid-configuration', allowedClients: ['gateway-client'] },
    });
    const assembly = app.synth();
    const runtime = Object.values(Template.fromStack(stack).findResources('AWS::BedrockAgentCore::Runtime'))[0] as {
      Properties: { ProtocolConfiguration: string; AgentRuntimeArtifact: { CodeConfiguration: { Code: { S3: { Prefix: string } }; EntryPoint: string[] } } };
    };
    expect(runtime.Properties.ProtocolConfiguration).toBe('MCP');
    const code = runtime.Properties.AgentRuntimeArtifact.CodeConfiguration;
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Mcp.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
    };
    // The file asset the runtime's S3 key names: its staged directory is what deploy zips and uploads.
    const file = Object.values(manifest.files).find((f) => Object.values(f.destinations).some((d) => d.objectKey === code.Code.S3.Prefix));
    expect(file).toBeDefined();
    const staged = path.join(assembly.directory, file!.source.path);
    // Alone in a temp directory: no node_modules, only what the asset holds.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-server-'));
    fs.cpSync(staged, out, { recursive: true });
    expect(code.EntryPoint).toEqual(['index.mjs']);
    child = spawn(process.execPath, [path.join(out, 'index.mjs')], { cwd: out, env: { PATH: process.env.PATH, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(d.toString()));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const { listening, path: mcpPath } = JSON.parse(line) as { listening: number; path: string };
    expect(mcpPath).toBe('/mcp');
    base = `http://127.0.0.1:${listening}`;
  });

  afterAll(async () => {
    child.kill();
    await new Promise((r) => child.once('exit', r));
  });

  async function connect(): Promise<Client> {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
    return client;
  }

  test('an MCP client lists the tool with its schema and calls it', async () => {
    const client = await connect();
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['workingDays']);
      expect(tools[0].inputSchema).toMatchObject({ type: 'object', required: ['start', 'end'] });
      const result = await client.callTool({ name: 'workingDays', arguments: { start: '2026-12-01', end: '2026-12-07' } });
      expect(result.structuredContent).toEqual({ workingDays: 5 });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  test('bad arguments come back as a tool error naming the field', async () => {
    const client = await connect();
    try {
      const reversed = await client.callTool({ name: 'workingDays', arguments: { start: '2026-12-07', end: '2026-12-01' } });
      expect(reversed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'end: 2026-12-01 is before start 2026-12-07' }] });
      const notDate = await client.callTool({ name: 'workingDays', arguments: { start: '2026-02-30', end: '2026-03-01' } });
      expect(notDate).toMatchObject({ isError: true, content: [{ type: 'text', text: 'start: 2026-02-30 is not a calendar date' }] });
    } finally {
      await client.close();
    }
  });

  test('stateless: GET is refused and other paths are not found', async () => {
    expect((await fetch(`${base}/mcp`)).status).toBe(405);
    expect((await fetch(`${base}/invocations`, { method: 'POST' })).status).toBe(404);
  });
});
