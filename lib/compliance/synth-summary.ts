import { Stage } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { collectTemplates, resourcesOf } from './templates';
import { templateSizes } from './template-limits';
import { collectAcknowledgements, readValidationFindings } from './validation-report';

const get = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
const nameOf = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * A readable summary of a synthesized app: stacks with resource counts and sizes, resources by type,
 * agents (AgentCore runtimes), gateway tools, and the validation results (unacknowledged findings per
 * plugin and the number of acknowledgements).
 *
 * Pass the App (or Stage) after `synth()` — it is synthesized again only if it was not yet — or a
 * cloud assembly (then acknowledgements are not counted: they live in the construct tree).
 */
export function synthSummary(source: Stage | CloudAssembly): string {
  const assembly = Stage.isStage(source) ? source.synth() : source;
  const templates = collectTemplates(assembly);
  const lines: string[] = [];

  const sizes = templateSizes(templates);
  const total = sizes.reduce((n, s) => n + s.resources, 0);
  lines.push(`Stacks (${sizes.length}, ${total} resources):`);
  const width = Math.max(...sizes.map((s) => s.name.length), 5);
  for (const s of sizes) lines.push(`  ${s.name.padEnd(width)}  ${String(s.resources).padStart(4)} resources  ${kb(s.bytes).padStart(9)}`);

  const byType = new Map<string, number>();
  for (const [, , r] of resourcesOf(templates)) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  lines.push(`Resources by type (${byType.size} types):`);
  for (const [type, n] of [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`  ${String(n).padStart(4)}  ${type}`);

  const agents: string[] = [];
  const tools: string[] = [];
  for (const [, id, r] of resourcesOf(templates)) {
    if (r.Type === 'AWS::BedrockAgentCore::Runtime') agents.push(nameOf(r.Properties?.AgentRuntimeName, id));
    if (r.Type === 'AWS::BedrockAgentCore::GatewayTarget') {
      const target = nameOf(r.Properties?.Name, id);
      const payload = get(r.Properties, 'TargetConfiguration', 'Mcp', 'Lambda', 'ToolSchema', 'InlinePayload');
      for (const t of Array.isArray(payload) ? payload : []) tools.push(`${target}___${nameOf(get(t, 'Name'), '?')}`);
    }
  }
  lines.push(`Agents (${agents.length}): ${agents.sort().join(', ') || '-'}`);
  const byTarget = new Map<string, string[]>();
  for (const t of tools) {
    const [target, name] = t.split('___');
    byTarget.set(target, [...(byTarget.get(target) ?? []), name]);
  }
  lines.push(`Tools (${tools.length} in ${byTarget.size} gateway targets)${byTarget.size ? ':' : ''}`);
  for (const [target, names] of [...byTarget].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`  ${target} (${names.length}): ${names.sort().join(', ')}`);

  const findings = readValidationFindings(assembly);
  const byPlugin = new Map<string, { errors: number; warnings: number }>();
  for (const f of findings) {
    const c = byPlugin.get(f.plugin) ?? { errors: 0, warnings: 0 };
    if (f.severity === 'error' || f.severity === 'fatal') c.errors += f.constructPaths.length || 1;
    else c.warnings += f.constructPaths.length || 1;
    byPlugin.set(f.plugin, c);
  }
  lines.push('Validation:');
  if (byPlugin.size === 0) lines.push('  no unacknowledged findings');
  for (const [plugin, c] of byPlugin) lines.push(`  ${plugin}: ${c.errors} errors, ${c.warnings} warnings`);
  for (const f of findings) lines.push(`    ${f.severity} ${f.rule} at ${f.constructPaths.join(', ') || '-'}: ${f.description}`);
  if (Stage.isStage(source)) lines.push(`  acknowledgements: ${collectAcknowledgements(source).length}`);
  return lines.join('\n');
}
