/**
 * The dev seed-data loader: a CloudFormation custom resource (invoked by CloudFormation directly,
 * no provider framework) that writes lambda/shared/seed-data.ts into the tool tables on Create and
 * Update, does nothing on Delete, and always answers CloudFormation — with a short reason, never a
 * stack trace.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { loadSeedData } from '../../shared/seed';
import type { TableNames } from '../../shared/tables';

export interface SeedDeps {
  readonly client: DynamoDBClient;
  readonly tables: Partial<TableNames>;
  /** Delivers the response to CloudFormation's pre-signed URL. */
  readonly respond: (url: string, response: CloudFormationCustomResourceResponse) => Promise<void>;
}

export const PHYSICAL_ID = 'tool-seed-data';

export async function handle(event: CloudFormationCustomResourceEvent, deps: SeedDeps): Promise<CloudFormationCustomResourceResponse> {
  const base = {
    PhysicalResourceId: PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  let response: CloudFormationCustomResourceResponse;
  try {
    const written = event.RequestType === 'Delete' ? {} : await loadSeedData(deps.client, deps.tables);
    response = { ...base, Status: 'SUCCESS', Data: { written: JSON.stringify(written) } };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    response = { ...base, Status: 'FAILED', Reason: `Seeding the tool tables failed (${reason.slice(0, 300)})` };
  }
  await deps.respond(event.ResponseURL, response);
  return response;
}

/** PUT the response to the pre-signed S3 URL, as CloudFormation expects (no content type). */
export async function respondToCloudFormation(url: string, response: CloudFormationCustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  if (!res.ok) throw new Error(`CloudFormation response rejected: HTTP ${res.status}`);
}
