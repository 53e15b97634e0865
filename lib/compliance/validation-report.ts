import * as fs from 'node:fs';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { VALIDATION_REPORT_FILE, type CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';

/** One rule violated by one or more constructs, as the synth-time validation report lists it. */
export interface ValidationFinding {
  /** `AwsSolutions`, `CloudFormation Validate`, ... */
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly description: string;
  readonly constructPaths: readonly string[];
  /** `Schema` for CloudFormation resource-schema violations. */
  readonly category?: string;
}

interface ReportJson {
  pluginReports?: Array<{
    pluginName: string;
    conclusion: string;
    metadata?: Record<string, string>;
    violations: Array<{
      ruleName: string;
      description: string;
      severity: string;
      ruleMetadata?: Record<string, string>;
      violatingConstructs: Array<{ constructPath: string }>;
    }>;
  }>;
}

/**
 * The unacknowledged findings of the synth-time validation report (`validation-report.json`, written by
 * aws-cdk-lib for every validation plugin: cdk-nag packs and the built-in CloudFormation schema validation).
 * Acknowledged findings are not in it. A plugin that crashed is reported as a finding too.
 */
export function readValidationFindings(assembly: CloudAssembly): ValidationFinding[] {
  const file = path.join(assembly.directory, VALIDATION_REPORT_FILE);
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ReportJson;
  const out: ValidationFinding[] = [];
  for (const p of report.pluginReports ?? []) {
    if (p.violations.length === 0 && p.conclusion === 'failure') {
      out.push({ plugin: p.pluginName, rule: 'PluginFailure', severity: 'error', description: p.metadata?.error ?? 'plugin failed', constructPaths: [] });
    }
    for (const v of p.violations) {
      out.push({
        plugin: p.pluginName,
        rule: v.ruleName,
        severity: v.severity,
        description: v.description,
        constructPaths: v.violatingConstructs.map((c) => c.constructPath),
        category: v.ruleMetadata?.category,
      });
    }
  }
  return out;
}

export function formatValidationFindings(findings: readonly ValidationFinding[]): string {
  return findings.map((f) => `[${f.plugin}] ${f.severity} ${f.rule}: ${f.description}\n    at ${f.constructPaths.join('\n    at ')}`).join('\n');
}

/** Every acknowledgement recorded in the construct tree below `root`: rule id, reason and where. */
export function collectAcknowledgements(root: IConstruct): Array<{ id: string; reason: string; path: string }> {
  const out: Array<{ id: string; reason: string; path: string }> = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ id: id.replace(/^annotation::/i, ''), reason, path: c.node.path });
      }
    }
  }
  return out;
}
