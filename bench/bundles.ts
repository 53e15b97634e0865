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
 * source map and whether it embeds sources. Nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';
import { buildSync } from 'esbuild';
import { devAssembly, ROOT } from '../test/artifacts/support/assembly';

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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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

function main(): void {
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
}

main();
