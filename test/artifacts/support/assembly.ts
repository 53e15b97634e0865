/**
 * The reference dev app's cloud assembly, synthesized once and shared by every artifact test.
 *
 * `devAssembly()` runs `bin/app.ts` the way `cdk synth` does (tsx, `CDK_OUTDIR`, the context of
 * cdk.json) into a directory under os.tmpdir() keyed by a hash of everything the app is built from
 * (bin, lib, lambda, agents, catalog, policies, eval, config, cdk.json, package-lock.json). Jest
 * workers that ask at the same time wait on a lock directory for the first one's synth; later runs
 * with unchanged sources reuse it. `AGENTCORE_KIT_ASSEMBLY=<cdk.out>` tests an existing assembly
 * instead (e.g. the pipeline's synth output, so what is tested is what is deployed).
 *
 * ```ts
 * const asm = devAssembly();
 * for (const fn of asm.lambdaFunctions()) fn.assetPath; // staged directory of its code
 * const [sm] = asm.stateMachines(); sm.definition;       // parsed, intrinsics resolved to fake ARNs
 * ```
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Inputs of the synth: a change in any of them means a new assembly. */
const INPUT_DIRS = ['bin', 'lib', 'lambda', 'agents', 'catalog', 'policies', 'eval', 'config'];
const INPUT_FILES = ['cdk.json', 'package-lock.json', 'tsconfig.json', path.relative(ROOT, __filename)];

/** Fake identity of the deployment the intrinsics resolve to. */
export const FAKE_ACCOUNT = '111111111111';
export const FAKE_REGION = 'us-east-1';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

/** A file asset of the assembly. */
export interface StagedAsset {
  /** The asset hash (the S3 object key without extension). */
  readonly hash: string;
  /** Absolute path of the staged directory or file in the assembly. */
  readonly path: string;
  readonly packaging: 'zip' | 'file';
}

export interface RuntimeArtifact {
  readonly stack: string;
  readonly logicalId: string;
  readonly name: string;
  readonly protocol: 'HTTP' | 'A2A' | 'MCP';
  readonly entryPoint: readonly string[];
  readonly runtime: string;
  readonly asset: StagedAsset;
  /** Environment variables with intrinsics resolved to fake values (see `resolve`). */
  readonly environment: Record<string, string>;
}

export interface LambdaArtifact {
  readonly stack: string;
  readonly logicalId: string;
  /** Construct path (aws:cdk:path metadata), e.g. `AgentCoreKit-dev-Tools1/Tools/Hr/Function/Resource`. */
  readonly constructPath: string;
  readonly handler: string;
  readonly runtime: string;
  readonly asset: StagedAsset;
  /** The fake ARN its `Fn::GetAtt Arn` resolves to (e.g. a state machine's Task `Resource`). */
  readonly arn: string;
  /** Environment variables with intrinsics resolved to fake values. */
  readonly environment: Record<string, string>;
}

export interface StateMachineArtifact {
  readonly stack: string;
  readonly logicalId: string;
  /** The definition as CloudFormation would create it: substitutions and joins resolved, parsed. */
  readonly definition: Record<string, unknown>;
  /** The same, as the JSON string. */
  readonly definitionString: string;
}

export interface DevAssembly {
  /** The cloud assembly directory (cdk.out). */
  readonly dir: string;
  /** Templates by stack name. */
  readonly templates: Readonly<Record<string, CfnTemplate>>;
  runtimes(): RuntimeArtifact[];
  lambdaFunctions(): LambdaArtifact[];
  stateMachines(): StateMachineArtifact[];
  /** The staged asset of an S3 object key (`<hash>.zip`) or asset hash. */
  asset(keyOrHash: string): StagedAsset;
  /** Absolute path of the staged asset of an S3 object key or asset hash. */
  assetPath(keyOrHash: string): string;
  /** A template value with intrinsics resolved to fake names and ARNs (stable per logical id). */
  resolve(stack: string, value: unknown): unknown;
  /** The name (Ref) a resource of this stack resolves to. */
  physicalName(stack: string, logicalId: string): string;
}

let cached: DevAssembly | undefined;

/** The dev assembly, synthesized at most once (see the file comment). */
export function devAssembly(): DevAssembly {
  cached ??= load(process.env.AGENTCORE_KIT_ASSEMBLY ? path.resolve(process.env.AGENTCORE_KIT_ASSEMBLY) : synthesizeOnce());
  return cached;
}

