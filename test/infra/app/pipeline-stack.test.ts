import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PipelineStack } from '../../../lib/app/pipeline-stack';
import { BUILT_IN_ENVIRONMENTS, loadEnvironment, resolveEnvironment } from '../../../lib/config';

const SOURCE = { kind: 'codestar', connectionArn: 'arn:aws:codestar-connections:us-east-1:123456789012:connection/abc', repository: 'acme/agents', branch: 'main' };

function pipeline(prodOverrides: Record<string, unknown>): PipelineStack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const prod = resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.prod, ...prodOverrides });
  return new PipelineStack(app, 'Pipeline', {
    env: { account: '123456789012', region: 'us-east-1' },
    environments: { dev: loadEnvironment('dev'), staging: loadEnvironment('staging'), prod },
  });
}

describe('reference pipeline', () => {
  const stack = pipeline({ pipeline: { source: SOURCE, manualApprovalBeforeProd: true } });
  const t = Template.fromStack(stack);

  test('deploys dev, then staging with the evaluation gate, then prod after approval with the rollout', () => {
    const [p] = Object.values(t.findResources('AWS::CodePipeline::Pipeline'));
    const stages = (p.Properties.Stages as { Name: string; Actions: { Name: string }[] }[]).map((s) => [s.Name, s.Actions.map((a) => a.Name)]);
    const names = stages.map(([n]) => n);
    expect(names).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Dev', 'Staging', 'Prod']);
    const actions = Object.fromEntries(stages) as Record<string, string[]>;
    expect(actions.Staging).toContain('EvaluationGate');
    expect(actions.Prod).toEqual(expect.arrayContaining(['PromoteToProd', 'ProgressiveRollout']));
  });

  test('the synth step builds the pipeline assembly, after type-check and tests', () => {
    t.hasResourceProperties('AWS::CodeBuild::Project', {
      Source: { BuildSpec: Match.serializedJson(Match.objectLike({ phases: Match.objectLike({ build: { commands: Match.arrayWith(['npm test', 'npx cdk synth -c pipeline=true']) } }) })) },
    });
  });

  test('the evaluation gate scores the staging canary of every specialist', () => {
    const gate = Object.values(t.findResources('AWS::CodeBuild::Project')).map((r) => JSON.stringify(r.Properties.Source.BuildSpec)).find((b) => b.includes('npm run eval'));
    expect(gate).toBeDefined();
    for (const agent of ['financial', 'hr', 'it']) expect(gate).toContain(`--agent ${agent}`);
    expect(gate).toContain('--qualifier canary');
    expect(gate).toContain('--env staging');
  });

  test('without manual approval prod follows staging directly', () => {
    const noApproval = Template.fromStack(pipeline({ pipeline: { source: SOURCE, manualApprovalBeforeProd: false } }));
    const [p] = Object.values(noApproval.findResources('AWS::CodePipeline::Pipeline'));
    const prod = (p.Properties.Stages as { Name: string; Actions: { Name: string }[] }[]).find((s) => s.Name === 'Prod')!;
    expect(prod.Actions.map((a) => a.Name)).not.toContain('PromoteToProd');
  });

  test('a prod config without a pipeline source is a clear error', () => {
    expect(() => pipeline({ pipeline: { manualApprovalBeforeProd: true } })).toThrow(/prod: pipeline\.source: required to build the pipeline/);
  });
});
