/**
 * Lambda entry of the `it` gateway target: Powertools logger, metrics and tracer, and a DynamoDB
 * client (3 attempts with backoff) built once per execution environment. Everything else is in
 * ./handlers.ts (pure) and ../../shared/lambda-handler.ts (the gateway contract).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { createToolDeps, defaultClientConfig } from '../../shared/deps';
import { createToolHandler } from '../../shared/lambda-handler';
import { tableNamesFromEnv } from '../../shared/tables';
import { itGroup } from './handlers';

const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
const client = tracer.captureAWSv3Client(new DynamoDBClient(defaultClientConfig()));

export const handler = createToolHandler(itGroup, {
  tools: createToolDeps({ client, tables: tableNamesFromEnv(process.env) }),
  logger,
  metrics,
  tracer,
});
