/** A tool function's job at its smallest: validate input, read DynamoDB, log and count the call. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';

const logger = new Logger();
const metrics = new Metrics({ namespace: 'Reference' });
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const Input = z.object({ employeeId: z.string().min(1).max(64) });

export const handler = async (event: unknown) => {
  const input = Input.parse(event);
  logger.info('call', { input });
  metrics.addMetric('Calls', MetricUnit.Count, 1);
  const { Item } = await doc.send(new GetCommand({ TableName: process.env.TABLE, Key: { pk: input.employeeId } }));
  metrics.publishStoredMetrics();
  return Item ?? null;
};
