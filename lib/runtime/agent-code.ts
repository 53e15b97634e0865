import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Token } from 'aws-cdk-lib';
import { AgentCoreRuntime, AgentRuntimeArtifact } from 'aws-cdk-lib/aws-bedrockagentcore';
import { kitAgentCode } from '../bundling/kit-code';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { KitError } from '../errors';

/** File AgentCore runs in a bundled agent. */
export const AGENT_BUNDLE_FILE = 'index.mjs';

/**
 * Optional peer dependencies of the agent SDKs the reference agents never load (other model
 * providers, S3 session storage, the OpenTelemetry JSON and gRPC exporters...). Left out of the
 * bundle. The tracing packages agents/telemetry uses (sdk-trace-node, sdk-trace-base, resources,
 * otlp-transformer and the sdk-metrics it requires) are bundled.
 */
export const AGENT_BUNDLE_EXTERNALS: readonly string[] = [
  '@aws-sdk/client-s3',
  '@anthropic-ai/sdk',
  'openai',
  '@google/genai',
  '@ai-sdk/provider',
  '@tobilu/qmd',
  '@cedar-policy/mcp-schema-generator-wasm',
  '@aws/bedrock-token-generator',
  '@aws-sdk/client-bedrock-agent',
  '@aws-sdk/client-bedrock-agent-runtime',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@grpc/grpc-js',
  '@bufbuild/protobuf',
];

/**
 * Packages `bedrock-agentcore/runtime` loads with `createRequire` at run time, which a bundler
 * cannot see; each is bundled on its own into `node_modules/<name>/index.js` beside the agent.
 */
export const RUNTIME_REQUIRED_PACKAGES: readonly string[] = ['@fastify/sse', '@fastify/websocket'];

export interface AgentBundleOptions {
  /** Minify the bundle. @default true */
  readonly minify?: boolean;
  /** Extra packages to leave out of the bundle. @default - none */
  readonly externals?: readonly string[];
}

export interface AgentImageOptions {
  /** The Dockerfile, relative to the directory. @default 'Dockerfile' */
  readonly file?: string;
  /** Build arguments. @default - none */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Build target stage. @default - the last stage */
  readonly target?: string;
  /** Glob patterns of files left out of the build context (besides `.dockerignore`). @default - none */
  readonly exclude?: readonly string[];
}

export interface AgentBundleResult {
  /** Bytes of `index.mjs`. */
  readonly bytes: number;
  /** Files written, relative to the output directory. */
  readonly files: readonly string[];
}

/**
 * Bundle one agent entry point into `outDir/index.mjs` (ESM, Node 22) with the locally installed
 * esbuild — no Docker. Synchronous, so it runs inside CDK local bundling.
 */
export function bundleAgent(entry: string, outDir: string, options: AgentBundleOptions = {}): AgentBundleResult {
  if (!fs.existsSync(entry)) throw new KitError('AgentEntryNotFound', [`entry: ${entry} does not exist; expected an agent entry point such as agents/entry/hr.ts`]);
  const esbuild = loadEsbuild();
  const out = path.join(outDir, AGENT_BUNDLE_FILE);
  const result = esbuild.buildSync({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // ESM entry points first, so dependencies tree-shake (about 450 KB less per agent than CJS first).
    mainFields: ['module', 'main'],
    minify: options.minify ?? true,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    external: [...AGENT_BUNDLE_EXTERNALS, ...(options.externals ?? [])],
    // CommonJS dependencies inside an ESM bundle need a `require`.
    banner: { js: "import { createRequire as __agentRequire } from 'node:module'; const require = __agentRequire(import.meta.url);" },
  });
  const files = [AGENT_BUNDLE_FILE];
  const usesRuntimeContract = Object.keys(result.metafile.inputs).some((f) => f.includes('bedrock-agentcore/dist/src/runtime/app.js'));
  if (usesRuntimeContract) {
    for (const pkg of RUNTIME_REQUIRED_PACKAGES) {
      const file = path.join('node_modules', pkg, 'index.js');
      esbuild.buildSync({ entryPoints: [pkg], outfile: path.join(outDir, file), bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: options.minify ?? true, logLevel: 'silent', absWorkingDir: path.dirname(path.resolve(entry)) });
      files.push(file);
    }
  }
  return { bytes: fs.statSync(out).size, files };
}

/**
 * esbuild, loaded lazily: only a synth that bundles an agent needs it (a dev dependency of the app).
 * `load` is the `require` to load it with (tests pass one that cannot see it).
 * @internal (its type names esbuild, which an app that installs the kit need not have)
 */
export function loadEsbuild(
  load: NodeJS.Require = require,
  why = 'AgentCode.fromEntry bundles the agent with esbuild at synth, and esbuild is not installed in this app: run `npm install --save-dev esbuild` (or give prebuilt code with AgentCode.fromBundle)',
): typeof import('esbuild') {
  try {
    return load('esbuild') as typeof import('esbuild');
  } catch (e) {
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND' || !/'esbuild'/.test((e as Error).message)) throw e;
    throw new KitError('EsbuildNotFound', [why]);
  }
}

