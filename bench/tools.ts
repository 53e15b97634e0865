/**
 * Tool functions: bundle size, init time and warm handler overhead.
 *
 *   npm run bench:tools
 *   npm run bench:tools -- --iterations 20000 --inits 15
 *
 * Per target function (one per gateway target), each variant bundled by esbuild with the construct's
 * settings (minified, CJS, ESM sources preferred, @aws-sdk/* external as on the Node 22 runtime):
 * - default: the deployed entry (catalog definitions validating, no Powertools Tracer / X-Ray SDK);
 * - before: the same tools through the previous entry (Powertools Tracer wrapping the client),
 *   rebuilt here for comparison;
 * - layer: the default with Powertools from its public layer (PowertoolsSource.layerFromSsm());
 * - sdk bundled: the default with the AWS SDK bundled too (not what the construct deploys).
 * Sizes are raw and gzipped bytes. Init is the time to load the bundle (module scope: Powertools,
 * SDK clients) in a fresh node process, p50 (and min–max) over several processes, with the external
 * SDK resolved from node_modules — it is part of the figure, as the runtime's copy is in Lambda.
 * "SDK only" is that floor: loading @aws-sdk/client-dynamodb + lib-dynamodb and building the client.
 * Per tool:
 * - dispatch p50/p99: validation + dispatch + handler + result mapping with an in-memory store
 *   (bench only) standing in for DynamoDB — the overhead the data store does not explain;
 * - handler p50/p99: the same through the Lambda handler (context parsing, Powertools log line and
 *   metric serialisation; stdout discarded during the loop).
 * Figures are for the machine it runs on; nothing here is asserted.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { toolCatalog, TOOL_TARGETS, isToolError } from '../catalog';
import { POWERTOOLS_LAYER_MODULES, TOOL_BUNDLING } from '../lib/tools/defaults';
import type { ToolDeps } from '../lambda/shared/deps';
import { dispatchInGroup } from '../lambda/shared/dispatch';
import { handleToolInvocation } from '../lambda/shared/lambda-handler';
import { CALLER_ARGUMENT } from '../catalog/caller';
import { SEED_ITEMS } from '../lambda/shared/seed-data';
import { TABLES, TABLE_KEYS, type TableKey, type TableNames } from '../lambda/shared/tables';
import { toolGroups } from '../lambda/tools/dispatch';
const GROUP_EXPORTS: Record<string, string> = { financial: 'financialGroup', hr: 'hrGroup', it: 'itGroup' };

/** The entry as it was before: Powertools Tracer around the client, catalog definitions (full zod) validating. */
function previousEntry(target: string): string {
  const shared = (file: string) => JSON.stringify(path.join(ROOT, 'lambda', 'shared', file));
  return `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { createToolDeps, defaultClientConfig } from ${shared('deps')};
import { createToolHandler } from ${shared('lambda-handler')};
import { tableNamesFromEnv } from ${shared('tables')};
import { ${GROUP_EXPORTS[target]} as group } from ${JSON.stringify(path.join(ROOT, 'lambda', 'tools', target, 'handlers'))};
const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
const client = tracer.captureAWSv3Client(new DynamoDBClient(defaultClientConfig()));
export const handler = createToolHandler(group, { tools: createToolDeps({ client, tables: tableNamesFromEnv(process.env) }), logger, metrics, tracer });
`;
}

const ROOT = path.join(__dirname, '..');
// Inside node_modules so the external @aws-sdk/* packages resolve from the bundle.
const OUT = path.join(ROOT, 'node_modules', '.cache', 'agentcore-kit-bench');

const { values: opts } = parseArgs({ options: { iterations: { type: 'string', default: '10000' }, inits: { type: 'string', default: '9' } } });
const ITERATIONS = Number(opts.iterations);
const INITS = Number(opts.inits);

const tables = Object.fromEntries(TABLE_KEYS.map((k) => [k, k])) as TableNames;

