import { Arn, ArnFormat, Aws, Duration, Stack, Token, Validations, type Environment, type IResolvable, type IResolveContext } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { acknowledgeGeneratedFindings, exemptFromCustomerManagedKey } from '../compliance/acknowledge';
import { Problems } from '../errors';
import { AgentPlatformStage, type PlatformFactory } from './agent-platform-stage';
import { EVALUATION_ACCESS_VARIABLES, evaluationGateCommands, rolloutArnVariable, rolloutCommands, runtimeArnVariable, synthCommands, type EvaluationTarget } from './commands';

/** Node.js major version of the build steps (the project's toolchain). */
const NODE_VERSION = '20';

/** One environment the pipeline deploys. */
export interface PipelineStageOptions {
  /** Account and region of the environment. @default - the pipeline's account and region */
  readonly env?: Environment;
  /** Builds the platform inside the stage and returns its outputs. */
  readonly platform: PlatformFactory;
}

export interface EvaluationGateProps {
  /** Agents to score on the staging canary; each needs its runtime ARN among the staging outputs. */
  readonly agents: readonly string[];
  /** Environment whose thresholds apply. @default 'staging' */
  readonly environment?: string;
  /** Runtime endpoint scored. @default 'canary' */
  readonly qualifier?: string;
  /**
   * How the runner talks to these agents: `a2a` for A2A runtimes (the specialists), `http` for
   * `POST /invocations` runtimes (a supervisor).
   * @default 'a2a'
   */
  readonly protocol?: 'a2a' | 'http';
  /**
   * User-facing agents scored too: every dataset listed is sent through the agent's canary (over HTTP,
   * `POST /invocations`) and compared with its live, so a supervisor change is gated like a specialist's.
   * Each needs its runtime ARN among the staging outputs.
   * @default - none
   */
  readonly supervisors?: ReadonlyArray<{ readonly agent: string; readonly datasets: readonly string[] }>;
  /** Extra `npm run eval` flags for every agent. @default [] */
  readonly extraArgs?: readonly string[];
}

export interface ProgressiveRolloutProps {
  /**
   * Stages whose releases are rolled out after they deploy (staging after its evaluation gate). A stage
   * left out keeps serving its last promoted versions on `live`: deploys only move its canaries.
   * @default ['dev', 'staging', 'prod']
   */
  readonly stages?: ReadonlyArray<'dev' | 'staging' | 'prod'>;
  /**
   * Names of the rollout state machines, to scope the step's IAM to them.
   * @default - any state machine of the stage's account and region
   */
  readonly stateMachineNames?: readonly string[];
  /** Execution input (JSON). @default '{}' */
  readonly input?: string;
  /** Seconds between status polls. @default 30 */
  readonly pollSeconds?: number;
  /**
   * How long the step waits for the rollout (CodeBuild allows up to 8 hours).
   * @default Duration.hours(2)
   */
  readonly timeout?: Duration;
}

export interface AgentPipelineProps {
  /** Where the code comes from: see {@link pipelineSource}. */
  readonly source: pipelines.CodePipelineSource;
  /** Command line that synthesizes the app after the tests. @default 'npx cdk synth' */
  readonly synthCommand?: string;
  /** First stage: deployed right after synth. */
  readonly dev: PipelineStageOptions;
  /** Second stage: deployed after dev, then scored by the evaluation gate on its canary endpoints. */
  readonly staging: PipelineStageOptions;
  /** Last stage: deployed after the gate (and the approval), then rolled out progressively. */
  readonly prod: PipelineStageOptions;
  /** Offline evaluation of the staging canary; a threshold breach fails the pipeline before prod. */
  readonly evaluation: EvaluationGateProps;
  /**
   * Progressive rollout after each stage deploys: every state machine the stage's platform outputs, in
   * key order (the reference platform lists the specialists before the supervisor).
   * @default - every stage, default input, 30 s polls, 2 h timeout, IAM scoped to any state machine of the stage's account and region
   */
  readonly rollout?: ProgressiveRolloutProps;
  /** Ask a person to approve before prod deploys. @default true */
  readonly manualApprovalBeforeProd?: boolean;
  /** Name of the CodePipeline pipeline. @default - generated */
  readonly pipelineName?: string;
  /**
   * Let the pipeline update itself (CDK Pipelines self-mutation) when its definition changes.
   * @default true
   */
  readonly selfMutation?: boolean;
}