function inputHash(): string {
  const hash = createHash('sha256');
  const add = (file: string) => {
    hash.update(path.relative(ROOT, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  };
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) add(full);
    }
  };
  for (const d of INPUT_DIRS) walk(path.join(ROOT, d));
  for (const f of INPUT_FILES) if (fs.existsSync(path.join(ROOT, f))) add(path.join(ROOT, f));
  hash.update(process.version);
  return hash.digest('hex').slice(0, 20);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Synthesize into os.tmpdir()/agentcore-kit-assembly-<inputs> unless it is there; one process at a time. */
function synthesizeOnce(): string {
  const base = path.join(os.tmpdir(), `agentcore-kit-assembly-${inputHash()}`);
  const out = path.join(base, 'cdk.out');
  const done = path.join(base, 'done');
  const lock = `${base}.lock`;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    if (fs.existsSync(done)) return out;
    try {
      fs.mkdirSync(lock);
    } catch {
      // Another worker is synthesizing; a lock left by a killed process is taken over after 5 minutes.
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`devAssembly: gave up waiting for the synth holding ${lock}`);
      sleep(250);
      continue;
    }
    try {
      if (fs.existsSync(done)) return out;
      pruneOldAssemblies(base);
      fs.rmSync(base, { recursive: true, force: true });
      fs.mkdirSync(base, { recursive: true });
      const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
      // What `cdk synth` gives the app: the output directory, cdk.json's context (env=dev) and the CLI's
      // own defaults (path and asset metadata, version reporting, bundling of every stack).
      const context = {
        ...cdkJson.context,
        env: 'dev',
        'aws:cdk:enable-path-metadata': true,
        'aws:cdk:enable-asset-metadata': true,
        'aws:cdk:version-reporting': true,
        'aws:cdk:bundling-stacks': ['**'],
      };
      execFileSync(process.execPath, [require.resolve('tsx/cli', { paths: [ROOT] }), 'bin/app.ts'], {
        cwd: ROOT,
        env: { ...process.env, CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(context) },
        stdio: ['ignore', 'ignore', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
      fs.writeFileSync(done, new Date().toISOString());
      return out;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Assemblies of other inputs not used for a day (each holds every bundle of the app). */
function pruneOldAssemblies(keep: string): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), name);
    if (!/^agentcore-kit-assembly-[0-9a-f]+$/.test(name) || dir === keep) continue;
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > 24 * 3600_000) fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface AssetManifest {
  readonly files?: Record<string, { source: { path: string; packaging?: 'zip' | 'file' }; destinations: Record<string, { objectKey: string }> }>;
}

function load(dir: string): DevAssembly {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string; properties?: { templateFile?: string; file?: string } }> };
  const templates: Record<string, CfnTemplate> = {};
  const assets = new Map<string, StagedAsset>();
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      templates[name] = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8')) as CfnTemplate;
    }
    if (artifact.type === 'cdk:asset-manifest' && artifact.properties?.file) {
      const assetManifest = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.file), 'utf8')) as AssetManifest;
      for (const [hash, file] of Object.entries(assetManifest.files ?? {})) {
        const staged: StagedAsset = { hash, path: path.resolve(dir, file.source.path), packaging: file.source.packaging ?? 'file' };
        assets.set(hash, staged);
        for (const d of Object.values(file.destinations)) assets.set(d.objectKey, staged);
      }
    }
  }
  if (Object.keys(templates).length === 0) throw new Error(`devAssembly: ${dir} holds no stack templates`);

  const exportsByName = new Map<string, { stack: string; value: unknown }>();
  for (const [stack, t] of Object.entries(templates)) {
    for (const o of Object.values(t.Outputs ?? {})) if (o.Export) exportsByName.set(o.Export.Name, { stack, value: o.Value });
  }

  const asset = (keyOrHash: string): StagedAsset => {
    const found = assets.get(keyOrHash) ?? assets.get(keyOrHash.replace(/\.(zip|jar)$/, ''));
    if (!found) throw new Error(`devAssembly: no asset with key or hash ${keyOrHash} in ${dir}`);
    return found;
  };
  const physicalName = (stack: string, logicalId: string) => fakeName(stack, logicalId, templates[stack]?.Resources[logicalId]);
  const resolve = (stack: string, value: unknown): unknown => resolveValue(templates, exportsByName, stack, value);
  const stringEnv = (stack: string, vars: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries((vars ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(resolve(stack, v))]));
  const each = (type: string) =>
    Object.entries(templates).flatMap(([stack, t]) =>
      Object.entries(t.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([logicalId, r]) => ({ stack, logicalId, r })),
    );

  return {
    dir,
    templates,
    asset,
    assetPath: (keyOrHash) => asset(keyOrHash).path,
    resolve,
    physicalName,
    runtimes: () =>
      each('AWS::BedrockAgentCore::Runtime').map(({ stack, logicalId, r }) => {
        const p = r.Properties as {
          AgentRuntimeName: string;
          ProtocolConfiguration?: 'HTTP' | 'A2A' | 'MCP';
          EnvironmentVariables?: Record<string, unknown>;
          AgentRuntimeArtifact: { CodeConfiguration?: { Code: { S3: { Prefix: string } }; EntryPoint: string[]; Runtime: string } };
        };
        const code = p.AgentRuntimeArtifact.CodeConfiguration;
        if (!code) throw new Error(`devAssembly: runtime ${stack}/${logicalId} has no CodeConfiguration (container runtimes are not kit code assets)`);
        return {
          stack,
          logicalId,
          name: p.AgentRuntimeName,
          protocol: p.ProtocolConfiguration ?? 'HTTP',
          entryPoint: code.EntryPoint,
          runtime: code.Runtime,
          asset: asset(code.Code.S3.Prefix),
          environment: stringEnv(stack, p.EnvironmentVariables),
        };
      }),
    lambdaFunctions: () =>
      each('AWS::Lambda::Function')
        .filter(({ r }) => typeof (r.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key === 'string')
        .map(({ stack, logicalId, r }) => {
          const p = r.Properties as { Handler: string; Runtime: string; Code: { S3Key: string }; Environment?: { Variables?: Record<string, unknown> } };
          return {
            stack,
            logicalId,
            constructPath: String(r.Metadata?.['aws:cdk:path'] ?? `${stack}/${logicalId}`),
            handler: p.Handler,
            runtime: p.Runtime,
            asset: asset(p.Code.S3Key),
            arn: String(resolve(stack, { 'Fn::GetAtt': [logicalId, 'Arn'] })),
            environment: stringEnv(stack, p.Environment?.Variables),
          };
        }),
    stateMachines: () =>
      each('AWS::StepFunctions::StateMachine').map(({ stack, logicalId, r }) => {
        const p = r.Properties as { DefinitionString: unknown; DefinitionSubstitutions?: Record<string, unknown> };
        let definitionString = String(resolve(stack, p.DefinitionString));
        for (const [k, v] of Object.entries(p.DefinitionSubstitutions ?? {})) definitionString = definitionString.split(`\${${k}}`).join(String(resolve(stack, v)));
        return { stack, logicalId, definitionString, definition: JSON.parse(definitionString) as Record<string, unknown> };
      }),
  };
}

