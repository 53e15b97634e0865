/** Synthesizes the reference platform once per environment for the compliance tests of one test file. */
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AgentPlatform, type AgentPlatformProps } from '../../lib/app/platform';
import { applyCompliance, collectAcknowledgements, collectTemplates, readValidationFindings, type SynthesizedTemplate, type ValidationFinding } from '../../lib/compliance';
import { loadEnvironment } from '../../lib/config';

export interface SynthesizedPlatform {
  readonly app: App;
  readonly assembly: CloudAssembly;
  readonly templates: SynthesizedTemplate[];
  readonly findings: ValidationFinding[];
  readonly acknowledgements: ReturnType<typeof collectAcknowledgements>;
}

/**
 * `new App()` + `new AgentPlatform(app, { config: loadEnvironment(name), ...extra })` with the compliance
 * checks on (the environment's `compliance.packs`). Synth does not throw on findings here (the report is read and asserted instead, so a failure
 * lists every finding).
 */
export function synthPlatform(name: string, extra: Partial<AgentPlatformProps> = {}): SynthesizedPlatform {
  // The checks read templates: code assets are placeholders (bundling is proven by the artifact tests).
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:bundling-stacks': [] } });
  const config = loadEnvironment(name);
  // The rule packs the environment's config names (compliance.packs), as bin/app.ts runs them.
  applyCompliance(app, { packs: config.compliance.packs });
  new AgentPlatform(app, { config, ...extra });
  const assembly = app.synth();
  return { app, assembly, templates: collectTemplates(assembly), findings: readValidationFindings(assembly), acknowledgements: collectAcknowledgements(app) };
}
