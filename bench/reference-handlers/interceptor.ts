/** A gateway interceptor's job at its smallest: read the JWT claims, validate the request, count it in DynamoDB, log and emit a metric. */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { decodeJwt } from 'jose';
import * as z from 'zod';

const logger = new Logger();
const metrics = new Metrics({ namespace: 'Reference' });
const client = new DynamoDBClient({});
const Request = z.object({ mcp: z.object({ gatewayRequest: z.object({ headers: z.record(z.string(), z.string()), body: z.unknown() }) }) });

export const handler = async (event: unknown) => {
  const request = Request.parse(event);
  const claims = decodeJwt(request.mcp.gatewayRequest.headers.authorization?.replace(/^Bearer /, '') ?? '');
  await client.send(new UpdateItemCommand({ TableName: process.env.TABLE, Key: { pk: { S: String(claims.sub) } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
  logger.info('request', { sub: claims.sub });
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return { interceptorOutputVersion: '1.0', mcp: { transformedGatewayRequest: { body: request.mcp.gatewayRequest.body } } };
};
