import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** A CloudFormation template as synthesized: the parts the compliance checks read. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResourceJson>;
  readonly [key: string]: unknown;
}

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** One synthesized template: a top-level stack or a nested stack, in any stage of the assembly. */
export interface SynthesizedTemplate {
  /** Stack name (top-level) or file name without `.nested.template.json` (nested). */
  readonly name: string;
  /** Absolute path of the template file. */
  readonly file: string;
  /** Size of the template file in bytes, as CloudFormation receives it. */
  readonly bytes: number;
  readonly template: CfnTemplate;
  /** True for a nested stack template. */
  readonly nested: boolean;
  /** The stack's account when the assembly names one (env-specific stacks). @default - unknown */
  readonly account?: string;
}

/**
 * Every template of a cloud assembly: top-level stacks of the assembly and of every nested
 * assembly (pipeline stages), plus the nested-stack templates beside them.
 */
export function collectTemplates(assembly: CloudAssembly): SynthesizedTemplate[] {
  return loadTemplates(assembly.stacksRecursively.map((s) => ({ file: s.templateFullPath, name: s.stackName, account: /^\d{12}$/.test(s.environment.account) ? s.environment.account : undefined })));
}

/**
 * Read the given top-level templates and the nested-stack templates (`*.nested.template.json`) beside them.
 * @param stacks template file and stack name of each top-level stack
 */
export function loadTemplates(stacks: ReadonlyArray<{ readonly file: string; readonly name: string; readonly account?: string }>): SynthesizedTemplate[] {
  const out: SynthesizedTemplate[] = [];
  const seen = new Set<string>();
  const add = (file: string, name: string, nested: boolean, account: string | undefined) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    out.push({ name, file, bytes: Buffer.byteLength(text), template: JSON.parse(text) as CfnTemplate, nested, ...(account ? { account } : {}) });
  };
  for (const stack of stacks) {
    add(stack.file, stack.name, false, stack.account);
    const dir = path.dirname(stack.file);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.nested.template.json')).sort()) {
      add(path.join(dir, f), f.slice(0, -'.nested.template.json'.length), true, stack.account);
    }
  }
  return out;
}

/** `[template name, logical id, resource]` for every resource of the given templates. */
/** A policy field that may hold one value or a list (`Action`, `Resource`, `Statement`, `Principal.AWS`), as a list. */
export function asList(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The statements of a policy document (none when the document is missing). */
export function statementsOf(document: unknown): Record<string, unknown>[] {
  return asList((document as { Statement?: unknown } | undefined)?.Statement) as Record<string, unknown>[];
}

export function* resourcesOf(templates: readonly SynthesizedTemplate[]): Generator<[string, string, CfnResourceJson]> {
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.template.Resources ?? {})) yield [t.name, id, r];
  }
}