/** The name a resource's Ref gives: its own name property when it is a literal, else `<stack>-<logicalId>` (lower case). */
function fakeName(stack: string, logicalId: string, resource: CfnResource | undefined): string {
  const p = resource?.Properties ?? {};
  for (const key of ['TableName', 'FunctionName', 'TopicName', 'QueueName', 'RoleName', 'Name', 'AlarmName', 'StateMachineName', 'BucketName']) {
    if (typeof p[key] === 'string') return p[key] as string;
  }
  return `${stack}-${logicalId}`.toLowerCase().slice(0, 64);
}

/** ARN service and resource part per resource type, for fake ARNs. */
const ARN_FORMATS: Record<string, (name: string) => string> = {
  'AWS::Lambda::Function': (n) => `lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${n}`,
  'AWS::Lambda::Alias': (n) => `lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${n}:live`,
  'AWS::DynamoDB::Table': (n) => `dynamodb:${FAKE_REGION}:${FAKE_ACCOUNT}:table/${n}`,
  'AWS::SNS::Topic': (n) => `sns:${FAKE_REGION}:${FAKE_ACCOUNT}:${n}`,
  'AWS::SQS::Queue': (n) => `sqs:${FAKE_REGION}:${FAKE_ACCOUNT}:${n}`,
  'AWS::IAM::Role': (n) => `iam::${FAKE_ACCOUNT}:role/${n}`,
  'AWS::KMS::Key': (n) => `kms:${FAKE_REGION}:${FAKE_ACCOUNT}:key/${n}`,
  'AWS::CloudWatch::Alarm': (n) => `cloudwatch:${FAKE_REGION}:${FAKE_ACCOUNT}:alarm:${n}`,
  'AWS::StepFunctions::StateMachine': (n) => `states:${FAKE_REGION}:${FAKE_ACCOUNT}:stateMachine:${n}`,
  'AWS::Logs::LogGroup': (n) => `logs:${FAKE_REGION}:${FAKE_ACCOUNT}:log-group:${n}`,
  'AWS::BedrockAgentCore::Runtime': (n) => `bedrock-agentcore:${FAKE_REGION}:${FAKE_ACCOUNT}:runtime/${n}`,
  'AWS::BedrockAgentCore::Gateway': (n) => `bedrock-agentcore:${FAKE_REGION}:${FAKE_ACCOUNT}:gateway/${n}`,
  'AWS::BedrockAgentCore::Memory': (n) => `bedrock-agentcore:${FAKE_REGION}:${FAKE_ACCOUNT}:memory/${n}`,
};

