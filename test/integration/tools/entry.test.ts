/**
 * The Lambda entry points as deployed: bundled by esbuild with the construct's settings, loaded in
 * a fresh node process with the environment the construct sets, invoked with a gateway context,
 * against dynalite.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { isToolError } from '../../../catalog/result';
import { createToolDeps } from '../../../lambda/shared/deps';
import { TABLES, TABLE_KEYS } from '../../../lambda/shared/tables';
import { dispatchTool as dispatchAny } from '../../../lambda/tools/dispatch';
import { checked } from './support/checked-dispatch';
import { TOOL_BUNDLING } from '../../../lib/tools/defaults';
import { LOCAL_CREDENTIALS, startDynalite, type LocalDynamo } from '../../../local/dynalite';

/** Every success is parsed by the tool's catalog output schema. */
const dispatchTool = checked(dispatchAny);

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'node_modules', '.cache', 'agentcore-kit-test');

let db: LocalDynamo;
beforeAll(async () => {
  db = await startDynalite({ seed: true });
  fs.mkdirSync(OUT, { recursive: true });
});
afterAll(() => db.stop());

/** Source files with code in each bundle (after tree shaking), from esbuild's metafile. */
const bundledInputs: Record<string, string[]> = {};

async function bundle(target: string): Promise<string> {
  const outfile = path.join(OUT, `${target}.js`);
  const { metafile } = await build({
    entryPoints: [path.join(ROOT, 'lambda', 'tools', target, 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: TOOL_BUNDLING.target,
    minify: TOOL_BUNDLING.minify,
    mainFields: TOOL_BUNDLING.mainFields,
    external: TOOL_BUNDLING.externalModules,
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  const [output] = Object.values(metafile.outputs);
  bundledInputs[target] = Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([file]) => file);
  return outfile;
}

/** Invoke the bundled handler once per call in one fresh process; returns results and stdout lines. */
async function invoke(target: string, calls: { tool: string; args: unknown }[]) {
  const file = await bundle(target);
  const script = `
    const { handler } = require(${JSON.stringify(file)});
    (async () => {
      const results = [];
      for (const c of ${JSON.stringify(calls)}) {
        const context = { awsRequestId: 'r', functionName: 'tools-${target}', getRemainingTimeInMillis: () => 5000, clientContext: { custom: { bedrockAgentCoreToolName: c.tool } } };
        results.push(await handler(c.args, context));
      }
      process.stdout.write('RESULTS ' + JSON.stringify(results) + '\\n');
    })();`;
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    POWERTOOLS_SERVICE_NAME: `tools-${target}`,
    POWERTOOLS_METRICS_NAMESPACE: 'AgentCoreKit/Tools',
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...Object.fromEntries(TABLE_KEYS.map((k) => [TABLES[k].envVar, db.tables[k]])),
  };
  const { stdout, stderr } = await run(process.execPath, ['-e', script], { env, cwd: ROOT });
  // Powertools writes INFO to stdout and WARN/ERROR to stderr.
  const lines = `${stdout}\n${stderr}`.split('\n').filter(Boolean);
  const results = JSON.parse(lines.find((l) => l.startsWith('RESULTS '))!.slice(8));
  const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { results, metrics: json.filter((j) => j._aws), logs: json.filter((j) => j.level) };
}

test('the bundled hr entry serves tools by gateway name, emits one metric and one log line per call', async () => {
  // As the interceptor forwards it: the verified caller in `_caller`.
  const ticket = { employeeId: 'E10001', category: 'leave', description: 'Please move my leave from 2 to 9 December.', _caller: { sub: 'sub-alex', role: 'analyst', employeeId: 'E10001' } };
  const { results, metrics, logs } = await invoke('hr', [
    { tool: 'hr___getPolicy', args: { policyName: 'expenses' } },
    { tool: 'hr___createHRTicket', args: ticket },
    { tool: 'hr___createHRTicket', args: ticket },
    { tool: 'hr___checkVacationBalance', args: { employeeId: 'nope' } },
    { tool: 'hr___checkVacationBalance', args: { employeeId: 'E10002', _caller: ticket._caller } },
  ]);
  expect(results[4]).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('the request names E10002, the signed-in caller is E10001') } });
  expect(results[0]).toMatchObject({ policyName: 'expenses', version: '5.0' });
  expect(results[2]).toEqual(results[1]);
  expect(results[3]).toMatchObject({ error: { code: 'VALIDATION_ERROR', fields: [{ field: 'employeeId' }] } });
  expect(metrics.map((m) => [m.tool, m.outcome, m.ToolInvocation])).toEqual([
    ['getPolicy', 'SUCCESS', 1],
    ['createHRTicket', 'SUCCESS', 1],
    ['createHRTicket', 'SUCCESS', 1],
    ['checkVacationBalance', 'VALIDATION_ERROR', 1],
    ['checkVacationBalance', 'FORBIDDEN', 1],
  ]);
  expect(logs.map((l) => [l.level, l.tool, l.outcome])).toEqual([
    ['INFO', 'getPolicy', 'SUCCESS'],
    ['INFO', 'createHRTicket', 'SUCCESS'],
    ['INFO', 'createHRTicket', 'SUCCESS'],
    ['WARN', 'checkVacationBalance', 'VALIDATION_ERROR'],
    ['WARN', 'checkVacationBalance', 'FORBIDDEN'],
  ]);
});

