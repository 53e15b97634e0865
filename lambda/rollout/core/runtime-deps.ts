/** Release dependencies over real AWS clients, built once per process (Lambda container or CLI run). */
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdkAbTestApi } from '../ab-test';
import type { ReleaseConfig } from './config';
import type { Log, ReleaseDeps } from './operations';
import { cloudWatchAlarms, cloudWatchMetrics, SDK_CLIENT_DEFAULTS, sdkControlPlane, snsNotifier, ssmParameters } from './ports';
import { ReleaseStateStore } from './state';

export interface AwsClients {
  readonly control: BedrockAgentCoreControlClient;
  /** Data plane: the A/B test API. */
  readonly data: BedrockAgentCoreClient;
  readonly dynamo: DynamoDBClient;
  readonly cloudwatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly ssm: SSMClient;
}

export function createAwsClients(region?: string): AwsClients {
  const base = { ...SDK_CLIENT_DEFAULTS, ...(region ? { region } : {}) };
  return {
    control: new BedrockAgentCoreControlClient(base),
    data: new BedrockAgentCoreClient(base),
    dynamo: new DynamoDBClient(base),
    cloudwatch: new CloudWatchClient(base),
    sns: new SNSClient(base),
    ssm: new SSMClient(base),
  };
}

export function releaseDeps(config: ReleaseConfig, clients: AwsClients, log?: Log): ReleaseDeps {
  return {
    config,
    control: sdkControlPlane(clients.control),
    store: new ReleaseStateStore(DynamoDBDocumentClient.from(clients.dynamo, { marshallOptions: { removeUndefinedValues: true } }), config.tableName),
    alarms: cloudWatchAlarms(clients.cloudwatch),
    metrics: cloudWatchMetrics(clients.cloudwatch),
    notifier: snsNotifier(clients.sns, config.topicArn),
    parameters: ssmParameters(clients.ssm),
    abTests: sdkAbTestApi(clients.data),
    log,
  };
}
