/**
 * The rate-limit table's attribute names, shared by the interceptor and the construct that creates
 * the table. Apart from rate-limiter.ts so the construct library does not load the DynamoDB client.
 */
export const RATE_LIMIT_KEY = 'key';
export const RATE_LIMIT_TTL_ATTRIBUTE = 'expiresAt';
