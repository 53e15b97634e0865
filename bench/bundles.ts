/**
 * Lambda bundles as they ship, against a minimal handler doing the same job with the same dependencies.
 *
 *   npm run bench:bundles                                  # synthesizes the dev app (or reuses it)
 *   npm run bench:bundles -- --assembly cdk.out.dev --inits 21
 *
 * For every kit Lambda function of the dev cloud assembly (the staged asset, exactly what deploys), the
 * reference handler of its kind (bench/reference-handlers/*.ts) is bundled with the same settings as that
 * function ships with: minified, CJS, ESM entry points preferred, the AWS SDK external or bundled as the
 * kit's bundle has it. Printed per function: raw and gzipped size of each, the size ratio, and the cold
 * module init (a fresh `node` process loading the bundle; the external SDK comes from node_modules, as the
 * runtime's copy does in Lambda), kit and reference alternated in one sequence so machine drift cancels,
 * p50 of each and the ratio of the p50s. Targets: size ≤ 1.15×, init ≤ 1.1×. Also printed: any shipped
 * source map and whether it embeds sources.
 *
 * Agents: per runtime of the assembly, the code asset's size, and the cold start — from `node <entry>` of
 * the asset copied alone to a first healthy `/ping` — against the floor of a bare `node:http` server
 * answering `/ping`, alternated the same way. Nothing is asserted.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';
import { buildSync } from 'esbuild';
import { startToolServer } from '../local';
import { devAssembly, ROOT, type RuntimeArtifact } from '../test/artifacts/support/assembly';
import { removeTempDirs, standInAgentEnvironment, unpackAlone } from '../test/artifacts/support/bundle-process';
import { percentile } from '../eval/runner/scoring';

const { values } = parseArgs({ options: { assembly: { type: 'string' }, inits: { type: 'string', default: '15' } } });
const INITS = Number(values.inits);
if (!Number.isInteger(INITS) || INITS < 3) throw new Error(`--inits: expected a whole number ≥ 3, got ${values.inits}`);
if (values.assembly) process.env.AGENTCORE_KIT_ASSEMBLY = path.resolve(values.assembly);

/** Which reference does the same job as a kit function, by its construct path. */
const KINDS: Array<[RegExp, string]> = [
  [/\/Release-[^/]+\/(Rollout|Rollback)\//, 'release'],
  [/Interceptor/, 'interceptor'],
  [/Evaluator|Evaluators/, 'evaluator'],
  [/TokenClaims/, 'token-trigger'],
  [/Seed/, 'seed'],
  [/Tools[^/]*\/.*\/Function\//, 'tool'],
];

const kb = (n: number) => (n / 1024).toFixed(0);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const median = (xs: readonly number[]) => percentile(xs, 50);

function initMs(file: string): number {
  const script = `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  const r = spawnSync(process.execPath, ['--no-warnings', '-e', script], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_PATH: path.join(ROOT, 'node_modules'), AWS_REGION: 'us-east-1', TABLE: 't', TOPIC: 't', USERS: 'u' },
  });
  if (r.status !== 0) throw new Error(`loading ${file} failed: ${r.stderr}`);
  return Number(r.stdout);
}

function bundleReference(kind: string, sdkExternal: boolean, outDir: string): string {
  const outfile = path.join(outDir, `${kind}-${sdkExternal ? 'ext' : 'sdk'}.js`);
  if (!fs.existsSync(outfile)) {
    buildSync({
      entryPoints: [path.join(__dirname, 'reference-handlers', `${kind}.ts`)],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      mainFields: ['module', 'main'],
      external: sdkExternal ? ['@aws-sdk/*'] : [],
      logLevel: 'error',
    });
  }
  return outfile;
}

function dirBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? dirBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
}

/** Milliseconds from spawning `node <file>` to a healthy `/ping` on `port`. */
async function coldStartMs(file: string, env: Record<string, string>, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [file], { cwd: path.dirname(file), env: { PATH: process.env.PATH ?? '', ...env, AGENT_PORT: String(port) }, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${file} exited ${child.exitCode} before /ping answered`);
      const ok = await fetch(`http://127.0.0.1:${port}/ping`).then((r) => r.ok, () => false);
      if (ok) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error(`${file}: /ping did not answer within 30 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill();
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
  }
}

async function agents(runtimes: readonly RuntimeArtifact[], runs: number): Promise<void> {
  const tools = await startToolServer();
  const floor = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-floor-')), 'ping.js');
  fs.writeFileSync(floor, "require('node:http').createServer((q, s) => s.end('{\"status\":\"Healthy\"}')).listen(Number(process.env.AGENT_PORT), '0.0.0.0');");
  const rows: string[] = [];
  try {
    for (const r of runtimes) {
      const dir = unpackAlone(r.asset, r.name);
      const env = standInAgentEnvironment(r, tools);
      const kit: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < runs; i++) {
        kit.push(await coldStartMs(path.join(dir, r.entryPoint[0]), env, 21_000 + i));
        bare.push(await coldStartMs(floor, {}, 22_000 + i));
      }
      const bytes = dirBytes(dir);
      rows.push(`| ${r.name} | ${r.protocol} | ${kb(bytes)} | ${median(kit).toFixed(0)} | ${median(bare).toFixed(0)} | ${ratio(median(kit), median(bare))} |`);
    }
  } finally {
    await tools.close();
    removeTempDirs();
  }
  console.log(`\nAgents: code asset and cold start to a healthy /ping, ${runs} interleaved runs each\n`);
  console.log('| runtime | protocol | asset KB | cold start p50 ms | bare node:http p50 ms | ratio |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

async function main(): Promise<void> {
  const asm = devAssembly();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'));
  const rows: string[] = [];
  const maps: string[] = [];
  const seen = new Set<string>();
  for (const fn of asm.lambdaFunctions()) {
    const kind = KINDS.find(([re]) => re.test(fn.constructPath))?.[1];
    if (!kind || seen.has(fn.asset.path)) continue;
    seen.add(fn.asset.path);
    const file = path.join(fn.asset.path, `${fn.handler.split('.')[0]}.js`);
    if (!fs.existsSync(file)) continue;
    const code = fs.readFileSync(file);
    const sdkExternal = /require\("@aws-sdk\/(client-|lib-)/.test(code.toString("utf8"));
    const ref = bundleReference(kind, sdkExternal, out);
    const refCode = fs.readFileSync(ref);
    for (const m of fs.readdirSync(fn.asset.path).filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(fs.readFileSync(path.join(fn.asset.path, m), 'utf8')) as { sourcesContent?: unknown[] };
      maps.push(`${fn.constructPath}: ${m} ${kb(fs.statSync(path.join(fn.asset.path, m)).size)} KB, ${map.sourcesContent?.length ? 'EMBEDS SOURCES' : 'no embedded sources'}`);
    }
    // Alternate kit and reference in one sequence: drift of a shared machine hits both alike.
    const kit: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < INITS; i++) {
      kit.push(initMs(file));
      reference.push(initMs(ref));
    }
    const name = fn.constructPath.split('/').slice(1, -1).join('/');
    rows.push(
      `| ${name} | ${kind}${sdkExternal ? '' : kind === 'release' ? ' (SDK bundled)' : ''} | ${kb(code.length)} / ${kb(zlib.gzipSync(code).length)} | ${kb(refCode.length)} / ${kb(zlib.gzipSync(refCode).length)} | ${ratio(code.length, refCode.length)} | ${median(kit).toFixed(1)} | ${median(reference).toFixed(1)} | ${ratio(median(kit), median(reference))} |`,
    );
  }
  console.log(`Lambda bundles of ${asm.dir}, ${INITS} interleaved cold inits each (node ${process.version}, ${os.cpus().length} CPUs)\n`);
  console.log('| function | reference | kit KB / gzip | reference KB / gzip | size ratio (≤ 1.15×) | kit init p50 ms | reference init p50 ms | init ratio (≤ 1.1×) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nShipped source maps: ${maps.length ? `\n  ${maps.join('\n  ')}` : 'none'}`);
  fs.rmSync(out, { recursive: true, force: true });
  await agents(asm.runtimes(), Math.max(3, Math.round(INITS / 3)));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
