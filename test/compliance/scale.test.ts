/**
 * CloudFormation limits at scale: every template of a platform with 100 synthetic agents × 10 tools
 * stays under 500 resources and 1 MB (each environment's own templates: platform.test.ts).
 * Sizes and timings: `npm run bench:synth`.
 */
import { App } from 'aws-cdk-lib';
import { buildSyntheticPlatform } from '../../bench/synthetic-platform';
import { applyCompliance, CFN_LIMITS, checkTemplateLimits, collectTemplates, readValidationFindings, templateSizes, type SynthesizedTemplate, type ValidationFinding } from '../../lib/compliance';
import { loadEnvironment } from '../../lib/config';

const AGENTS = 100;
const TOOLS_PER_AGENT = 10;

describe(`a platform of ${AGENTS} agents × ${TOOLS_PER_AGENT} tools`, () => {
  let templates: SynthesizedTemplate[];
  let findings: ValidationFinding[];
  beforeAll(() => {
    // Bundling is skipped: this is about templates; the synthetic agents share the reference code.
    const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:bundling-stacks': [] } });
    applyCompliance(app);
    buildSyntheticPlatform(app, loadEnvironment('dev'), AGENTS, TOOLS_PER_AGENT);
    const assembly = app.synth();
    templates = collectTemplates(assembly);
    findings = readValidationFindings(assembly);
  }, 300_000);

  test('the compliance checks find nothing unacknowledged at this size either', () => {
    expect(findings.map((f) => `${f.plugin} ${f.rule} ${f.constructPaths[0] ?? ''}`)).toEqual([]);
  });

  test('every synthetic agent reaches the templates as an AgentCore runtime', () => {
    const runtimes = templates.flatMap((t) => Object.values(t.template.Resources ?? {})).filter((r) => r.Type === 'AWS::BedrockAgentCore::Runtime');
    expect(runtimes.length).toBeGreaterThanOrEqual(AGENTS);
  });

  test(`every template is under ${CFN_LIMITS.resources} resources and ${CFN_LIMITS.bytes} bytes`, () => {
    expect(checkTemplateLimits(templates)).toEqual([]);
    expect(Math.max(...templateSizes(templates).map((s) => s.resources))).toBeLessThanOrEqual(CFN_LIMITS.resources);
  });
});
