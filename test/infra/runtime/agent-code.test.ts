import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AgentMemory } from '../../../lib/memory';
import { AgentCode, AgentRuntime, bundleAgent } from '../../../lib/runtime';
import { loadEsbuild } from '../../../lib/runtime/agent-code';

const ROOT = path.join(__dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('agent bundles (esbuild, no Docker)', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bundle-'));

  test('the supervisor bundles into index.mjs plus the packages the runtime contract requires at run time', () => {
    const result = bundleAgent(path.join(ROOT, 'agents/entry/supervisor.ts'), outDir);
    expect(result.files).toEqual(['index.mjs', path.join('node_modules', '@fastify/sse', 'index.js'), path.join('node_modules', '@fastify/websocket', 'index.js')]);
    expect(result.bytes).toBeGreaterThan(100_000);
    for (const f of result.files) expect(fs.existsSync(path.join(outDir, f))).toBe(true);
  });

  test('the bundled supervisor starts on plain Node and answers the AgentCore /ping contract', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(outDir, 'index.mjs')], {
      cwd: os.tmpdir(),
      env: {
        PATH: process.env.PATH,
        AGENT_PORT: String(port),
        AWS_REGION: 'us-east-1',
        MEMORY_ID: 'agent_memory-abcdefghij',
        MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        JWT_JWKS_URL: 'http://127.0.0.1:9/jwks',
        JWT_ISSUER: 'https://idp.test',
        SPECIALIST_FINANCIAL_URL: 'http://127.0.0.1:9/financial',
        SPECIALIST_HR_URL: 'http://127.0.0.1:9/hr',
        SPECIALIST_IT_URL: 'http://127.0.0.1:9/it',
      },
      stdio: 'ignore',
    });
    try {
      let status: unknown;
      for (let i = 0; i < 100 && status === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await fetch(`http://127.0.0.1:${port}/ping`).then((r) => r.json(), () => undefined);
      }
      expect(status).toMatchObject({ status: 'Healthy' });
      const res = await fetch(`http://127.0.0.1:${port}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-amzn-bedrock-agentcore-runtime-session-id': 's-1' },
        body: JSON.stringify({ prompt: 'hello' }),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'missing Authorization header: expected "Authorization: Bearer <JWT>"' });
    } finally {
      child.kill();
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('AgentCode.fromEntry synthesizes a NODE_22 code asset from the bundle', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-')) });
    const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    new AgentRuntime(stack, 'It', {
      runtimeName: 'it_support',
      protocol: 'A2A',
      code: AgentCode.fromEntry(path.join(ROOT, 'agents/entry/it.ts')),
      model: { modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 1024 },
      auth: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedAudiences: ['agents'] },
      memory: new AgentMemory(stack, 'Memory'),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      AgentRuntimeArtifact: { CodeConfiguration: { Runtime: 'NODE_22', EntryPoint: ['index.mjs'], Code: { S3: { Bucket: Match.anyValue(), Prefix: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') } } } },
    });
    const assets = fs.readdirSync(app.outdir).filter((f) => f.startsWith('asset.'));
    expect(assets.some((a) => fs.existsSync(path.join(app.outdir, a, 'index.mjs')))).toBe(true);
  });

  test('agents bundled from one folder get one code asset each, not the first one’s bundle', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-')) });
    const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const memory = new AgentMemory(stack, 'Memory');
    for (const id of ['hr', 'it'] as const) {
      new AgentRuntime(stack, id, {
        runtimeName: `${id}_agent`,
        protocol: 'A2A',
        code: AgentCode.fromEntry(path.join(ROOT, `agents/entry/${id}.ts`)),
        model: { modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 1024 },
        auth: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedAudiences: ['agents'] },
        memory,
      });
    }
    const runtimes = Object.values(Template.fromStack(stack).findResources('AWS::BedrockAgentCore::Runtime')) as { Properties: { AgentRuntimeArtifact: { CodeConfiguration: { Code: { S3: { Prefix: string } } } } } }[];
    const keys = runtimes.map((r) => r.Properties.AgentRuntimeArtifact.CodeConfiguration.Code.S3.Prefix);
    expect(new Set(keys).size).toBe(2);
    const bundles = keys.map((k) => fs.readFileSync(path.join(app.outdir, `asset.${k.replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8'));
    expect(bundles[0]).not.toEqual(bundles[1]);
  });

  test('a missing entry point fails naming the path', () => {
    expect(() => bundleAgent(path.join(ROOT, 'agents/entry/nope.ts'), outDir)).toThrow(/\[AgentEntryNotFound\] entry: .*nope\.ts does not exist/);
  });

  test('a directory without the bundle fails naming the file', () => {
    const stack = new Stack(new App(), 'Test');
    expect(() =>
      new AgentRuntime(stack, 'X', {
        runtimeName: 'x',
        code: AgentCode.fromDirectory(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-'))),
        model: { modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 1024 },
        auth: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedAudiences: ['agents'] },
        memory: new AgentMemory(stack, 'Memory'),
      }),
    ).toThrow(/\[AgentCodeNotFound\] code: .*index\.mjs does not exist/);
  });
});

