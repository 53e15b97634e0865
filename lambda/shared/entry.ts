/**
 * What every tool target's Lambda entry sets up once per execution environment: Powertools logger
 * and metrics, and a DynamoDB client (3 attempts with backoff), bound to the target's tool group.
 *
 * Tracing is Lambda active tracing (the function's segments; every log line carries the X-Ray trace
 * id). The Powertools Tracer and the X-Ray SDK are not loaded: they doubled the bundle and added
 * ≈ 30 ms to each cold start (bench/tools.ts). For DynamoDB subsegments and tool/outcome annotations,
 * deploy your own entry (ToolGroup `entry`) that passes a Tracer to `createToolHandler`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createToolDeps, defaultClientConfig } from './deps';
import type { ToolGroup } from './dispatch';
import { createToolHandler } from './lambda-handler';
import { tableNamesFromEnv } from './tables';

export function toolLambdaHandler(group: ToolGroup): ReturnType<typeof createToolHandler> {
  const client = new DynamoDBClient(defaultClientConfig());
  return createToolHandler(group, {
    tools: createToolDeps({ client, tables: tableNamesFromEnv(process.env) }),
    logger: new Logger(),
    metrics: new Metrics(),
  });
}