test('the bundled financial and it entries answer from their own tables', async () => {
  const financial = await invoke('financial', [{ tool: 'financial___getQuarterlyRevenue', args: { region: 'APAC', quarter: '2025-Q4' } }]);
  expect(financial.results).toEqual([{ revenue: 1027.9, currency: 'USD', period: '2025-Q4', region: 'APAC' }]);
  const it = await invoke('it', [{ tool: 'it___checkVPNStatus', args: { userId: 'u20001', _caller: { sub: 'sub-alex', role: 'analyst', userId: 'u20001' } } }]);
  expect(it.results[0]).toMatchObject({ userId: 'u20001', connected: true, clientUpToDate: true });
});

test('the bundled entries reject bad arguments with exactly the catalog’s VALIDATION_ERROR', async () => {
  const bad = {
    financial: [
      { tool: 'financial___calculateGrowth', args: { currentValue: '12', previousValue: 0, extra: true } },
      { tool: 'financial___generateExecutiveSummary', args: { quarter: '2024-Q5', regions: [] } },
    ],
    hr: [{ tool: 'hr___createHRTicket', args: { employeeId: 'E1', category: 'payroll', description: '   too short    ' } }],
    it: [{ tool: 'it___searchKnowledgeBase', args: { query: 'vp', maxResults: 10.5 } }, { tool: 'it___resetPassword', args: 'not an object' }],
  };
  const deps = createToolDeps({ client: db.client, tables: db.tables });
  for (const [target, calls] of Object.entries(bad)) {
    const { results } = await invoke(target, calls);
    const expected = await Promise.all(calls.map((c) => dispatchTool(c.tool, c.args, deps)));
    expect(expected.map((r) => isToolError(r) && r.error.code)).toEqual(calls.map(() => 'VALIDATION_ERROR'));
    expect(results).toEqual(expected);
  }
});

test('the bundles validate with the catalog definitions and carry neither the X-Ray SDK nor the Powertools Tracer', async () => {
  for (const target of ['financial', 'hr', 'it']) {
    await bundle(target);
    const inputs = bundledInputs[target];
    expect(inputs.filter((f) => /aws-xray-sdk-core|@aws-lambda-powertools\/tracer/.test(f))).toEqual([]);
    // What stays: the one catalog definition of each tool, Powertools idempotency, logger and metrics, the tool functions.
    for (const needed of [new RegExp(`catalog/tools/${target}\\.ts`), /@aws-lambda-powertools\/idempotency/, /@aws-lambda-powertools\/logger/, /@aws-lambda-powertools\/metrics/, new RegExp(`lambda/tools/${target}/tools\\.ts`)]) {
      expect(inputs.some((f) => needed.test(f))).toBe(true);
    }
  }
});