/** Settings of a pipeline source as the environment config writes them. */
export type PipelineSourceSettings =
  | { readonly kind: 'codestar'; readonly connectionArn: string; readonly repository: string; readonly branch: string }
  | { readonly kind: 'codecommit'; readonly repositoryName: string; readonly branch: string };

/** A CodeStar (CodeConnections) or CodeCommit source from plain settings. */
export function pipelineSource(scope: Construct, settings: PipelineSourceSettings): pipelines.CodePipelineSource {
  return settings.kind === 'codestar'
    ? pipelines.CodePipelineSource.connection(settings.repository, settings.branch, { connectionArn: settings.connectionArn })
    : pipelines.CodePipelineSource.codeCommit(codecommit.Repository.fromRepositoryName(scope, 'SourceRepository', settings.repositoryName), settings.branch);
}

/**
 * CDK Pipelines delivery of the agent platform: source → synth (`npm ci`, type-check, tests, `cdk synth`)
 * → dev → staging → evaluation gate on the staging canary (persona tokens when the agents use JWT auth) → optional manual approval → prod → progressive
 * rollout (the release state machine, which rolls back on alarm). Artifacts and logs are encrypted with
 * a customer-managed key; the step roles get only what their commands use.
 */
export class AgentPipeline extends Construct {
  readonly pipeline: pipelines.CodePipeline;
  readonly stages: { readonly dev: AgentPlatformStage; readonly staging: AgentPlatformStage; readonly prod: AgentPlatformStage };
  /** Key of the artifact bucket and the build logs. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AgentPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const dev = new AgentPlatformStage(this, 'Dev', { env: props.dev.env, platform: props.dev.platform });
    const staging = new AgentPlatformStage(this, 'Staging', { env: props.staging.env, platform: props.staging.platform });
    const prod = new AgentPlatformStage(this, 'Prod', { env: props.prod.env, platform: props.prod.platform });
    this.stages = { dev, staging, prod };

    const problems = new Problems('InvalidPipeline');
    problems.check(props.evaluation.agents.length > 0, 'evaluation.agents: expected at least one agent to score on the staging canary');
    for (const agent of props.evaluation.agents) {
      problems.check(
        !!staging.outputs.agentRuntimeArns?.[agent],
        `evaluation.agents: "${agent}" has no runtime ARN output in the staging platform; the staging platform factory must return agentRuntimeArns.${agent} (got: ${Object.keys(staging.outputs.agentRuntimeArns ?? {}).join(', ') || 'none'})`,
      );
    }
    problems.check(
      staging.outputs.evaluationAccess !== undefined || props.evaluation.protocol === 'http',
      'staging.platform: returns no evaluationAccess, so the gate would sign its calls with AWS credentials, which the runner supports for HTTP agents only; return evaluationAccess (persona tokens, needed for A2A specialists and JWT-authorized runtimes) or set evaluation.protocol to "http" for IAM-authorized HTTP runtimes',
    );
    for (const [i, s] of (props.evaluation.supervisors ?? []).entries()) {
      problems.check(
        !!staging.outputs.agentRuntimeArns?.[s.agent],
        `evaluation.supervisors[${i}].agent: "${s.agent}" has no runtime ARN output in the staging platform (got: ${Object.keys(staging.outputs.agentRuntimeArns ?? {}).join(', ') || 'none'})`,
      );
      problems.check(s.datasets.length > 0, `evaluation.supervisors[${i}].datasets: expected at least one dataset to send through "${s.agent}"`);
    }
    const rolledOut = props.rollout?.stages ?? (['dev', 'staging', 'prod'] as const);
    const stages = { dev, staging, prod };
    for (const name of rolledOut) {
      problems.check(name in stages, `rollout.stages: expected dev, staging or prod, got ${JSON.stringify(name)}`);
      problems.check(
        !(name in stages) || Object.keys(stages[name].outputs.rolloutStateMachineArns ?? {}).length > 0,
        `${name}.platform: must return rolloutStateMachineArns (release name → CfnOutput of its rollout state machine ARN) for the progressive rollout, or leave "${name}" out of rollout.stages`,
      );
    }
    problems.throwIfAny();

    this.key = new kms.Key(this, 'ArtifactKey', { enableKeyRotation: true, description: 'agentcore-kit pipeline: artifacts and build logs' });
    this.key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });
    const artifactBucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      versioned: true,
      encryptionKey: this.key,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
    });
    const buildLogs = new logs.LogGroup(this, 'BuildLogs', { encryptionKey: this.key, retention: logs.RetentionDays.ONE_YEAR });

    const synth = new pipelines.ShellStep('Synth', { input: props.source, commands: synthCommands(props.synthCommand), primaryOutputDirectory: 'cdk.out' });
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: props.pipelineName,
      synth,
      artifactBucket,
      pipelineType: codepipeline.PipelineType.V2,
      selfMutation: props.selfMutation ?? true,
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.MEDIUM },
        partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: NODE_VERSION } } } }),
        logging: { cloudWatch: { logGroup: buildLogs } },
      },
    });

    // Every stage releases the same way: the deploy moves the canaries only, the rollout moves live.
    // Without it, a stage's live endpoints would stay on the versions first recorded.
    const rolloutOf = (name: 'dev' | 'staging' | 'prod') => (rolledOut.includes(name) ? this.rolloutStep(name, stages[name], props[name].env, props.rollout) : undefined);

    const devRollout = rolloutOf('dev');
    this.pipeline.addStage(dev, { post: devRollout ? [devRollout] : [] });

    const targets: EvaluationTarget[] = [
      ...props.evaluation.agents.map((agent) => ({ agent, runtimeArnVariable: runtimeArnVariable(agent) })),
      ...(props.evaluation.supervisors ?? []).flatMap((s) =>
        s.datasets.map((dataset) => ({ agent: dataset, runtimeArnVariable: runtimeArnVariable(s.agent), protocol: 'http' as const, resultsName: `${s.agent}-${dataset}` })),
      ),
    ];
    const gate = this.evaluationGate(props, staging, targets);
    // Staging rolls out only what the gate passed: its rollout waits for the gate.
    const stagingRollout = rolloutOf('staging');
    stagingRollout?.addStepDependency(gate);
    this.pipeline.addStage(staging, { post: stagingRollout ? [gate, stagingRollout] : [gate] });

    const approval = props.manualApprovalBeforeProd ?? true;
    const prodRollout = rolloutOf('prod');
    this.pipeline.addStage(prod, {
      pre: approval ? [new pipelines.ManualApprovalStep('PromoteToProd', { comment: 'Staging passed the evaluation gate. Promote this release to prod?' })] : [],
      post: prodRollout ? [prodRollout] : [],
    });

    this.pipeline.buildPipeline();
    this.narrowGeneratedWildcards();

    exemptFromCustomerManagedKey(accessLogs, 'S3 server access logs are delivered only to buckets encrypted with SSE-S3');
    // NIST 800-53 R5 / HIPAA Security / Serverless packs (when an environment runs them).
    const regional = 'Pipeline artifacts and their access logs stay in the pipeline’s region: every artifact is rebuilt from the source repository on the next run, so a replica in another region would hold nothing that cannot be rebuilt';
    for (const bucket of [accessLogs, artifactBucket]) {
      for (const id of ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled']) Validations.of(bucket).acknowledge({ id, reason: regional });
    }
    for (const id of ['NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS']) {
      Validations.of(accessLogs).acknowledge({ id, reason: 'S3 server access logs are delivered only to buckets encrypted with SSE-S3 (not SSE-KMS)' });
    }
    acknowledgeGeneratedFindings(
      this.pipeline,
      'HIPAA.Security-CodeBuildProjectSourceRepoUrl',
      'CDK Pipelines CodeBuild projects take their input from CodePipeline artifacts (source type CODEPIPELINE): they read no repository URL, so there is no repository credential to move to OAuth',
    );
    acknowledgeGeneratedFindings(
      Stack.of(this),
      'Serverless-EventBusDLQ',
      'The source repository rule only starts the pipeline on a push; a start EventBridge could not deliver is recovered by the next push or a manual "Release change", there is no event worth replaying',
    );
    acknowledgeGeneratedFindings(
      this.pipeline,
      'AwsSolutions-IAM5',
      'Runtime ARNs are outputs of the staging stage, known only after it deploys; the gate may invoke runtimes (and their endpoints) of the staging account and region only',
      /bedrock-agentcore:.*:runtime\//,
    );
    acknowledgeGeneratedFindings(
      this.pipeline,
      'AwsSolutions-IAM5',
      "The rollout steps start executions of the release state machines in their own stage's account and region and read their status; executions are named at run time",
      /:states:.*:(stateMachine|execution):/,
    );
    acknowledgeGeneratedFindings(
      this.pipeline,
      'AwsSolutions-IAM5',
      'Generated by CDK Pipelines for its CodeBuild and pipeline roles: object-level access to the pipeline artifact bucket and key, its own build log groups and report groups, and the CDK bootstrap roles',
    );
  }

  /**
   * The gate after staging. Agents with JWT inbound auth (the stage returns `evaluationAccess`) are
   * called with persona tokens: the step may assume the stage's evaluation role and nothing else, in
   * the staging account (cross-account stages included). Otherwise calls are SigV4-signed, and the step
   * may invoke the staging account's runtimes.
   */
  private evaluationGate(props: AgentPipelineProps, staging: AgentPlatformStage, targets: readonly EvaluationTarget[]): pipelines.CodeBuildStep {
    const stack = Stack.of(this);
    const stagingEnv = props.staging.env ?? {};
    const access = staging.outputs.evaluationAccess;
    const runtimeIds = [...props.evaluation.agents, ...(props.evaluation.supervisors ?? []).map((s) => s.agent)];
    const runtimeArns = Object.fromEntries(runtimeIds.map((id) => [runtimeArnVariable(id), staging.outputs.agentRuntimeArns![id]]));
    const commands = evaluationGateCommands({
      targets,
      environment: props.evaluation.environment ?? 'staging',
      qualifier: props.evaluation.qualifier,
      protocol: props.evaluation.protocol,
      personaTokens: access !== undefined,
      extraArgs: props.evaluation.extraArgs,
    });
    if (access) {
      const roleArn = Arn.format({ service: 'iam', region: '', account: stagingEnv.account, resource: 'role', resourceName: access.roleName }, stack);
      const v = EVALUATION_ACCESS_VARIABLES;
      // The step runs as a role of a fixed name: the staging evaluation role trusts exactly it.
      const role = new iam.Role(this.pipeline, 'EvaluationGateRole', {
        roleName: access.callerRoleName,
        assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
        description: 'The evaluation gate step: assumes the staging evaluation role for persona tokens',
      });
      return new pipelines.CodeBuildStep('EvaluationGate', {
        input: props.source,
        commands,
        role,
        env: { [v.roleArn]: roleArn },
        envFromCfnOutputs: { ...runtimeArns, [v.userPoolId]: access.userPoolId, [v.clientId]: access.clientId, [v.tokenUrl]: access.tokenUrl, [v.scope]: access.scope },
        rolePolicyStatements: [new iam.PolicyStatement({ sid: 'AssumeStagingEvaluationRole', actions: ['sts:AssumeRole'], resources: [roleArn] })],
      });
    }
    return new pipelines.CodeBuildStep('EvaluationGate', {
      input: props.source,
      commands,
      envFromCfnOutputs: runtimeArns,
      rolePolicyStatements: [
        new iam.PolicyStatement({
          sid: 'InvokeStagingRuntimes',
          actions: ['bedrock-agentcore:InvokeAgentRuntime'],
          resources: ['*', '*/runtime-endpoint/*'].map((resourceName) =>
            Arn.format({ service: 'bedrock-agentcore', resource: 'runtime', resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, account: stagingEnv.account, region: stagingEnv.region }, stack),
          ),
        }),
      ],
    });
  }