/** Bench-only in-memory stand-in for the document client: Get/Query/Scan/Put on the seed data. */
function memoryStore(): DynamoDBDocumentClient {
  const data = new Map<string, Map<string, Record<string, unknown>>>();
  const keyOf = (table: TableKey, item: Record<string, unknown>) => {
    const spec = TABLES[table];
    return `${item[spec.partitionKey.name]}|${spec.sortKey ? item[spec.sortKey.name] : ''}`;
  };
  for (const k of TABLE_KEYS) data.set(k, new Map());
  for (const [k, items] of Object.entries(SEED_ITEMS) as [TableKey, Record<string, unknown>[]][]) for (const item of items) data.get(k)!.set(keyOf(k, item), structuredClone(item));
  const send = async (command: unknown) => {
    if (command instanceof GetCommand) return { Item: data.get(command.input.TableName as TableKey)!.get(keyOf(command.input.TableName as TableKey, command.input.Key!)) };
    if (command instanceof QueryCommand) {
      const [value] = Object.values(command.input.ExpressionAttributeValues!);
      const pk = TABLES[command.input.TableName as TableKey].partitionKey.name;
      return { Items: [...data.get(command.input.TableName as TableKey)!.values()].filter((i) => i[pk] === value) };
    }
    if (command instanceof ScanCommand) return { Items: [...data.get(command.input.TableName as TableKey)!.values()] };
    if (command instanceof PutCommand) {
      data.get(command.input.TableName as TableKey)!.set(keyOf(command.input.TableName as TableKey, command.input.Item!), command.input.Item!);
      return {};
    }
    throw new Error(`memory store: unsupported ${(command as object).constructor.name}`);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

/** Bench-only in-memory idempotency persistence. */
class MemoryPersistence extends BasePersistenceLayer {
  private readonly records = new Map<string, IdempotencyRecord>();
  protected async _getRecord(key: string): Promise<IdempotencyRecord> {
    return this.records.get(key)!;
  }
  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.records.get(record.idempotencyKey);
    if (existing && !existing.isExpired()) throw new IdempotencyItemAlreadyExistsError('exists', existing);
    this.records.set(record.idempotencyKey, record);
  }
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.records.set(record.idempotencyKey, record);
  }
  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}

