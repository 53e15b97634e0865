/** A seed loader's job at its smallest: on a custom resource event, write the same seed items to DynamoDB. */
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { SEED_ITEMS } from '../../lambda/shared/seed-data';

const client = new DynamoDBClient({});

export const handler = async (event: { RequestType: string; ResourceProperties: { Table: string } }) => {
  if (event.RequestType !== 'Delete') {
    for (const items of Object.values(SEED_ITEMS)) {
      await client.send(new BatchWriteItemCommand({ RequestItems: { [event.ResourceProperties.Table]: (items ?? []).map((item) => ({ PutRequest: { Item: marshall(item) } })) } }));
    }
  }
  return { PhysicalResourceId: 'seed' };
};