  /**
   * The progressive rollout of one stage: each release's state machine in turn (canary steps, checks,
   * promotion or automatic rollback); the step fails at the first rollout that does not promote.
   */
  private rolloutStep(name: 'dev' | 'staging' | 'prod', stage: AgentPlatformStage, env: Environment | undefined, options: ProgressiveRolloutProps | undefined): pipelines.CodeBuildStep {
    const stack = Stack.of(this);
    const machines = options?.stateMachineNames?.length ? options.stateMachineNames : ['*'];
    const states = (resource: string, resourceName: string) =>
      Arn.format({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME, account: env?.account, region: env?.region }, stack);
    const arns = stage.outputs.rolloutStateMachineArns!;
    const variables = Object.keys(arns).map((r) => [rolloutArnVariable(r), arns[r]] as const);
    return new pipelines.CodeBuildStep(name === 'prod' ? 'ProgressiveRollout' : `ProgressiveRollout-${name}`, {
      commands: rolloutCommands({ stateMachineArnVariables: variables.map(([v]) => v), input: options?.input, pollSeconds: options?.pollSeconds }),
      envFromCfnOutputs: Object.fromEntries(variables),
      timeout: options?.timeout ?? Duration.hours(2),
      rolePolicyStatements: [
        new iam.PolicyStatement({ sid: 'StartRollout', actions: ['states:StartExecution'], resources: machines.map((m) => states('stateMachine', m)) }),
        new iam.PolicyStatement({ sid: 'WatchRollout', actions: ['states:DescribeExecution'], resources: machines.map((m) => states('execution', `${m}:*`)) }),
      ],
    });
  }