function memoryDeps(): ToolDeps {
  const stores = new Map<string, MemoryPersistence>();
  let n = 0;
  return {
    db: memoryStore(),
    tables,
    now: () => new Date('2026-11-26T09:30:00.000Z'),
    newId: () => String(++n).padStart(8, '0'),
    idempotencyTtlSeconds: 3600,
    idempotencyStore: (prefix) => stores.get(prefix) ?? stores.set(prefix, new MemoryPersistence()).get(prefix)!,
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const us = (ns: number) => (ns / 1000).toFixed(1);

async function timeCalls(call: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(2000, ITERATIONS); i++) await call(-i - 1);
  const samples: number[] = new Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const t = process.hrtime.bigint();
    await call(i);
    samples[i] = Number(process.hrtime.bigint() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Example arguments; creates get a distinct description per call so each one really writes. */
function argsFor(toolName: string, i: number): Record<string, unknown> {
  const tool = toolCatalog.find((t) => t.name === toolName)!;
  const input = { ...tool.examples[0].input };
  if (tool.mutating && 'description' in input) input.description = `${input.description} (${i})`;
  if (tool.mutating && 'justification' in input) input.justification = `${input.justification} (${i})`;
  return input;
}

/** The Lambda event as the interceptor forwards it: the verified caller is the subject of self-service tools. */
function eventFor(toolName: string, i: number): Record<string, unknown> {
  const tool = toolCatalog.find((t) => t.name === toolName)!;
  const input = argsFor(toolName, i);
  return tool.subject ? { ...input, [CALLER_ARGUMENT]: { sub: 'bench', role: 'employee', [tool.subject.claim]: input[tool.subject.argument] } } : input;
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const env = { ...process.env, ...Object.fromEntries(TABLE_KEYS.map((k) => [TABLES[k].envVar, k])), POWERTOOLS_SERVICE_NAME: 'bench', AWS_REGION: 'us-east-1' };

  console.log(`Tool functions: esbuild minified, @aws-sdk/* external (Node 22 runtime) unless said; init = p50 (min–max) of ${INITS} fresh processes, SDK from node_modules\n`);
  const initOf = (script: string) => {
    const times: number[] = [];
    for (let i = 0; i < INITS; i++) {
      const r = spawnSync(process.execPath, ['--no-warnings', '-e', `const t=performance.now();${script};process.stdout.write(String(performance.now()-t))`], { env, encoding: 'utf8', cwd: ROOT });
      if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
      times.push(Number(r.stdout));
    }
    times.sort((a, b) => a - b);
    return `${times[Math.floor(times.length / 2)].toFixed(1)} (${times[0].toFixed(0)}–${times[times.length - 1].toFixed(0)})`;
  };
  const requireFile = (file: string) => `require(${JSON.stringify(file)})`;
  const sdkOnly = initOf(
    "const {DynamoDBClient}=require('@aws-sdk/client-dynamodb');const {DynamoDBDocumentClient}=require('@aws-sdk/lib-dynamodb');DynamoDBDocumentClient.from(new DynamoDBClient({maxAttempts:3}))",
  );
  console.log('| function | variant | KB | gzip KB | init ms |');
  console.log('|---|---|---|---|---|');
  type Variant = 'default' | 'before' | 'layer' | 'sdk bundled';
  for (const target of TOOL_TARGETS) {
    const entry = path.join(ROOT, 'lambda', 'tools', target, 'index.ts');
    const before = path.join(OUT, `${target}-before-entry.ts`);
    fs.writeFileSync(before, previousEntry(target));
    const variants: Record<Variant, { entry: string; external: string[] }> = {
      default: { entry, external: [...TOOL_BUNDLING.externalModules!] },
      before: { entry: before, external: [...TOOL_BUNDLING.externalModules!] },
      // Layer modules resolve from node_modules here, as they do from /opt/nodejs in Lambda.
      layer: { entry, external: [...TOOL_BUNDLING.externalModules!, ...POWERTOOLS_LAYER_MODULES] },
      'sdk bundled': { entry, external: [] },
    };
    for (const [kind, v] of Object.entries(variants) as [Variant, (typeof variants)[Variant]][]) {
      const outfile = path.join(OUT, `${target}-${kind.replace(' ', '-')}.js`);
      await build({
        entryPoints: [v.entry],
        bundle: true,
        platform: 'node',
        target: TOOL_BUNDLING.target,
        format: 'cjs',
        minify: TOOL_BUNDLING.minify,
        mainFields: TOOL_BUNDLING.mainFields,
        external: v.external,
        outfile,
        logLevel: 'error',
      });
      const bytes = fs.readFileSync(outfile);
      console.log(`| ${target} | ${kind} | ${(bytes.length / 1024).toFixed(1)} | ${(zlib.gzipSync(bytes).length / 1024).toFixed(1)} | ${initOf(requireFile(outfile))} |`);
    }
  }
  console.log(`| (SDK only) | client-dynamodb + lib-dynamodb from node_modules, client built | – | – | ${sdkOnly} |`);

  console.log(`\nWarm overhead per call, in-memory store, ${ITERATIONS} calls after warm-up (µs)\n`);
  console.log('| tool | dispatch p50 | dispatch p99 | handler p50 | handler p99 | result |');
  console.log('|---|---|---|---|---|---|');
  const logger = new Logger({ serviceName: 'bench', logLevel: 'INFO' });
  const metrics = new Metrics({ namespace: 'Bench', serviceName: 'bench' });
  const write = process.stdout.write.bind(process.stdout);
  for (const tool of toolCatalog) {
    // The group the deployed entry serves.
    const group = toolGroups[tool.target];
    const deps = memoryDeps();
    const sample = await dispatchInGroup(group, tool.name, argsFor(tool.name, 0), deps);
    const d = await timeCalls((i) => dispatchInGroup(group, tool.name, argsFor(tool.name, i), deps));
    const context = { clientContext: { custom: { bedrockAgentCoreToolName: `${tool.target}___${tool.name}` } }, getRemainingTimeInMillis: () => 10_000, awsRequestId: 'bench' } as unknown as Context;
    const hdeps = { tools: memoryDeps(), logger, metrics };
    process.stdout.write = (() => true) as typeof process.stdout.write;
    let h: { p50: number; p99: number };
    try {
      h = await timeCalls((i) => handleToolInvocation(group, eventFor(tool.name, 1_000_000 + i), context, hdeps));
    } finally {
      process.stdout.write = write;
    }
    console.log(`| ${tool.name} | ${us(d.p50)} | ${us(d.p99)} | ${us(h.p50)} | ${us(h.p99)} | ${isToolError(sample) ? sample.error.code : 'ok'} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