/** Run `fn` with the working directory somewhere else, so cwd-relative resolution would miss. */
function elsewhere<T>(fn: () => T): T {
  const cwd = process.cwd();
  process.chdir(os.tmpdir());
  try {
    return fn();
  } finally {
    process.chdir(cwd);
  }
}

const runtimeProps = (stack: Stack) => ({
  model: { modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 1024 },
  auth: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedAudiences: ['agents'] },
  memory: new AgentMemory(stack, 'Memory'),
});

describe('where agent code is found', () => {
  test('fromEntry resolves a relative entry against the calling file, not the working directory', () => {
    expect(() => elsewhere(() => AgentCode.fromEntry('../../../agents/entry/it.ts'))).not.toThrow();
    expect(() => elsewhere(() => AgentCode.fromEntry('agents/entry/it.ts'))).toThrow(
      `[AgentEntryNotFound] entry: "agents/entry/it.ts" resolves to ${path.join(__dirname, 'agents/entry/it.ts')}, which is not a file; a relative entry is resolved against the directory of the calling file (${__filename}), not the working directory — or pass an absolute path`,
    );
  });

  test('fromEntry takes an absolute entry as it is', () => {
    expect(() => elsewhere(() => AgentCode.fromEntry(path.join(ROOT, 'agents/entry/it.ts')))).not.toThrow();
  });

  test('without esbuild, bundling fails naming the install command and the prebuilt alternative', () => {
    const noModules = createRequire(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'no-esbuild-')), 'stack.js'));
    expect(() => loadEsbuild(noModules)).toThrow(
      '[EsbuildNotFound] AgentCode.fromEntry bundles the agent with esbuild at synth, and esbuild is not installed in this app: run `npm install --save-dev esbuild` (or give prebuilt code with AgentCode.fromBundle)',
    );
    expect(typeof loadEsbuild().buildSync).toBe('function');
  });

  test('fromBundle ships a prebuilt directory (relative to the calling file) as the NODE_22 code asset, bundling nothing', () => {
    const prebuilt = fs.mkdtempSync(path.join(os.tmpdir(), 'prebuilt-agent-'));
    fs.writeFileSync(path.join(prebuilt, 'index.mjs'), 'export const prebuilt = true;\n');
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-')) });
    const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const code = elsewhere(() => AgentCode.fromBundle(path.relative(__dirname, prebuilt)));
    new AgentRuntime(stack, 'Prebuilt', { runtimeName: 'prebuilt_agent', code, ...runtimeProps(stack) });
    const [runtime] = Object.values(Template.fromStack(stack).findResources('AWS::BedrockAgentCore::Runtime')) as { Properties: { AgentRuntimeArtifact: { CodeConfiguration: { Code: { S3: { Prefix: string } }; EntryPoint: string[] } } } }[];
    const { Code, EntryPoint } = runtime.Properties.AgentRuntimeArtifact.CodeConfiguration;
    expect(EntryPoint).toEqual(['index.mjs']);
    const staged = path.join(app.outdir, `asset.${Code.S3.Prefix.replace(/\.zip$/, '')}`);
    expect(fs.readFileSync(path.join(staged, 'index.mjs'), 'utf8')).toBe('export const prebuilt = true;\n');
  });

  test('fromBundle of a directory without the bundle fails naming the file and the caller', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-bundle-'));
    expect(() => AgentCode.fromBundle(empty)).toThrow(`[AgentCodeNotFound] code: ${path.join(empty, 'index.mjs')} does not exist; AgentCode.fromBundle(${JSON.stringify(empty)}) expects a directory holding the bundled agent (index.mjs), relative to ${__filename} — build it first, or use AgentCode.fromEntry`);
    fs.writeFileSync(path.join(empty, 'main.mjs'), '');
    expect(() => AgentCode.fromBundle(empty, { entrypoint: 'main.mjs' })).not.toThrow();
  });
});
