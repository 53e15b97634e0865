/**
 * The observability and evaluation constructs pass the kit's compliance gates on their own:
 * cdk-nag AwsSolutions, CloudFormation schema validation, least-privilege IAM and CMK encryption.
 */
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  applyCompliance,
  checkEncryption,
  checkIamPolicies,
  collectTemplates,
  formatEncryptionFindings,
  formatIamFindings,
  formatValidationFindings,
  readValidationFindings,
} from '../../../lib/compliance';
import { AgentEvaluation, EvaluationDatasets } from '../../../lib/evaluation';
import { AgentObservability } from '../../../lib/observability';
import { ACCOUNT, importedGateway, importedMemory, importedRuntime, REGION } from './helpers';

describe.each([
  ['with account and region', { account: ACCOUNT, region: REGION }],
  ['environment-agnostic', undefined],
])('observability + evaluation compliance (%s)', (_label, env) => {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:bundling-stacks': [] } });
  applyCompliance(app);
  const stack = new Stack(app, 'ObservabilityCompliance', { env });
  const agents = [
    { name: 'financial', runtime: importedRuntime(stack, 'financial_analytics_dev'), prices: { inputPricePer1k: 0.001, outputPricePer1k: 0.005 } },
    { name: 'hr', runtime: importedRuntime(stack, 'hr_policy_assistant_dev'), prices: { inputPricePer1k: 0.001, outputPricePer1k: 0.005 } },
  ];
  const evaluation = new AgentEvaluation(stack, 'Evaluation', { namePrefix: 'kit_dev', agents, samplingPercent: 100, drift: { scoreMin: 0.85 }, removalPolicy: RemovalPolicy.DESTROY });
  new EvaluationDatasets(stack, 'Datasets', { namePrefix: 'kit_dev', files: { hr: path.join(__dirname, '..', '..', '..', 'eval', 'datasets', 'hr.jsonl') } });
  new AgentObservability(stack, 'Observability', {
    environmentName: 'dev',
    agents,
    logRetentionDays: 14,
    alarms: { errorRatePercent: 10, latencyP95Ms: 15000, throttles: 10, policyDenialsPer5Min: 50, evaluationScoreMin: 0.7, evaluationPeriods: 3 },
    gateway: { name: 'tools', gateway: importedGateway(stack) },
    memories: [{ name: 'agents', memory: importedMemory(stack) }],
    tools: [{ name: 'getQuarterlyRevenue', target: 'financial' }],
    evaluationScores: evaluation.scoreMetrics(['Builtin.Correctness']),
    alarmEmail: 'oncall@example.com',
    transactionSearch: {},
    otlpExportSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:otlp-AbC123`,
    deliverRuntimeTelemetry: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const assembly = app.synth();
  const findings = readValidationFindings(assembly);
  const templates = collectTemplates(assembly);

  test('zero unacknowledged cdk-nag findings and zero schema findings', () => {
    expect(formatValidationFindings(findings)).toBe('');
  });

  test('IAM is least-privilege and stateful resources use customer-managed keys', () => {
    expect(formatIamFindings(checkIamPolicies(templates))).toBe('');
    expect(formatEncryptionFindings(checkEncryption(templates))).toBe('');
  });
});
