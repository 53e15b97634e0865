/**
 * The reserved argument carrying the verified caller from the gateway interceptor to a tool
 * Lambda (see lambda/shared/caller.ts for why it rides in the arguments). It is part of every
 * tool's gateway input schema and of the Cedar schema, so the argument the interceptor adds
 * validates wherever the gateway checks arguments against the schema — whether the policy engine
 * evaluates before or after the interceptor — while the tools' own zod input schemas never accept
 * it from a client. Plain data, no zod.
 */

/** The separator the gateway puts between target and tool name (as catalog/tool.ts). */
export const GATEWAY_TOOL_SEPARATOR = '___';

/** Reserved argument name. */
export const CALLER_ARGUMENT = '_caller';

/** Caller claims the platform passes on (strings, as in the token); `sub` always. */
export const CALLER_CLAIMS = ['sub', 'role', 'department', 'region', 'employeeId', 'userId'] as const;

/** Gateway-schema form of the argument (type/properties/required/description only). */
export const CALLER_GATEWAY_SCHEMA = {
  type: 'object' as const,
  description: 'Set by the tool gateway from the signed-in user; never set it yourself (any value sent is replaced).',
  properties: Object.fromEntries(CALLER_CLAIMS.map((c) => [c, { type: 'string' as const, description: `The caller's ${c} claim` }])),
  required: ['sub'],
};
