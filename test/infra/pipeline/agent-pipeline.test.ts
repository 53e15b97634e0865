import { App, CfnOutput, CfnWaitConditionHandle, Stack, type Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AgentPlatform } from '../../../lib/app/platform';
import { applyCompliance, checkEncryption, checkIamPolicies, checkResourcePolicies, collectTemplates, formatEncryptionFindings, formatIamFindings, formatResourcePolicyFindings, formatValidationFindings, readValidationFindings } from '../../../lib/compliance';
import { loadEnvironment } from '../../../lib/config';
import { AgentPipeline, AgentPlatformStage, pipelineSource, type AgentPipelineProps, type PlatformOutputs } from '../../../lib/pipeline';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

/** A stand-in platform: one stack with the outputs the pipeline steps read. */
const fakePlatform = (agents: string[], rollout = true, personaTokens = false) => (stage: Stage): PlatformOutputs => {
  const stack = new Stack(stage, 'Release');
  new CfnWaitConditionHandle(stack, 'Marker');
  const out = (id: string, value: string) => new CfnOutput(stack, id, { value });
  return {
    evaluationAccess: personaTokens
      ? { userPoolId: out('UserPoolId', `${REGION}_abc`), clientId: out('EvalClientId', 'client123'), tokenUrl: out('TokenUrl', 'https://kit.auth.example.com/oauth2/token'), scope: out('Scope', 'agentcore-tools/invoke'), roleName: 'agentcore-kit-staging-evaluation-gate', callerRoleName: 'agentcore-kit-staging-evaluation-gate-caller' }
      : undefined,
    agentRuntimeArns: Object.fromEntries(agents.map((a) => [a, new CfnOutput(stack, `${a}RuntimeArn`, { value: `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/${a}-abc` })])),
    rolloutStateMachineArns: rollout ? { supervisor: new CfnOutput(stack, 'RolloutArn', { value: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:agentcore-kit-prod-rollout` }) } : undefined,
  };
};

function build(overrides: Partial<AgentPipelineProps> = {}, sourceKind: 'codestar' | 'codecommit' = 'codestar') {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  applyCompliance(app);
  const stack = new Stack(app, 'Delivery', { env: { account: ACCOUNT, region: REGION } });
  const source = pipelineSource(
    stack,
    sourceKind === 'codestar'
      ? { kind: 'codestar', connectionArn: `arn:aws:codeconnections:${REGION}:${ACCOUNT}:connection/abc`, repository: 'acme/agents', branch: 'main' }
      : { kind: 'codecommit', repositoryName: 'agents', branch: 'release' },
  );
  const agents = ['financial', 'hr', 'it'];
  const pipeline = new AgentPipeline(stack, 'Pipeline', {
    source,
    dev: { platform: fakePlatform(agents) },
    staging: { platform: fakePlatform(agents) },
    prod: { platform: fakePlatform(agents) },
    evaluation: { agents, protocol: 'http' },
    rollout: { stateMachineNames: ['agentcore-kit-prod-rollout'] },
    ...overrides,
  });
  const assembly = app.synth();
  return { pipeline, assembly, template: Template.fromJSON(assembly.getStackByName('Delivery').template) };
}

type Action = { Name: string; RunOrder: number; ActionTypeId: { Category: string; Provider: string }; Configuration?: Record<string, unknown> };
type StageJson = { Name: string; Actions: Action[] };
const stagesOf = (template: Template): StageJson[] => Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties.Stages;
const projectOf = (template: Template, action: Action) => {
  const ref = (action.Configuration?.ProjectName as { Ref: string }).Ref;
  return template.toJSON().Resources[ref] as { Properties: { Source: { BuildSpec: string }; ServiceRole: { 'Fn::GetAtt': [string, string] } } };
};
const policyOfRole = (template: Template, roleId: string) =>
  Object.values(template.findResources('AWS::IAM::Policy')).find((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))!.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;

describe('AgentPipeline (approval on, CodeStar source)', () => {
  let built: ReturnType<typeof build>;
  let stages: StageJson[];
  beforeAll(() => {
    built = build();
    stages = stagesOf(built.template);
  });

  test('stages run source → build → dev → staging → prod', () => {
    const names = stages.map((s) => s.Name).filter((n) => ['Source', 'Build', 'Dev', 'Staging', 'Prod'].includes(n));
    expect(names).toEqual(['Source', 'Build', 'Dev', 'Staging', 'Prod']);
    expect(stages.findIndex((s) => s.Name === 'UpdatePipeline')).toBeLessThan(stages.findIndex((s) => s.Name === 'Dev'));
  });

  test('the source is the CodeStar connection and branch', () => {
    const source = stages.find((s) => s.Name === 'Source')!.Actions[0];
    expect(source.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(source.Configuration).toMatchObject({ ConnectionArn: `arn:aws:codeconnections:${REGION}:${ACCOUNT}:connection/abc`, FullRepositoryId: 'acme/agents', BranchName: 'main' });
  });

  test('synth installs, type-checks, tests and synthesizes, in that order', () => {
    const synth = stages.find((s) => s.Name === 'Build')!.Actions[0];
    const spec = JSON.parse(projectOf(built.template, synth).Properties.Source.BuildSpec);
    expect(spec.phases.build.commands).toEqual(['npm ci', 'npx tsc --noEmit', 'npm test', 'npx cdk synth']);
    expect(spec.phases.install['runtime-versions']).toEqual({ nodejs: '20' });
  });

  test('after staging deploys, the evaluation gate scores every agent on the staging canary, and only then staging rolls out', () => {
    const staging = stages.find((s) => s.Name === 'Staging')!;
    const gate = staging.Actions.find((a) => a.Name === 'EvaluationGate')!;
    const rollout = staging.Actions.find((a) => a.Name === 'ProgressiveRollout-staging')!;
    expect(staging.Actions.filter((a) => a.ActionTypeId.Category === 'Deploy').every((a) => a.RunOrder < gate.RunOrder)).toBe(true);
    expect(rollout.RunOrder).toBeGreaterThan(gate.RunOrder);
    expect(rollout.RunOrder).toBe(Math.max(...staging.Actions.map((a) => a.RunOrder)));
    const spec = JSON.parse(projectOf(built.template, gate).Properties.Source.BuildSpec);
    expect(spec.phases.build.commands).toEqual([
      'npm ci',
      'npm run eval -- --agent financial --endpoint "$RUNTIME_ARN_FINANCIAL" --protocol http --qualifier canary --baseline live --env staging --out eval/results/financial',
      'npm run eval -- --agent hr --endpoint "$RUNTIME_ARN_HR" --protocol http --qualifier canary --baseline live --env staging --out eval/results/hr',
      'npm run eval -- --agent it --endpoint "$RUNTIME_ARN_IT" --protocol http --qualifier canary --baseline live --env staging --out eval/results/it',
    ]);
    const env = JSON.parse(gate.Configuration!.EnvironmentVariables as string) as Array<{ name: string; value: string }>;
    expect(env.map((e) => e.name).sort()).toEqual(['RUNTIME_ARN_FINANCIAL', 'RUNTIME_ARN_HR', 'RUNTIME_ARN_IT']);
    expect(env.find((e) => e.name === 'RUNTIME_ARN_HR')!.value).toMatch(/^#\{\w*StagingRelease\w*\.hrRuntimeArn\}$/);
  });

  test('dev rolls out right after it deploys, so its live endpoints follow what was deployed', () => {
    const dev = stages.find((s) => s.Name === 'Dev')!;
    const rollout = dev.Actions.find((a) => a.Name === 'ProgressiveRollout-dev')!;
    expect(dev.Actions.filter((a) => a.ActionTypeId.Category === 'Deploy').every((a) => a.RunOrder < rollout.RunOrder)).toBe(true);
    expect(JSON.parse(rollout.Configuration!.EnvironmentVariables as string)).toEqual([expect.objectContaining({ name: 'ROLLOUT_ARN_SUPERVISOR', value: expect.stringMatching(/DevRelease\w*\.RolloutArn\}$/) })]);
  });

  test('prod waits for a manual approval, deploys, then runs the progressive rollout', () => {
    const prod = stages.find((s) => s.Name === 'Prod')!;
    const approval = prod.Actions.find((a) => a.ActionTypeId.Category === 'Approval')!;
    const rollout = prod.Actions.find((a) => a.Name === 'ProgressiveRollout')!;
    const deploys = prod.Actions.filter((a) => a.ActionTypeId.Category === 'Deploy');
    expect(approval.RunOrder).toBe(1);
    expect(deploys.every((d) => d.RunOrder > approval.RunOrder && d.RunOrder < rollout.RunOrder)).toBe(true);
    const spec = JSON.parse(projectOf(built.template, rollout).Properties.Source.BuildSpec);
    expect(spec.phases.build.commands[0]).toMatch(/^EXECUTION_ARN=\$\(aws stepfunctions start-execution --state-machine-arn "\$ROLLOUT_ARN_SUPERVISOR"/);
    expect(spec.phases.build.commands.at(-1)).toContain('[ "$STATUS" = SUCCEEDED ] || {');
    expect(JSON.parse(rollout.Configuration!.EnvironmentVariables as string)).toEqual([expect.objectContaining({ name: 'ROLLOUT_ARN_SUPERVISOR', value: expect.stringMatching(/RolloutArn\}$/) })]);
  });

  test('the gate role may only invoke runtimes of the staging account and region', () => {
    const gate = stages.find((s) => s.Name === 'Staging')!.Actions.find((a) => a.Name === 'EvaluationGate')!;
    const statements = policyOfRole(built.template, projectOf(built.template, gate).Properties.ServiceRole['Fn::GetAtt'][0]);
    const invoke = statements.filter((s) => JSON.stringify(s.Action).includes('bedrock-agentcore'));
    expect(invoke).toEqual([
      expect.objectContaining({
        Action: 'bedrock-agentcore:InvokeAgentRuntime',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/*`]] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/*/runtime-endpoint/*`]] },
        ],
      }),
    ]);
  });

  test('the rollout role may only start and watch the named state machine', () => {
    const rollout = stages.find((s) => s.Name === 'Prod')!.Actions.find((a) => a.Name === 'ProgressiveRollout')!;
    const statements = policyOfRole(built.template, projectOf(built.template, rollout).Properties.ServiceRole['Fn::GetAtt'][0]);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('states:'))).toEqual([
      expect.objectContaining({ Action: 'states:StartExecution', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:states:${REGION}:${ACCOUNT}:stateMachine:agentcore-kit-prod-rollout`]] } }),
      expect.objectContaining({ Action: 'states:DescribeExecution', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:states:${REGION}:${ACCOUNT}:execution:agentcore-kit-prod-rollout:*`]] } }),
    ]);
  });

  test('no role of the pipeline has Action "*", a service-wide wildcard or Resource "*" (self-mutation included); no open resource policy', () => {
    expect(formatIamFindings(checkIamPolicies(collectTemplates(built.assembly)))).toBe('');
    expect(formatResourcePolicyFindings(checkResourcePolicies(collectTemplates(built.assembly)))).toBe('');
  });

  test('artifacts and build logs use the pipeline key; zero unacknowledged nag or schema findings', () => {
    built.template.hasResourceProperties('AWS::S3::Bucket', { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] } });
    built.template.hasResourceProperties('AWS::CodePipeline::Pipeline', { ArtifactStore: { EncryptionKey: Match.objectLike({ Type: 'KMS' }) } });
    expect(formatEncryptionFindings(checkEncryption(collectTemplates(built.assembly)))).toBe('');
    expect(formatValidationFindings(readValidationFindings(built.assembly as CloudAssembly))).toBe('');
  });
});

describe('AgentPipeline with persona tokens (JWT-authorized staging agents in another account)', () => {
  const STAGING_ACCOUNT = '222222222222';
  let built: ReturnType<typeof build>;
  let gate: Action;
  beforeAll(() => {
    const agents = ['financial', 'hr', 'it'];
    built = build({
      staging: { env: { account: STAGING_ACCOUNT, region: REGION }, platform: fakePlatform([...agents, 'supervisor'], true, true) },
      evaluation: { agents, supervisors: [{ agent: 'supervisor', datasets: ['hr', 'it'] }] },
    });
    gate = stagesOf(built.template).find((s) => s.Name === 'Staging')!.Actions.find((a) => a.Name === 'EvaluationGate')!;
  });

  test('the gate assumes the staging evaluation role, then scores each specialist as its personas over A2A, and the supervisor over HTTP on each dataset', () => {
    const spec = JSON.parse(projectOf(built.template, gate).Properties.Source.BuildSpec);
    expect(spec.phases.build.commands[1]).toMatch(/aws sts assume-role --role-arn "\$EVAL_ROLE_ARN"/);
    expect(spec.phases.build.commands.slice(2)).toEqual([
      ...['financial', 'hr', 'it'].map((a) => `npm run eval -- --agent ${a} --endpoint "$RUNTIME_ARN_${a.toUpperCase()}" --protocol a2a --auth cognito --qualifier canary --baseline live --env staging --out eval/results/${a}`),
      ...['hr', 'it'].map((a) => `npm run eval -- --agent ${a} --endpoint "$RUNTIME_ARN_SUPERVISOR" --protocol http --auth cognito --qualifier canary --baseline live --env staging --out eval/results/supervisor-${a}`),
    ]);
    const env = JSON.parse(gate.Configuration!.EnvironmentVariables as string) as Array<{ name: string; value: unknown }>;
    // Stage outputs arrive as action variables; the role ARN is known at synth and set on the project.
    expect(env.map((e) => e.name).sort()).toEqual(['EVAL_CLIENT_ID', 'EVAL_SCOPE', 'EVAL_TOKEN_URL', 'EVAL_USER_POOL_ID', 'RUNTIME_ARN_FINANCIAL', 'RUNTIME_ARN_HR', 'RUNTIME_ARN_IT', 'RUNTIME_ARN_SUPERVISOR']);
    expect(env.find((e) => e.name === 'EVAL_CLIENT_ID')!.value).toMatch(/^#\{\w*StagingRelease\w*\.EvalClientId\}$/);
    const project = projectOf(built.template, gate) as unknown as { Properties: { Environment: { EnvironmentVariables: Array<{ Name: string; Value: unknown }> } } };
    const roleArn = project.Properties.Environment.EnvironmentVariables.find((e) => e.Name === 'EVAL_ROLE_ARN')!.Value;
    expect(JSON.stringify(roleArn)).toContain(`:iam::${STAGING_ACCOUNT}:role/agentcore-kit-staging-evaluation-gate`);
  });

  test('the gate role may assume that one role and invoke nothing itself (the agents take bearer tokens)', () => {
    const statements = policyOfRole(built.template, projectOf(built.template, gate).Properties.ServiceRole['Fn::GetAtt'][0]);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('bedrock-agentcore'))).toEqual([]);
    expect(statements.filter((s) => s.Action === 'sts:AssumeRole')).toEqual([
      expect.objectContaining({ Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${STAGING_ACCOUNT}:role/agentcore-kit-staging-evaluation-gate`]] } }),
    ]);
    expect(formatIamFindings(checkIamPolicies(collectTemplates(built.assembly)))).toBe('');
  });

  test('the gate step runs as the role of fixed name that the staging evaluation role trusts, assumed by CodeBuild only', () => {
    const roleId = projectOf(built.template, gate).Properties.ServiceRole['Fn::GetAtt'][0];
    const role = built.template.toJSON().Resources[roleId];
    expect(role.Properties.RoleName).toBe('agentcore-kit-staging-evaluation-gate-caller');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Action: 'sts:AssumeRole', Principal: { Service: 'codebuild.amazonaws.com' } })]);
  });
});

describe('AgentPipeline variants', () => {
  test('without manual approval prod has no approval action; a CodeCommit source is used', () => {
    const { template } = build({ manualApprovalBeforeProd: false }, 'codecommit');
    const stages = stagesOf(template);
    expect(stages.flatMap((s) => s.Actions).filter((a) => a.ActionTypeId.Category === 'Approval')).toEqual([]);
    expect(stages.find((s) => s.Name === 'Source')!.Actions[0]).toMatchObject({ ActionTypeId: { Provider: 'CodeCommit' }, Configuration: { RepositoryName: 'agents', BranchName: 'release' } });
  });

  /** A pipeline over stand-in platforms, built in a fresh app (for the validation errors). */
  const pipelineOf = (agents: { dev: string[]; staging: string[]; prod: string[]; prodRollout?: boolean }, evaluation: AgentPipelineProps['evaluation']) => {
    const stack = new Stack(new App(), 'Delivery');
    return new AgentPipeline(stack, 'Pipeline', {
      source: pipelineSource(stack, { kind: 'codecommit', repositoryName: 'agents', branch: 'main' }),
      dev: { platform: fakePlatform(agents.dev) },
      staging: { platform: fakePlatform(agents.staging) },
      prod: { platform: fakePlatform(agents.prod, agents.prodRollout ?? true) },
      evaluation,
    });
  };

  test('an evaluated agent without a staging runtime output and a prod without a rollout output fail with one error', () => {
    expect(() => pipelineOf({ dev: ['financial'], staging: ['financial'], prod: ['financial'], prodRollout: false }, { agents: ['financial', 'hr'], protocol: 'http' })).toThrow(
      /\[InvalidPipeline\] 2 problems:[\s\S]*evaluation\.agents: "hr" has no runtime ARN output in the staging platform.*\(got: financial\)[\s\S]*prod\.platform: must return rolloutStateMachineArns/,
    );
  });

  test('a supervisor without a staging runtime output or without datasets, and an unknown rollout stage, fail with one error', () => {
    const stack = new Stack(new App(), 'Delivery');
    expect(
      () =>
        new AgentPipeline(stack, 'Pipeline', {
          source: pipelineSource(stack, { kind: 'codecommit', repositoryName: 'agents', branch: 'main' }),
          dev: { platform: fakePlatform(['hr']) },
          staging: { platform: fakePlatform(['hr']) },
          prod: { platform: fakePlatform(['hr']) },
          evaluation: { agents: ['hr'], protocol: 'http', supervisors: [{ agent: 'supervisor', datasets: [] }] },
          rollout: { stages: ['dev', 'qa' as 'dev'] },
        }),
    ).toThrow(/\[InvalidPipeline\] 3 problems:[\s\S]*evaluation\.supervisors\[0\]\.agent: "supervisor" has no runtime ARN output[\s\S]*evaluation\.supervisors\[0\]\.datasets: expected at least one dataset[\s\S]*rollout\.stages: expected dev, staging or prod, got "qa"/);
  });

  test('rollout.stages limits the rollouts to the stages named', () => {
    const { template } = build({ rollout: { stages: ['prod'] } });
    const rollouts = stagesOf(template).flatMap((s) => s.Actions.filter((a) => a.Name.startsWith('ProgressiveRollout')).map((a) => `${s.Name}/${a.Name}`));
    expect(rollouts).toEqual(['Prod/ProgressiveRollout']);
  });

  test('A2A agents without persona tokens are rejected: the runner signs HTTP calls only', () => {
    expect(() => pipelineOf({ dev: ['hr'], staging: ['hr'], prod: ['hr'] }, { agents: ['hr'] })).toThrow(/staging\.platform: returns no evaluationAccess[\s\S]*set evaluation\.protocol to "http"/);
  });

  test('an empty evaluation list is rejected', () => {
    expect(() => pipelineOf({ dev: [], staging: [], prod: [] }, { agents: [] })).toThrow(/evaluation\.agents: expected at least one agent/);
  });
});

describe('AgentPlatformStage', () => {
  test('builds the reference platform inside the stage, with the stage environment', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    // The built-in configs use us. inference profiles: a US region.
    const region = 'us-east-1';
    const stage = new AgentPlatformStage(app, 'Staging', {
      env: { account: ACCOUNT, region },
      platform: (s) => {
        new AgentPlatform(s, { config: loadEnvironment('staging') });
      },
    });
    const stacks = stage.synth().stacks;
    expect(stacks.map((s) => s.stackName)).toContain('Staging-AgentCoreKit-staging-Foundation');
    expect(stacks.every((s) => s.environment.account === ACCOUNT && s.environment.region === region)).toBe(true);
    expect(stage.outputs).toEqual({});
  }, 300_000);
});
