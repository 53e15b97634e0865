import { Stack, type StackProps } from 'aws-cdk-lib';
import { SPECIALIST_IDS } from '../../catalog/agents';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { KitError } from '../errors';
import { AgentPipeline, pipelineSource } from '../pipeline';
import { AgentPlatform } from './platform';

export interface PipelineStackProps extends StackProps {
  /** The three environments the pipeline deploys, in order. Source and approval come from prod's config. */
  readonly environments: { readonly dev: EnvironmentConfig; readonly staging: EnvironmentConfig; readonly prod: EnvironmentConfig };
}

/** Context flag that makes the reference app synthesize its pipeline instead of one environment. */
export const PIPELINE_CONTEXT = 'pipeline';

/**
 * The reference app's delivery pipeline (`cdk deploy -c pipeline=true`): dev → rollout → staging →
 * evaluation gate on the staging canaries → rollout → optional approval → prod → progressive rollout.
 */
export class PipelineStack extends Stack {
  readonly pipeline: AgentPipeline;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { dev, staging, prod } = props.environments;
    const source = prod.pipeline.source;
    if (!source) {
      throw new KitError('InvalidEnvironmentConfig', [
        `${prod.name}: pipeline.source: required to build the pipeline; set { kind: 'codestar', connectionArn, repository, branch } or { kind: 'codecommit', repositoryName, branch } (e.g. in config/${prod.name}.json)`,
      ]);
    }
    // The pipeline lives with prod (bin/app.ts): its account is the one the gate's role trusts.
    const stage = (config: EnvironmentConfig) => ({
      env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
      platform: (scope: Construct) => new AgentPlatform(scope, { config, pipelineAccount: prod.account ?? config.account }).pipelineOutputs,
    });
    this.pipeline = new AgentPipeline(this, 'Delivery', {
      source: pipelineSource(this, source),
      synthCommand: `npx cdk synth -c ${PIPELINE_CONTEXT}=true`,
      dev: stage(dev),
      staging: stage(staging),
      prod: stage(prod),
      // Each specialist's canary against its live, and the supervisor's canary against its live on all
      // three datasets (it hands each case to the specialist the dataset belongs to).
      evaluation: { agents: SPECIALIST_IDS, supervisors: [{ agent: 'supervisor', datasets: SPECIALIST_IDS }], environment: staging.name },
      manualApprovalBeforeProd: prod.pipeline.manualApprovalBeforeProd,
    });
  }
}
