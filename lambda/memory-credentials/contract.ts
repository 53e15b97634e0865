/** What the memory credential vendor and the construct that deploys it agree on (plain data). */

/** Session tag that carries the verified actor id (read by the memory-access role's policy as `aws:PrincipalTag/actorId`). */
export const ACTOR_TAG = 'actorId';

/** Environment of the function. */
export const VENDOR_ENV = {
  roleArn: 'MEMORY_ACCESS_ROLE_ARN',
  discoveryUrl: 'JWT_DISCOVERY_URL',
  audiences: 'JWT_AUDIENCES',
  userIdClaim: 'USER_ID_CLAIM',
  sessionSeconds: 'SESSION_SECONDS',
} as const;