function fakeArn(type: string, name: string): string {
  const format = ARN_FORMATS[type];
  if (format) return `arn:aws:${format(name)}`;
  const [, service, kind] = type.split('::');
  return `arn:aws:${service.toLowerCase()}:${FAKE_REGION}:${FAKE_ACCOUNT}:${kind.toLowerCase()}/${name}`;
}

/** `Fn::GetAtt` fake values: ARNs for `Arn`/`*Arn`, ids for `*Id`/`*Identifier`, URLs for `*Url`. */
function fakeAttribute(type: string, name: string, attribute: string): string {
  if (attribute === 'Arn' || attribute.endsWith('Arn')) return fakeArn(type, name);
  if (type === 'AWS::BedrockAgentCore::Runtime' && attribute === 'AgentRuntimeId') return `${name.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 40)}-abcdefghij`;
  if (type === 'AWS::BedrockAgentCore::Memory' && attribute === 'MemoryId') return `${name.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 40)}-abcdefghij`;
  if (attribute.endsWith('Url')) return `https://${name}.example.invalid/${attribute}`;
  if (attribute === 'AgentRuntimeVersion' || attribute.endsWith('Version')) return '1';
  return `${name}-${attribute}`.toLowerCase();
}

const PSEUDO: Record<string, string> = {
  'AWS::Region': FAKE_REGION,
  'AWS::AccountId': FAKE_ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

function resolveValue(templates: Record<string, CfnTemplate>, exportsByName: Map<string, { stack: string; value: unknown }>, stack: string, value: unknown): unknown {
  const again = (v: unknown, s = stack) => resolveValue(templates, exportsByName, s, v);
  const template = templates[stack];
  const ref = (name: string): string => {
    if (name in PSEUDO) return PSEUDO[name];
    if (name === 'AWS::StackName') return stack;
    const param = template.Parameters?.[name];
    if (param) return String(param.Default ?? name);
    const resource = template.Resources[name];
    if (!resource) throw new Error(`devAssembly: ${stack} has no resource or parameter ${name}`);
    const n = fakeName(stack, name, resource);
    // Resources whose Ref is an ARN or URL rather than a name.
    if (resource.Type === 'AWS::SNS::Topic' || resource.Type === 'AWS::StepFunctions::StateMachine') return fakeArn(resource.Type, n);
    if (resource.Type === 'AWS::SQS::Queue') return `https://sqs.${FAKE_REGION}.amazonaws.com/${FAKE_ACCOUNT}/${n}`;
    return n;
  };
  const getAtt = (id: string, attribute: string): string => {
    const resource = template.Resources[id];
    if (!resource) throw new Error(`devAssembly: ${stack} has no resource ${id}`);
    return fakeAttribute(resource.Type, fakeName(stack, id, resource), attribute);
  };
  if (Array.isArray(value)) return value.map((v) => again(v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) return Object.fromEntries(entries.map(([k, v]) => [k, again(v)]));
  const [[fn, arg]] = entries;
  switch (fn) {
    case 'Ref':
      return ref(arg as string);
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/s);
      return getAtt(id, attribute);
    }
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown[]];
      return (again(parts) as unknown[]).join(sep);
    }
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
      return text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
        if (name in vars) return String(again(vars[name]));
        return name.includes('.') && !name.startsWith('AWS::') ? getAtt(...(name.split(/\.(.*)/s) as [string, string])) : ref(name);
      });
    }
    case 'Fn::ImportValue': {
      const name = String(again(arg));
      const exported = exportsByName.get(name);
      if (!exported) throw new Error(`devAssembly: no stack exports ${name}`);
      return again(exported.value, exported.stack);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      return (again(list) as unknown[])[Number(again(index))];
    }
    case 'Fn::Split': {
      const [sep, text] = arg as [string, unknown];
      return String(again(text)).split(sep);
    }
    case 'Fn::GetAZs':
      return [`${FAKE_REGION}a`, `${FAKE_REGION}b`];
    default:
      if (fn.startsWith('Fn::')) throw new Error(`devAssembly: ${fn} is not resolved here (${stack})`);
      return { [fn]: again(arg) };
  }
}