/** The kit's construct library: frames in it are not "the caller" (a construct passing on a user's path). */
const KIT_LIB_DIR = path.resolve(__dirname, '..');

/**
 * The file of the code that called into the kit, from the stack: the first frame outside the kit's
 * `lib/` (so `AgentPlatform({ agentEntries })` resolves against the file that wrote the path), as it
 * runs — the .ts file under ts-node/tsx/jest, the .js file when compiled. Undefined when there is none.
 */
function callerFile(): string | undefined {
  const original = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_e, frames) => frames;
    // Constructs nest: the caller may be many frames up.
    Error.stackTraceLimit = 100;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    for (const frame of frames) {
      const name = frame.getFileName();
      if (!name || name.startsWith('node:')) continue;
      const file = name.startsWith('file://') ? fileURLToPath(name) : name;
      if (!path.resolve(file).startsWith(KIT_LIB_DIR + path.sep)) return file;
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
    Error.stackTraceLimit = limit;
  }
}

/** An absolute path as given; a relative one against the directory of the calling file (the working directory if unknown). */
function fromCaller(given: string, caller: string | undefined): string {
  return path.isAbsolute(given) ? given : path.resolve(caller ? path.dirname(caller) : process.cwd(), given);
}

/** The code of an agent runtime: bundled from a TypeScript entry point, or a prepared directory. */
export abstract class AgentCode {
  /**
   * Bundle `entry` with esbuild at synth time into a NODE_22 code asset (hash of the bundle
   * output, so an unchanged agent is not re-uploaded). Needs esbuild in the app's dev dependencies.
   *
   * @param entry the agent's entry point: an absolute path, or a path relative to the file that calls
   *   `fromEntry` (not the working directory), e.g. `AgentCode.fromEntry('../agents/hr.ts')` in
   *   `lib/hr-stack.ts`. Relative means relative to the file as it runs: when the stack is compiled to
   *   another directory, pass `path.join(__dirname, ...)` or an absolute path.
   */
  static fromEntry(entry: string, options: AgentBundleOptions = {}): AgentCode {
    const caller = callerFile();
    const resolved = fromCaller(entry, caller);
    if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
      throw new KitError('AgentEntryNotFound', [
        `entry: ${JSON.stringify(entry)} resolves to ${resolved}, which is not a file; a relative entry is resolved against the directory of the calling file${caller ? ` (${caller})` : ''}, not the working directory — or pass an absolute path`,
      ]);
    }
    return new EntryCode(resolved, options);
  }

  /**
   * Prebuilt agent code: a directory that already holds the bundle (`index.mjs` unless `entrypoint`
   * says otherwise, with anything it loads at run time beside it), e.g. the output of `bundleAgent`
   * or of your own build. Nothing is bundled at synth, so esbuild is not needed.
   *
   * @param directory absolute, or relative to the file that calls `fromBundle` (as for `fromEntry`)
   */
  static fromBundle(directory: string, options: { readonly entrypoint?: string } = {}): AgentCode {
    const caller = callerFile();
    const resolved = fromCaller(directory, caller);
    const entrypoint = options.entrypoint ?? AGENT_BUNDLE_FILE;
    if (!fs.existsSync(path.join(resolved, entrypoint))) {
      throw new KitError('AgentCodeNotFound', [
        `code: ${path.join(resolved, entrypoint)} does not exist; AgentCode.fromBundle(${JSON.stringify(directory)}) expects a directory holding the bundled agent (${entrypoint}), relative to ${caller ?? 'the working directory'} — build it first, or use AgentCode.fromEntry`,
      ]);
    }
    return new DirectoryCode(resolved, entrypoint);
  }

  /**
   * One of the kit's reference agents (`supervisor`, `hr`, `financial`, `it`): pre-bundled in the
   * installed package, so neither esbuild nor the kit's sources are needed; bundled from
   * agents/entry/<agent>.ts in the kit's own repository.
   */
  static fromKit(agent: string): AgentCode {
    return kitAgentCode(agent);
  }

  /**
   * A directory that already holds the bundle (`index.mjs` unless `entrypoint` says otherwise),
   * relative to the working directory.
   * @deprecated use {@link AgentCode.fromBundle}, which resolves relative to the calling file
   */
  static fromDirectory(directory: string, entrypoint = AGENT_BUNDLE_FILE): AgentCode {
    return new DirectoryCode(path.resolve(directory), entrypoint);
  }

  /**
   * A container image built from a Dockerfile by `cdk deploy` (an ECR image asset) for linux/arm64, the
   * only architecture AgentCore Runtime runs: any language or framework, e.g. a Python agent, as long as
   * it serves the runtime contract of its protocol (HTTP: `GET /ping` and `POST /invocations` on port
   * 8080; MCP: `/mcp` on 8000; A2A: 9000). Synth needs no Docker engine; deploy does (or a CI build
   * stage with one). The runtime role may pull this image only.
   *
   * @param directory the build context holding the Dockerfile: absolute, or relative to the calling file (as for `fromEntry`)
   * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/getting-started-custom.html
   */
  static fromDockerfile(directory: string, options: AgentImageOptions = {}): AgentCode {
    const caller = callerFile();
    const resolved = fromCaller(directory, caller);
    const file = options.file ?? 'Dockerfile';
    if (!fs.existsSync(path.join(resolved, file))) {
      throw new KitError('AgentCodeNotFound', [
        `code: ${path.join(resolved, file)} does not exist; AgentCode.fromDockerfile(${JSON.stringify(directory)}) expects a build context holding ${file}, relative to ${caller ?? 'the working directory'}`,
      ]);
    }
    return new DockerfileCode(resolved, { ...options, file });
  }

  /**
   * An image already in ECR (built for linux/arm64 by your own pipeline). The runtime role may pull from
   * this repository only.
   *
   * @param repository the repository (`ecr.Repository.fromRepositoryName(...)` for one made elsewhere)
   * @param tag image tag: letters, digits, `.`, `_`, `-`, at most 128 characters. Pin an immutable tag
   *   (a version or commit), not `latest`: a new runtime version is created only when the tag changes.
   */
  static fromEcrImage(repository: ecr.IRepository, tag: string): AgentCode {
    if (!Token.isUnresolved(tag) && !/^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}$/.test(tag)) {
      throw new KitError('InvalidAgentCode', [`tag: ${JSON.stringify(tag)} is not an image tag; expected letters, digits, '.', '_' or '-', at most 128 characters, e.g. "1.4.2" or a commit id`]);
    }
    return new EcrImageCode(repository, tag);
  }

  /** The runtime artifact for the L2 `Runtime`. */
  abstract artifact(): AgentRuntimeArtifact;

  /** Whether the code is a container image (the runtime role then pulls it from ECR). */
  get isContainerImage(): boolean {
    return false;
  }
}

