import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { applyCompliance, readValidationFindings } from '../../lib';
import { HrAssistantStack } from './readme-example';

test('the README construct example synthesizes with no compliance finding', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false } });
  applyCompliance(app);
  const stack = new HrAssistantStack(app, 'Hr');
  const findings = readValidationFindings(app.synth());
  expect(findings.map((f) => `${f.plugin} ${f.rule} ${f.constructPaths[0] ?? ''}`)).toEqual([]);
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::BedrockAgentCore::Runtime', 1);
  t.resourceCountIs('AWS::BedrockAgentCore::GatewayTarget', 3);
});

test('the README shows this example verbatim', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const body = fs.readFileSync(path.join(__dirname, 'readme-example.ts'), 'utf8');
  const start = body.indexOf('    const key');
  const end = body.indexOf('  }\n}');
  expect(readme).toContain(body.slice(start, end).replace(/\n$/, ''));
});
