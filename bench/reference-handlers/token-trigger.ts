/** A Cognito token trigger's job at its smallest: read a parameter once, add claims to the token. */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const logger = new Logger();
const ssm = new SSMClient({});
let users: Record<string, Record<string, string>> | undefined;

export const handler = async (event: { userName: string; response: Record<string, unknown> }) => {
  users ??= JSON.parse((await ssm.send(new GetParameterCommand({ Name: process.env.USERS }))).Parameter?.Value ?? '{}') as Record<string, Record<string, string>>;
  event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: users[event.userName] ?? {} } } };
  logger.info('claims', { user: event.userName });
  return event;
};
