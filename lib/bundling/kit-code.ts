/**
 * The code of the kit's own Lambda functions and reference agents, and of an app's own function
 * entries. One rule for the kit's code: the installed package ships every bundle pre-built under
 * `bundles/` (made by `npm run build`, see bin/prebundle.ts), so an app that imports the kit needs
 * neither esbuild, nor Docker, nor the kit's sources; in the kit's own repository (no `bundles/` next
 * to `lib/`) the code is bundled from source at synth, in this process, with esbuild's API.
 *
 * In-process on purpose: `NodejsFunction` spawns a shell and an esbuild process per function and
 * looks for a lock file above the working directory; `esbuild.buildSync` does neither.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KitError } from '../errors';
import { AGENT_BUNDLE_FILE, AgentCode, loadEsbuild } from '../runtime/agent-code';

/**
 * Root of the kit's files: the repository when running from source (`lib/*.ts`), the package's
 * `dist/` when installed (`dist/lib/*.js`) — the directory that holds `lib/`, `lambda/`, `bundles/`.
 */
export const KIT_ROOT = path.resolve(__dirname, '..', '..');

/** Where the package keeps its pre-built bundles, one directory per function or agent. */
export const PREBUNDLED_DIR = path.join(KIT_ROOT, 'bundles');

/** File the Lambda handler lives in (`Handler: index.handler`). */
export const LAMBDA_BUNDLE_FILE = 'index.js';

/** How a Lambda entry point is bundled (CommonJS, Node 22). */
export interface LambdaBundleOptions {
  /** Minify the bundle. @default true */
  readonly minify?: boolean;
  /**
   * Write `index.js.map` beside the bundle (paths only, no embedded sources). Set
   * `NODE_OPTIONS=--enable-source-maps` on the function for the runtime to use it.
   * @default false - stack traces point into the minified bundle; the handlers log structured errors
   */
  readonly sourceMap?: boolean;
  /** Modules left out of the bundle (provided by the runtime or a layer). @default ['@aws-sdk/*'] (the Node 22 runtime has the AWS SDK v3) */
  readonly externals?: readonly string[];
  /** package.json fields esbuild resolves packages by. @default - esbuild's default for Node (`main`, then `module`) */
  readonly mainFields?: readonly string[];
}

/** One of the kit's Lambda functions: its entry point in the kit's source tree and how it is bundled. */
export interface KitFunction {
  /** Entry point relative to the kit's root, e.g. `lambda/interceptor/index.ts`. */
  readonly entry: string;
  readonly bundling?: LambdaBundleOptions;
}

const DEFAULT_EXTERNALS = ['@aws-sdk/*'] as const;

function normalized(options: LambdaBundleOptions = {}): Required<Omit<LambdaBundleOptions, 'mainFields'>> & Pick<LambdaBundleOptions, 'mainFields'> {
  return { minify: options.minify ?? true, sourceMap: options.sourceMap ?? false, externals: options.externals ?? DEFAULT_EXTERNALS, mainFields: options.mainFields };
}

/**
 * Bundle one Lambda entry point into `outDir/index.js` with esbuild's API, in this process (no
 * Docker, no child shell). Paths in the output are relative to `workingDir`, so the bundle — and its
 * asset hash — is the same on every machine for the same sources.
 */
export function bundleLambda(entry: string, outDir: string, options: LambdaBundleOptions = {}, workingDir = path.dirname(entry)): { readonly bytes: number } {
  if (!fs.existsSync(entry)) throw new KitError('LambdaEntryNotFound', [`entry: ${entry} does not exist; expected a TypeScript or JavaScript file exporting the handler`]);
  const esbuild = loadEsbuild(
    require,
    `bundling ${entry} needs esbuild at synth, and esbuild is not installed in this app: run \`npm install --save-dev esbuild\` (or give prebuilt code with lambda.Code.fromAsset)`,
  );
  const o = normalized(options);
  const outfile = path.join(outDir, LAMBDA_BUNDLE_FILE);
  esbuild.buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: o.minify,
    sourcemap: o.sourceMap ? 'external' : false,
    sourcesContent: false,
    mainFields: o.mainFields ? [...o.mainFields] : undefined,
    external: [...o.externals],
    absWorkingDir: workingDir,
    logLevel: 'silent',
  });
  return { bytes: fs.statSync(outfile).size };
}

