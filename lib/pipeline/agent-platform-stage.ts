import { Stage, type CfnOutput, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * How the evaluation gate reaches agents that use JWT inbound auth: the stage's evaluation app client
 * (client-credentials tokens carrying a test persona's claims) and a role the gate assumes in the
 * stage's account to read that client's secret.
 */
export interface EvaluationAccess {
  readonly userPoolId: CfnOutput;
  readonly clientId: CfnOutput;
  /** `https://<domain>/oauth2/token`. */
  readonly tokenUrl: CfnOutput;
  /** OAuth scope the tokens are requested with, e.g. `agentcore-tools/invoke`. */
  readonly scope: CfnOutput;
  /**
   * Name (not ARN: the pipeline scopes its IAM at synth time) of the role in the stage's account that
   * may read the evaluation client; it must trust the pipeline's account.
   */
  readonly roleName: string;
  /**
   * Name of the role the pipeline's evaluation step must run as: the evaluation role trusts this
   * role of the pipeline's account and no other principal.
   */
  readonly callerRoleName: string;
}

/** What a platform hands to the pipeline: stack outputs the post-deploy steps read. */
export interface PlatformOutputs {
  /**
   * Runtime ARN of each agent the evaluation gate scores, keyed by the agent name `npm run eval -- --agent` knows.
   * @default - none: the stage cannot be evaluated
   */
  readonly agentRuntimeArns?: Readonly<Record<string, CfnOutput>>;
  /**
   * Persona tokens for the evaluation gate, when the agents use JWT inbound auth.
   * @default - none: the gate signs its calls with the pipeline's AWS credentials (IAM-authorized runtimes only)
   */
  readonly evaluationAccess?: EvaluationAccess;
  /**
   * ARN of each release's state machine that walks its progressive rollout (and rolls back on alarm),
   * keyed by release name; rolled out in key order.
   * @default - none: the stage cannot run a progressive rollout
   */
  readonly rolloutStateMachineArns?: Readonly<Record<string, CfnOutput>>;
}

/** Builds the platform's stacks inside `stage` and returns the outputs the pipeline steps need. */
export type PlatformFactory = (stage: Stage) => PlatformOutputs | void;

export interface AgentPlatformStageProps extends StageProps {
  /** Builds the platform inside the stage, e.g. `(s) => new AgentPlatform(s, { config }).pipelineOutputs`. */
  readonly platform: PlatformFactory;
}

/**
 * One deployable copy of the agent platform (dev, staging, prod...): a CDK `Stage` for CDK Pipelines or
 * any other pipeline that deploys a cloud assembly per stage.
 */
export class AgentPlatformStage extends Stage {
  /** Outputs the pipeline's post-deploy steps read. */
  readonly outputs: PlatformOutputs;

  constructor(scope: Construct, id: string, props: AgentPlatformStageProps) {
    const { platform, ...stageProps } = props;
    super(scope, id, stageProps);
    this.outputs = platform(this) ?? {};
  }
}