class DockerfileCode extends AgentCode {
  constructor(
    private readonly directory: string,
    private readonly options: AgentImageOptions & { readonly file: string },
  ) {
    super();
  }

  override get isContainerImage(): boolean {
    return true;
  }

  artifact(): AgentRuntimeArtifact {
    return AgentRuntimeArtifact.fromAsset(this.directory, {
      // AgentCore Runtime runs arm64 (Graviton) containers only.
      platform: Platform.LINUX_ARM64,
      file: this.options.file,
      buildArgs: this.options.buildArgs ? { ...this.options.buildArgs } : undefined,
      target: this.options.target,
      exclude: this.options.exclude ? [...this.options.exclude] : undefined,
    });
  }
}

class EcrImageCode extends AgentCode {
  constructor(
    private readonly repository: ecr.IRepository,
    private readonly tag: string,
  ) {
    super();
  }

  override get isContainerImage(): boolean {
    return true;
  }

  artifact(): AgentRuntimeArtifact {
    return AgentRuntimeArtifact.fromEcrRepository(this.repository, this.tag);
  }
}

class EntryCode extends AgentCode {
  constructor(
    private readonly entry: string,
    private readonly options: AgentBundleOptions,
  ) {
    super();
  }

  artifact(): AgentRuntimeArtifact {
    const entry = this.entry;
    const options = this.options;
    return AgentRuntimeArtifact.fromCodeAsset({
      path: path.dirname(entry),
      runtime: AgentCoreRuntime.NODE_22,
      entrypoint: [AGENT_BUNDLE_FILE],
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        // What this bundle is, in props that serialize. Asset staging caches bundles on the JSON of
        // these props, where `local` renders as `{}`: without the entry and options here, every agent
        // bundled from one folder (agents/entry) would be staged as the first one's bundle. Not part of
        // the asset hash (OUTPUT), so the hash stays the same on every machine.
        environment: { AGENT_ENTRY: entry, AGENT_BUNDLE_OPTIONS: JSON.stringify({ minify: options.minify ?? true, externals: options.externals ?? [] }) },
        local: {
          tryBundle(outputDir: string): boolean {
            bundleAgent(entry, outputDir, options);
            return true;
          },
        },
      },
    });
  }
}

class DirectoryCode extends AgentCode {
  constructor(
    private readonly directory: string,
    private readonly entrypoint: string,
  ) {
    super();
  }

  artifact(): AgentRuntimeArtifact {
    if (!fs.existsSync(path.join(this.directory, this.entrypoint))) {
      throw new KitError('AgentCodeNotFound', [`code: ${path.join(this.directory, this.entrypoint)} does not exist; bundle the agent first or use AgentCode.fromEntry`]);
    }
    return AgentRuntimeArtifact.fromCodeAsset({ path: this.directory, runtime: AgentCoreRuntime.NODE_22, entrypoint: [this.entrypoint] });
  }
}
