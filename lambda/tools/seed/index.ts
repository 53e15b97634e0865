/** Lambda entry of the dev seed-data loader; see ./handler.ts. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { defaultClientConfig } from '../../shared/deps';
import { tableNamesFromEnv } from '../../shared/tables';
import { handle, respondToCloudFormation } from './handler';

const client = new DynamoDBClient(defaultClientConfig());

export const handler = (event: CloudFormationCustomResourceEvent) =>
  handle(event, { client, tables: tableNamesFromEnv(process.env), respond: respondToCloudFormation });
