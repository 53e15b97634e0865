/**
 * Synth scale: wall time, peak memory and template sizes of the platform with 3, 30 and 100 synthetic
 * agents (10 tools each) on top of the 4 reference agents, every size in a fresh process so memory and
 * module caches do not carry over. `runtimes` counts every agent; `over limit` counts templates over
 * 500 resources or 1 MB; `findings` counts unacknowledged validation findings (compliance on).
 *
 *   npm run bench:synth                          # 3, 30, 100 agents × 10 tools, compliance checks on
 *   npm run bench:synth -- --sizes 3,30 --tools 5 --compliance off
 *
 * Prints a table and how time grows with size (ratio of time per agent against the smallest size:
 * ≈ 1 means linear). Figures are for the machine it runs on; nothing here is asserted.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

interface Measurement {
  agents: number;
  tools: number;
  compliance: boolean;
  constructMs: number;
  synthMs: number;
  totalMs: number;
  maxRssMb: number;
  stacks: number;
  totalResources: number;
  maxResources: number;
  maxTemplateKb: number;
  runtimes: number;
  findings: number;
  overLimits: number;
}

/** Child: build and synthesize one size, print one JSON line. */
async function child(agents: number, tools: number, compliance: boolean): Promise<void> {
  const t0 = performance.now();
  const { App } = await import('aws-cdk-lib');
  const { loadEnvironment } = await import('../lib/config');
  const { applyCompliance, checkTemplateLimits, collectTemplates, readValidationFindings, templateSizes } = await import('../lib/compliance');
  const { buildSyntheticPlatform } = await import('./synthetic-platform');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-scale-'));
  const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  if (compliance) applyCompliance(app);
  buildSyntheticPlatform(app, loadEnvironment('dev'), agents, tools);
  const t1 = performance.now();
  const assembly = app.synth();
  const t2 = performance.now();
  const templates = collectTemplates(assembly);
  const sizes = templateSizes(templates);
  let runtimes = 0;
  for (const t of templates) for (const r of Object.values(t.template.Resources ?? {})) if (r.Type === 'AWS::BedrockAgentCore::Runtime') runtimes++;
  const m: Measurement = {
    agents,
    tools,
    compliance,
    constructMs: Math.round(t1 - t0),
    synthMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    stacks: sizes.length,
    totalResources: sizes.reduce((n, s) => n + s.resources, 0),
    maxResources: Math.max(...sizes.map((s) => s.resources)),
    maxTemplateKb: Math.round(Math.max(...sizes.map((s) => s.bytes)) / 1024),
    runtimes,
    findings: readValidationFindings(assembly).length,
    overLimits: checkTemplateLimits(templates).length,
  };
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function table(rows: Measurement[]): string {
  const head = ['agents', 'tools', 'runtimes', 'stacks', 'resources', 'max res/tpl', 'max tpl KB', 'over limit', 'findings', 'construct s', 'synth s', 'total s', 'peak RSS MB', 'time/agent vs smallest'];
  const base = rows[0];
  const body = rows.map((r) => [
    r.agents,
    r.agents * r.tools,
    r.runtimes,
    r.stacks,
    r.totalResources,
    r.maxResources,
    r.maxTemplateKb,
    r.overLimits,
    r.findings,
    (r.constructMs / 1000).toFixed(1),
    (r.synthMs / 1000).toFixed(1),
    (r.totalMs / 1000).toFixed(1),
    r.maxRssMb,
    (r.totalMs / r.agents / (base.totalMs / base.agents)).toFixed(2),
  ].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      sizes: { type: 'string', default: '3,30,100' },
      tools: { type: 'string', default: '10' },
      compliance: { type: 'string', default: 'on' },
    },
  });
  const tools = Number(values.tools);
  const compliance = values.compliance !== 'off';
  if (values.child) return child(Number(values.child), tools, compliance);

  const sizes = values.sizes!.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(tools) || tools < 1) {
    process.stderr.write(`--sizes: expected comma-separated positive integers, got ${values.sizes}; --tools: expected a positive integer, got ${values.tools}\n`);
    process.exitCode = 2;
    return;
  }
  const rows: Measurement[] = [];
  const failures: string[] = [];
  for (const n of sizes) {
    process.stderr.write(`synthesizing ${n} agents × ${tools} tools (compliance ${compliance ? 'on' : 'off'})...\n`);
    const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
    const r = spawnSync(tsx, [__filename, '--child', String(n), '--tools', String(tools), '--compliance', compliance ? 'on' : 'off'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !last.startsWith('{')) {
      const reason = r.stderr.split('\n').find((l) => /Error|\[\w+\]|«\w+»/.test(l) && !/^\s*at /.test(l)) ?? `exit ${r.status}`;
      failures.push(`${n} agents × ${tools} tools: synth failed: ${reason.trim()}`);
      continue;
    }
    rows.push(JSON.parse(last) as Measurement);
  }
  if (!rows.length) {
    process.stdout.write(`${failures.join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`\nSynth scale (${os.cpus().length} CPUs, Node ${process.version}; each size in a fresh process)\n\n${table(rows)}\n`);
  if (rows.length > 1) {
    const a = rows[0];
    const b = rows[rows.length - 1];
    process.stdout.write(
      `\nGrowth ${a.agents} → ${b.agents} agents (×${(b.agents / a.agents).toFixed(1)}): time ×${(b.totalMs / a.totalMs).toFixed(1)}, synth-only ×${(b.synthMs / a.synthMs).toFixed(1)}, peak RSS ×${(b.maxRssMb / a.maxRssMb).toFixed(1)}, resources ×${(b.totalResources / a.totalResources).toFixed(1)}\n`,
    );
  }
  if (failures.length) {
    process.stdout.write(`\n${failures.join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
