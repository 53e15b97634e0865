/**
 * A release function's job at its smallest, with the SDK bundled as the release functions ship it:
 * validate the request, read and write the release state (DynamoDB), switch the gateway rule and the
 * endpoint (AgentCore control plane), read alarms (CloudWatch), write the live version (SSM), notify (SNS).
 */
import { BedrockAgentCoreControlClient, GetGatewayRuleCommand, UpdateAgentRuntimeEndpointCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';

const logger = new Logger();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const control = new BedrockAgentCoreControlClient({});
const cloudwatch = new CloudWatchClient({});
const ssm = new SSMClient({});
const sns = new SNSClient({});
const Request = z.object({ release: z.string(), gatewayId: z.string(), ruleId: z.string(), runtimeId: z.string(), version: z.string() });

export const handler = async (event: unknown) => {
  const r = Request.parse(event);
  const { Item } = await doc.send(new GetCommand({ TableName: process.env.TABLE, Key: { release: r.release } }));
  await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [r.release] }));
  await control.send(new GetGatewayRuleCommand({ gatewayIdentifier: r.gatewayId, ruleId: r.ruleId }));
  await control.send(new UpdateAgentRuntimeEndpointCommand({ agentRuntimeId: r.runtimeId, endpointName: 'live', agentRuntimeVersion: r.version }));
  await ssm.send(new PutParameterCommand({ Name: `/release/${r.release}`, Value: r.version, Overwrite: true, Type: 'String' }));
  await doc.send(new UpdateCommand({ TableName: process.env.TABLE, Key: { release: r.release }, UpdateExpression: 'SET phase = :p', ExpressionAttributeValues: { ':p': 'DONE' } }));
  await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC, Message: 'done' }));
  logger.info('done', { before: Item });
  return { ok: true };
};
