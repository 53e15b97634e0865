import type { SynthesizedTemplate } from './templates';

/** CloudFormation quotas every template must stay under. */
export const CFN_LIMITS = {
  /** Resources per template. */
  resources: 500,
  /** Template body size uploaded through S3: 1 MB (taken as 1,000,000 bytes to keep a margin). */
  bytes: 1_000_000,
} as const;

export interface TemplateSize {
  readonly name: string;
  readonly resources: number;
  readonly bytes: number;
}

export function templateSizes(templates: readonly SynthesizedTemplate[]): TemplateSize[] {
  return templates.map((t) => ({ name: t.name, resources: Object.keys(t.template.Resources ?? {}).length, bytes: t.bytes }));
}

/** Templates over a CloudFormation limit, as readable lines (empty when all fit). */
export function checkTemplateLimits(templates: readonly SynthesizedTemplate[], limits = CFN_LIMITS): string[] {
  const out: string[] = [];
  for (const s of templateSizes(templates)) {
    if (s.resources > limits.resources) out.push(`${s.name}: ${s.resources} resources, limit ${limits.resources}`);
    if (s.bytes > limits.bytes) out.push(`${s.name}: ${s.bytes} bytes, limit ${limits.bytes}`);
  }
  return out;
}
