import { Stage, type CfnOutput, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** What a platform hands to the pipeline: stack outputs the post-deploy steps read. */
export interface PlatformOutputs {
  /**
   * Runtime ARN of each agent the evaluation gate scores, keyed by the agent name `npm run eval -- --agent` knows.
   * @default - none: the stage cannot be evaluated
   */
  readonly agentRuntimeArns?: Readonly<Record<string, CfnOutput>>;
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
