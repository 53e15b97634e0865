/**
 * The pipeline delivering the reference platform itself: each stage builds `AgentPlatform` from its
 * environment config and hands over the platform's own outputs (runtime ARNs, rollout state machines).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { SPECIALIST_IDS } from '../../../catalog/agents';
import { AgentPlatform } from '../../../lib/app/platform';
import { applyCompliance, checkEncryption, checkIamPolicies, collectTemplates, formatEncryptionFindings, formatIamFindings, formatValidationFindings, readValidationFindings } from '../../../lib/compliance';
import { loadEnvironment, type EnvironmentConfig } from '../../../lib/config';
import { AgentPipeline, pipelineSource, type PipelineStageOptions } from '../../../lib/pipeline';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

const stageOf = (config: EnvironmentConfig): PipelineStageOptions => ({
  env: { account: config.account ?? ACCOUNT, region: config.region ?? REGION },
  platform: (stage) => new AgentPlatform(stage, { config }).pipelineOutputs,
});

describe('AgentPipeline over the reference platform', () => {
  let assembly: CloudAssembly;
  let template: Template;
  beforeAll(() => {
    const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    applyCompliance(app);
    const prod = loadEnvironment('prod');
    const stack = new Stack(app, 'AgentCoreKit-Pipeline', { env: { account: ACCOUNT, region: REGION } });
    new AgentPipeline(stack, 'Delivery', {
      source: pipelineSource(stack, { kind: 'codestar', connectionArn: `arn:aws:codeconnections:${REGION}:${ACCOUNT}:connection/abc`, repository: 'acme/agentcore-kit', branch: 'main' }),
      synthCommand: 'npx cdk synth -c env=prod',
      dev: stageOf(loadEnvironment('dev')),
      staging: stageOf(loadEnvironment('staging')),
      prod: stageOf(prod),
      evaluation: { agents: SPECIALIST_IDS },
      manualApprovalBeforeProd: prod.pipeline.manualApprovalBeforeProd,
    });
    assembly = app.synth();
    template = Template.fromJSON(assembly.getStackByName('AgentCoreKit-Pipeline').template);
  }, 600_000);

  test('the gate reads every specialist runtime ARN and the evaluation client from the staging platform outputs', () => {
    const stages = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties.Stages as Array<{ Name: string; Actions: Array<{ Name: string; Configuration?: { EnvironmentVariables?: string } }> }>;
    const gate = stages.find((s) => s.Name === 'Staging')!.Actions.find((a) => a.Name === 'EvaluationGate')!;
    const env = JSON.parse(gate.Configuration!.EnvironmentVariables!) as Array<{ name: string; value: string }>;
    expect(env.map((e) => e.name).sort()).toEqual(['EVAL_CLIENT_ID', 'EVAL_SCOPE', 'EVAL_TOKEN_URL', 'EVAL_USER_POOL_ID', 'RUNTIME_ARN_FINANCIAL', 'RUNTIME_ARN_HR', 'RUNTIME_ARN_IT']);
    // The staging foundation stack's outputs, read after staging deploys.
    expect(env.find((e) => e.name === 'EVAL_CLIENT_ID')!.value).toMatch(/^#\{\w*staging\w*Foundation\w*\.EvaluationClientId\}$/i);
    const rollout = stages.find((s) => s.Name === 'Prod')!.Actions.find((a) => a.Name === 'ProgressiveRollout')!;
    expect(JSON.parse(rollout.Configuration!.EnvironmentVariables!).length).toBeGreaterThan(0);
  });

  test('every stage template passes the IAM, key, nag and schema checks', () => {
    const templates = collectTemplates(assembly);
    expect(templates.length).toBeGreaterThan(3);
    expect(formatIamFindings(checkIamPolicies(templates))).toBe('');
    expect(formatEncryptionFindings(checkEncryption(templates))).toBe('');
    expect(formatValidationFindings(readValidationFindings(assembly))).toBe('');
  });

  test('the generated asset-publishing role may start only its own asset projects', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => /AssetsFileRoleDefaultPolicy/.test(id));
    expect(policies).toHaveLength(1);
    const startBuild = (policies[0][1].Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: Array<{ 'Fn::GetAtt': string[] }> }>).find((st) => st.Action.includes('codebuild:StartBuild'))!;
    expect(startBuild.Resource.length).toBeGreaterThan(0);
    expect(startBuild.Resource.map((r) => r['Fn::GetAtt'][0])).toEqual(startBuild.Resource.map(() => expect.stringMatching(/PipelineAssetsFileAsset\w+$/)));
  });
});
