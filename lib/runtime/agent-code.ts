import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { AgentCoreRuntime, AgentRuntimeArtifact } from 'aws-cdk-lib/aws-bedrockagentcore';
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
  // Loaded lazily: only synth with a bundled agent needs esbuild (a dev dependency).
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out = path.join(outDir, AGENT_BUNDLE_FILE);
  const result = esbuild.buildSync({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
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

/** The code of an agent runtime: bundled from a TypeScript entry point, or a prepared directory. */
export abstract class AgentCode {
  /**
   * Bundle `entry` with esbuild at synth time into a NODE_22 code asset (hash of the bundle
   * output, so an unchanged agent is not re-uploaded).
   */
  static fromEntry(entry: string, options: AgentBundleOptions = {}): AgentCode {
    return new EntryCode(path.resolve(entry), options);
  }

  /** A directory that already holds the bundle (`index.mjs` unless `entrypoint` says otherwise). */
  static fromDirectory(directory: string, entrypoint = AGENT_BUNDLE_FILE): AgentCode {
    return new DirectoryCode(path.resolve(directory), entrypoint);
  }

  /** The runtime artifact for the L2 `Runtime`. */
  abstract artifact(): AgentRuntimeArtifact;
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
