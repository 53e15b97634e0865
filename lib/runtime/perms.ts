import { AGENT_METRICS_NAMESPACE } from '../observability/metric-names';

/** IAM actions and names the agent runtimes need, in one place. */
export namespace AgentRuntimePerms {
  /** Invoke a model or inference profile, streaming or not (Converse uses the same actions). */
  export const MODEL_INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
  /** Service whose service-linked role AgentCore Runtime creates for workload identities. */
  export const RUNTIME_IDENTITY_SERVICE = 'runtime-identity.bedrock-agentcore.amazonaws.com';
  export const RUNTIME_IDENTITY_ROLE = 'AWSServiceRoleForBedrockAgentCoreRuntimeIdentity';
  /** The agents publish their token usage per invocation (agents/usage); no resource-level permissions exist. */
  export const USAGE_METRICS_PUBLISH = ['cloudwatch:PutMetricData'];
  /** The only namespace the agents may put metrics in (`cloudwatch:namespace` condition). */
  export const USAGE_METRICS_NAMESPACE = AGENT_METRICS_NAMESPACE;
  /**
   * The agents' OpenTelemetry spans (agents/telemetry) to the X-Ray OTLP endpoint
   * (`https://xray.<region>.amazonaws.com/v1/traces`), indexed by Transaction Search; no resource-level permissions exist.
   */
  export const SPANS_PUBLISH = ['xray:PutSpans', 'xray:PutSpansForIndexing'];
}

/** Regions each geography's cross-region inference profiles route to. */
export const INFERENCE_PROFILE_REGIONS: Readonly<Record<string, readonly string[]>> = {
  us: ['us-east-1', 'us-east-2', 'us-west-2'],
  eu: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
  apac: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-4'],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  ca: ['ca-central-1', 'ca-west-1'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};
