/**
 * Lambda entry of the `it` gateway target: Powertools logger and metrics, and a DynamoDB client
 * (3 attempts with backoff) built once per execution environment. Validation uses the tool
 * definitions of the catalog (the one definition of each tool); the tools are the pure functions of ./tools.ts; the gateway contract is
 * ../../shared/lambda-handler.ts.
 *
 * Tracing is Lambda active tracing (the function's segments; every log line carries the X-Ray trace
 * id). The Powertools Tracer and the X-Ray SDK are not loaded: they doubled the bundle and added
 * ≈ 30 ms to each cold start (bench/tools.ts). For DynamoDB subsegments and tool/outcome annotations,
 * deploy your own entry (ToolGroup `entry`) that passes a Tracer to `createToolHandler`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createToolDeps, defaultClientConfig } from '../../shared/deps';
import { createToolHandler } from '../../shared/lambda-handler';
import { tableNamesFromEnv } from '../../shared/tables';
import { itGroup } from './handlers';

const logger = new Logger();
const metrics = new Metrics();
const client = new DynamoDBClient(defaultClientConfig());

export const handler = createToolHandler(itGroup, {
  tools: createToolDeps({ client, tables: tableNamesFromEnv(process.env) }),
  logger,
  metrics,
});