/**
 * Lambda code bundled from `entry` at synth (in-process esbuild), hashed by the bundle's content.
 * For an app's own function entries; esbuild must be installed in the app.
 */
export function lambdaCodeFromEntry(entry: string, options: LambdaBundleOptions = {}, workingDir = path.dirname(entry)): lambda.Code {
  if (!fs.existsSync(entry) || !fs.statSync(entry).isFile()) {
    throw new KitError('LambdaEntryNotFound', [`entry: ${entry} is not a file; expected a TypeScript or JavaScript file exporting the handler (an absolute path)`]);
  }
  return lambda.Code.fromAsset(path.dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      // What this bundle is, in props that serialize: asset staging caches bundles on the JSON of these
      // props, where `local` renders as `{}` (see AgentCode). Not part of the OUTPUT hash.
      environment: { LAMBDA_ENTRY: entry, LAMBDA_BUNDLE_OPTIONS: JSON.stringify(normalized(options)) },
      local: {
        tryBundle(outputDir: string): boolean {
          bundleLambda(entry, outputDir, options, workingDir);
          return true;
        },
      },
    },
  });
}

/** Directory name of a kit function's pre-built bundle: its entry, and a hash of its bundling options. */
export function prebundledName(fn: KitFunction): string {
  const base = fn.entry.replace(/\.[cm]?[jt]s$/, '').replace(/\/index$/, '').replace(/[^a-zA-Z0-9]+/g, '-');
  const options = createHash('sha256').update(JSON.stringify(normalized(fn.bundling))).digest('hex').slice(0, 8);
  return `${base}-${options}`;
}

/**
 * The code of one of the kit's Lambda functions: the package's pre-built bundle when there is one
 * (hashed by its content, identical to the bundle made from the same sources), else bundled from the
 * kit's source at synth.
 */
export function kitLambdaCode(fn: KitFunction): lambda.Code {
  const prebuilt = path.join(PREBUNDLED_DIR, prebundledName(fn));
  if (fs.existsSync(path.join(prebuilt, LAMBDA_BUNDLE_FILE))) return lambda.Code.fromAsset(prebuilt);
  const source = path.join(KIT_ROOT, fn.entry);
  if (!fs.existsSync(source)) {
    throw new KitError('KitCodeNotFound', [
      `${fn.entry}: the kit has neither a pre-built bundle (${prebuilt}) nor the source (${source}) of this function; reinstall agentcore-kit (its package ships bundles/), or in the kit's repository check the entry`,
    ]);
  }
  return lambdaCodeFromEntry(source, fn.bundling, KIT_ROOT);
}

/** Entry point of a reference agent in the kit's source tree. */
export const referenceAgentEntry = (agent: string): string => path.join(KIT_ROOT, 'agents', 'entry', `${agent}.ts`);

/** Directory name of a reference agent's pre-built bundle. */
export const prebundledAgentName = (agent: string): string => `agent-${agent}`;

/** Whether the kit ships (or can bundle) a reference agent of this id. */
export function hasKitAgent(agent: string): boolean {
  return fs.existsSync(path.join(PREBUNDLED_DIR, prebundledAgentName(agent), AGENT_BUNDLE_FILE)) || fs.existsSync(referenceAgentEntry(agent));
}

/** The code of a reference agent (agents/entry/<agent>.ts): pre-built in the package, else bundled from source at synth. */
export function kitAgentCode(agent: string): AgentCode {
  const prebuilt = path.join(PREBUNDLED_DIR, prebundledAgentName(agent));
  if (fs.existsSync(path.join(prebuilt, AGENT_BUNDLE_FILE))) return AgentCode.fromBundle(prebuilt);
  const source = referenceAgentEntry(agent);
  if (!fs.existsSync(source)) {
    throw new KitError('KitCodeNotFound', [
      `agent ${JSON.stringify(agent)}: the kit has no reference agent of this id (neither ${prebuilt} nor ${source}); give the agent's own code (AgentCode.fromEntry / AgentCode.fromBundle, or AgentPlatform's agentEntries)`,
    ]);
  }
  return AgentCode.fromEntry(source);
}
