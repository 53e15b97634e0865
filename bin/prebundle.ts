/**
 * The package's pre-built code (run by `npm run build` after tsc): every kit Lambda function and
 * reference agent bundled into dist/bundles/<name>/ with the same in-process esbuild the constructs
 * use from source — so the bundles, and their asset hashes, are the ones a synth in this repository
 * makes — plus the data files the library reads at synth (policies/, eval/datasets/).
 *
 *   npx tsx bin/prebundle.ts [outDir=dist]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allKitFunctions, KIT_AGENTS, prebundledAgentName, prebundledName, bundleLambda } from '../lib/bundling';
import { bundleAgent } from '../lib/runtime/agent-code';

const ROOT = path.resolve(__dirname, '..');
const out = path.resolve(ROOT, process.argv[2] ?? 'dist');
if (!fs.existsSync(path.join(out, 'lib', 'index.js'))) throw new Error(`${out}/lib/index.js is missing: run tsc -p tsconfig.build.json first`);

const bundles = path.join(out, 'bundles');
fs.rmSync(bundles, { recursive: true, force: true });
const started = Date.now();
let bytes = 0;
for (const fn of allKitFunctions()) {
  bytes += bundleLambda(path.join(ROOT, fn.entry), path.join(bundles, prebundledName(fn)), fn.bundling, ROOT).bytes;
}
for (const agent of KIT_AGENTS) {
  bytes += bundleAgent(path.join(ROOT, 'agents', 'entry', `${agent}.ts`), path.join(bundles, prebundledAgentName(agent))).bytes;
}
for (const dir of ['policies', path.join('eval', 'datasets')]) {
  fs.rmSync(path.join(out, dir), { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, dir), path.join(out, dir), { recursive: true, filter: (f) => !f.endsWith('README.md') });
}
console.log(`pre-bundled ${allKitFunctions().length} functions and ${KIT_AGENTS.length} agents (${(bytes / 1024 / 1024).toFixed(1)} MB) into ${path.relative(ROOT, bundles)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