  /**
   * CDK Pipelines grants a few actions on `Resource: "*"` to roles it generates: the self-mutation step
   * gets `cloudformation:DescribeStacks` and `s3:ListBucket`, the asset-publishing roles get
   * `codebuild:StartBuild`/`BatchGetBuilds`/`StopBuild`. They only touch the stacks and CDK bootstrap
   * buckets of the pipeline's account and region and the pipeline's own build projects, so the rendered
   * statements are narrowed to those.
   */
  private narrowGeneratedWildcards(): void {
    const projects = this.pipeline.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project);
    const narrowedFor = (policy: iam.Policy): Record<string, string[]> => {
      // A generated role starts the projects that run as that role; other roles any project of this pipeline.
      const own = projects.filter((p) => p.role === policy.node.scope);
      const projectArns = (own.length ? own : projects).map((p) => p.projectArn);
      return {
        'cloudformation:DescribeStacks': [`arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/*`],
        's3:ListBucket': [`arn:${Aws.PARTITION}:s3:::cdk-*-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}`],
        'codebuild:StartBuild': projectArns,
        'codebuild:BatchGetBuilds': projectArns,
        'codebuild:StopBuild': projectArns,
      };
    };
    const narrow = (narrowed: Record<string, string[]>) => (st: { Action: unknown; Resource: unknown }) => {
      const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
      if (st.Resource !== '*' || !actions.every((a) => typeof a === 'string' && narrowed[a]?.length)) return st;
      return { ...st, Resource: [...new Set(actions.flatMap((a) => narrowed[a as string]))] };
    };
    for (const policy of this.pipeline.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy)) {
      const cfn = policy.node.defaultChild as iam.CfnPolicy;
      const document: IResolvable = {
        creationStack: [],
        resolve: (ctx: IResolveContext) => {
          const doc = policy.document.resolve(ctx) as { Statement: Array<{ Action: unknown; Resource: unknown }> } | undefined;
          return doc && { ...doc, Statement: doc.Statement.map(narrow(narrowedFor(policy))) };
        },
        toString: () => Token.asString(document),
      };
      cfn.addPropertyOverride('PolicyDocument', document);
    }
  }
}
