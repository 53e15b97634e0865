#!/usr/bin/env node
/**
 * The kit as a team installs it: `npm pack` the kit, install the tarball into a fresh CDK app in a
 * temp directory outside the repository (with aws-cdk-lib, constructs and @types/node as `cdk init`
 * would; no esbuild, no tsx, no Docker), compile the README's construct example with `tsc --strict`,
 * synthesize it with plain `node`, and check what was synthesized:
 *   - zero unacknowledged compliance findings (the kit's own checks, applied by the app);
 *   - a runtime, a gateway and its three tool targets;
 *   - every Lambda function's and the runtime's code asset is byte-for-byte a bundle shipped in the
 *     package (dist/bundles), so nothing was bundled in the consumer's app;
 *   - the tarball holds no tests, benchmarks or TypeScript sources.
 *
 * Run by .ci/run (needs the npm registry or a warm npm cache: `--prefer-offline`).
 *   node test/consumer/run.js            # packs the kit (npm run build via prepack)
 *   KIT_TARBALL=/path/agentcore-kit-0.1.0.tgz node test/consumer/run.js
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');

const ROOT = path.resolve(__dirname, '..', '..');
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const version = (name) => lock.packages[`node_modules/${name}`].version;
const timings = {};
const timed = (label, fn) => {
  const started = Date.now();
  const result = fn();
  timings[label] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  return result;
};
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'agentcore-kit-consumer-'));
let tarball = process.env.KIT_TARBALL;
if (!tarball) {
  const out = timed('npm pack (build + prebundle)', () => run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT }));
  tarball = path.join(work, JSON.parse(out.slice(out.indexOf('[')))[0].filename);
}

// What ships: compiled code, declarations, bundles and data; no tests, benchmarks or sources.
const files = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean);
const unwanted = files.filter((f) => /^package\/(test|bench|lib|lambda|agents|catalog|bin)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /\.test\./.test(f));
assert.deepEqual(unwanted, [], 'the tarball holds tests, benchmarks or sources');

// A fresh app: the tarball and the peers a CDK app has anyway.
const app = path.join(work, 'app');
fs.mkdirSync(path.join(app, 'lib'), { recursive: true });
fs.mkdirSync(path.join(app, 'bin'));
fs.writeFileSync(
  path.join(app, 'package.json'),
  JSON.stringify({ name: 'consumer-app', private: true, dependencies: { 'agentcore-kit': `file:${tarball}`, 'aws-cdk-lib': version('aws-cdk-lib'), constructs: version('constructs') }, devDependencies: { '@types/node': version('@types/node') } }, null, 2),
);
timed('npm install', () => run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: app }));
for (const absent of ['esbuild', 'tsx', 'typescript', '@swc/core']) {
  assert.equal(fs.existsSync(path.join(app, 'node_modules', absent)), false, `${absent} was installed into the consumer app`);
}

// The README example, verbatim but for the import, compiled strictly against the package's declarations.
const example = fs.readFileSync(path.join(ROOT, 'test', 'public-api', 'readme-example.ts'), 'utf8').replace("from '../../lib'", "from 'agentcore-kit'");
assert.match(example, /from 'agentcore-kit'/);
fs.writeFileSync(path.join(app, 'lib', 'hr-stack.ts'), example);
fs.writeFileSync(
  path.join(app, 'bin', 'app.ts'),
  [
    "import { App } from 'aws-cdk-lib';",
    "import { applyCompliance, readValidationFindings } from 'agentcore-kit';",
    "import { HrAssistantStack } from '../lib/hr-stack';",
    '',
    "const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });",
    'applyCompliance(app);',
    "new HrAssistantStack(app, 'Hr');",
    'const findings = readValidationFindings(app.synth());',
    "for (const f of findings) console.error(`${f.plugin} ${f.rule} ${f.constructPaths.join(', ')}`);",
    'process.exitCode = findings.length ? 1 : 0;',
    '',
  ].join('\n'),
);
fs.writeFileSync(
  path.join(app, 'tsconfig.json'),
  // The compiler options of \`cdk init app --language typescript\` (no skipLibCheck: the package's declarations are checked too).
  JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['es2022'], declaration: true, strict: true, noImplicitAny: true, strictNullChecks: true, noImplicitThis: true, alwaysStrict: true, noImplicitReturns: true, noFallthroughCasesInSwitch: true, strictPropertyInitialization: false, outDir: 'dist', typeRoots: ['./node_modules/@types'] }, include: ['bin', 'lib'] }, null, 2),
);
timed('tsc --strict', () => run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--strict'], { cwd: app, stdio: 'inherit' }));

const outdir = path.join(app, 'cdk.out');
timed('synth (plain node)', () => run(process.execPath, [path.join('dist', 'bin', 'app.js')], { cwd: app, env: { ...process.env, CDK_OUTDIR: outdir, NODE_PATH: '' }, stdio: 'inherit' }));

const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Hr.template.json'), 'utf8'));
const resources = Object.values(template.Resources);
const ofType = (type) => resources.filter((r) => r.Type === type);
assert.equal(ofType('AWS::BedrockAgentCore::Runtime').length, 1, 'one agent runtime');
assert.equal(ofType('AWS::BedrockAgentCore::Gateway').length, 1, 'one gateway');
assert.equal(ofType('AWS::BedrockAgentCore::GatewayTarget').length, 3, 'three tool targets');

// Every code asset is a bundle the package ships, unchanged.
const bundles = path.join(app, 'node_modules', 'agentcore-kit', 'dist', 'bundles');
const shipped = new Map(
  fs.readdirSync(bundles).flatMap((d) => ['index.js', 'index.mjs'].filter((f) => fs.existsSync(path.join(bundles, d, f))).map((f) => [fs.readFileSync(path.join(bundles, d, f), 'utf8'), d])),
);
const fromPackage = (key, file) => {
  const staged = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`, file);
  assert.ok(fs.existsSync(staged), `${staged} is staged`);
  return shipped.get(fs.readFileSync(staged, 'utf8'));
};
const functions = ofType('AWS::Lambda::Function').filter((f) => f.Properties.Code.S3Key);
assert.equal(functions.length, 5, 'three tool functions, the gateway interceptor and the memory credential vendor');
const used = functions.map((f) => fromPackage(f.Properties.Code.S3Key, 'index.js'));
assert.deepEqual(used.filter((d) => !d), [], 'a Lambda function whose code is not a bundle of the package');
for (const target of ['financial', 'hr', 'it']) assert.ok(used.some((d) => d.startsWith(`lambda-tools-${target}-`)), `the ${target} tool function runs the package's bundle`);
assert.ok(used.some((d) => d.startsWith('lambda-memory-credentials')), "the memory credential vendor runs the package's bundle");
const [runtime] = ofType('AWS::BedrockAgentCore::Runtime');
assert.equal(fromPackage(runtime.Properties.AgentRuntimeArtifact.CodeConfiguration.Code.S3.Prefix, 'index.mjs'), 'agent-hr', "the runtime runs the package's HR agent");

console.log(`consumer app OK: ${functions.length} functions and 1 agent from the package's bundles, no findings (${path.basename(tarball)}, ${files.length} files)`);
console.log(Object.entries(timings).map(([k, v]) => `  ${k}: ${v}`).join('\n'));
fs.rmSync(work, { recursive: true, force: true });
