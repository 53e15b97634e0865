/**
 * CloudFormation limits at scale: every template of a platform with 100 synthetic agents × 10 tools
 * stays under 500 resources and 1 MB (each environment's own templates: platform.test.ts).
 * Sizes and timings: `npm run bench:synth`.
 */
import { App } from 'aws-cdk-lib';
import { buildSyntheticPlatform } from '../../bench/synthetic-platform';
import { CFN_LIMITS, checkTemplateLimits, collectTemplates, templateSizes, type SynthesizedTemplate } from '../../lib/compliance';
import { loadEnvironment } from '../../lib/config';

const AGENTS = 100;
const TOOLS_PER_AGENT = 10;

describe(`a platform of ${AGENTS} agents × ${TOOLS_PER_AGENT} tools`, () => {
  let templates: SynthesizedTemplate[];
  beforeAll(() => {
    const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    buildSyntheticPlatform(app, loadEnvironment('dev'), AGENTS, TOOLS_PER_AGENT);
    templates = collectTemplates(app.synth());
  }, 300_000);

  test('every synthetic agent reaches the templates as an AgentCore runtime', () => {
    const runtimes = templates.flatMap((t) => Object.values(t.template.Resources ?? {})).filter((r) => r.Type === 'AWS::BedrockAgentCore::Runtime');
    expect(runtimes.length).toBeGreaterThanOrEqual(AGENTS);
  });

  test(`every template is under ${CFN_LIMITS.resources} resources and ${CFN_LIMITS.bytes} bytes`, () => {
    expect(checkTemplateLimits(templates)).toEqual([]);
    expect(Math.max(...templateSizes(templates).map((s) => s.resources))).toBeLessThanOrEqual(CFN_LIMITS.resources);
  });
});
