/** IAM actions the gateway's constructs grant. */

/** What the interceptor needs on its rate-limit table: one atomic counter update per call. */
export const RATE_LIMIT_TABLE_ACTIONS = ['dynamodb:UpdateItem'];

/** What a Lambda target's resource policy allows the gateway role. */
export const LAMBDA_TARGET_ACTION = 'lambda:InvokeFunction';
