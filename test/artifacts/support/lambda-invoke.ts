/**
 * Invoking a Lambda code asset of the assembly the way the Node.js Lambda runtime does: the asset
 * alone in a temp dir (see unpackAlone), the module and export named by the template's `Handler`
 * (`index.handler` → `index.js` / `index.mjs` / `index.cjs`, export `handler`) loaded by a bare
 * `node` child process, called once with the event and a Lambda context.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type LambdaArtifact } from './assembly';
import { DUMMY_CREDENTIALS, REFUSING_ENDPOINT, tempDir, unpackAlone } from './bundle-process';

const run = promisify(execFile);
const MARKER = '@@ARTIFACT_INVOKE_RESULT@@';

/**
 * The packages the Node.js Lambda runtime provides (AWS SDK for JavaScript v3, from
 * /var/runtime/node_modules on its NODE_PATH), which the kit's bundles leave out (`@aws-sdk/*`, the
 * NodejsFunction default): every installed `@aws-sdk/*` package and its dependency closure, linked
 * into one directory for NODE_PATH — and nothing else, so a bundle that needs any other package
 * fails to load here as it would on Lambda.
 */
let runtimeModules: string | undefined;
export function lambdaRuntimeModules(): string {
  if (runtimeModules) return runtimeModules;
  const repoModules = path.join(ROOT, 'node_modules');
  const closure = new Set<string>();
  const visit = (name: string, from: string) => {
    // Resolved as Node would from the requiring package: its own node_modules first, then the top level.
    const nested = path.join(from, 'node_modules', name);
    if (fs.existsSync(nested)) return; // travels with its parent's directory
    const dir = path.join(repoModules, name);
    if (!fs.existsSync(dir) || closure.has(name)) return;
    closure.add(name);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir);
  };
  for (const name of fs.readdirSync(path.join(repoModules, '@aws-sdk'))) visit(`@aws-sdk/${name}`, repoModules);
  const dir = tempDir('lambda-runtime');
  const modules = path.join(dir, 'node_modules');
  for (const name of closure) {
    fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    fs.symlinkSync(path.join(repoModules, name), path.join(modules, name), 'dir');
  }
  runtimeModules = modules;
  return modules;
}

/** What the Lambda runtime (not the template) puts in the environment. */
function runtimeEnvironment(fn: LambdaArtifact, dir: string): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: dir,
    _HANDLER: fn.handler,
    NODE_PATH: lambdaRuntimeModules(),
    ...DUMMY_CREDENTIALS,
  };
}

export interface InvokeOptions {
  /** More environment (e.g. `AWS_ENDPOINT_URL_DYNAMODB`); every other AWS endpoint refuses on loopback. */
  readonly env?: Record<string, string>;
  /** `context.clientContext` (the gateway puts the tool name in `custom.bedrockAgentCoreToolName`). */
  readonly clientContext?: unknown;
}

export interface Invocation {
  /** The handler's resolved value, when it returned. */
  readonly result?: unknown;
  /** The thrown error, when it threw. */
  readonly error?: { readonly name: string; readonly message: string };
  /** stdout + stderr of the process (logs). */
  readonly logs: string;
}

/** Unpack the function's asset alone and invoke its handler once. Module loading failures reject. */
export async function invokeLambdaAsset(fn: LambdaArtifact, event: unknown, options: InvokeOptions = {}): Promise<Invocation> {
  const dir = unpackAlone(fn.asset, fn.logicalId);
  const dot = fn.handler.lastIndexOf('.');
  const [file, exportName] = [fn.handler.slice(0, dot), fn.handler.slice(dot + 1)];
  const script = `
    const fs = require('node:fs'); const path = require('node:path'); const { pathToFileURL } = require('node:url');
    const out = (v) => process.stdout.write('\\n${MARKER}' + JSON.stringify(v) + '\\n');
    (async () => {
      const base = path.join(process.env.LAMBDA_TASK_ROOT, ${JSON.stringify(file)});
      const found = ['.js', '.mjs', '.cjs'].map((e) => base + e).find((f) => fs.existsSync(f));
      if (!found) throw Object.assign(new Error('Cannot find module ' + base + ' (.js, .mjs, .cjs)'), { name: 'Runtime.ImportModuleError' });
      const mod = await import(pathToFileURL(found).href);
      const fn = mod[${JSON.stringify(exportName)}] ?? mod.default?.[${JSON.stringify(exportName)}];
      if (typeof fn !== 'function') throw Object.assign(new Error(${JSON.stringify(fn.handler)} + ' is undefined or not exported'), { name: 'Runtime.HandlerNotFound' });
      const deadline = Date.now() + 30000;
      const context = {
        awsRequestId: 'artifact-test-request', functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
        memoryLimitInMB: '256', logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME, logStreamName: 'artifact-test',
        clientContext: ${JSON.stringify(options.clientContext ?? null)} ?? undefined,
        callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => deadline - Date.now(),
      };
      try {
        out({ result: await fn(${JSON.stringify(event)}, context) ?? null });
      } catch (e) {
        out({ error: { name: e?.name ?? 'Error', message: String(e?.message ?? e) } });
      }
    })().catch((e) => { process.stderr.write('LOAD FAILURE ' + (e?.name ?? '') + ': ' + (e?.stack ?? e) + '\\n'); process.exit(3); });`;
  const env = { PATH: process.env.PATH ?? '', ...fn.environment, ...runtimeEnvironment(fn, dir), AWS_ENDPOINT_URL: REFUSING_ENDPOINT, ...options.env };
  const { stdout, stderr } = await run(process.execPath, ['-e', script], { cwd: dir, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${fn.stack}/${fn.logicalId} (${fn.handler}) did not load or run: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  });
  const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) throw new Error(`${fn.stack}/${fn.logicalId}: no result\n${stdout}\n${stderr}`);
  return { ...(JSON.parse(line.slice(MARKER.length)) as { result?: unknown; error?: Invocation['error'] }), logs: `${stdout}\n${stderr}` };
}
