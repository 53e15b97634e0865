/**
 * Memory namespaces, keyed by the actor (the verified user id). One definition shared by the agent
 * code (which enforces it on every call) and the infrastructure (strategy namespaces and the IAM
 * `bedrock-agentcore:namespace` condition).
 */

/** Root of everything one user owns: `/users/{actorId}/`. */
export const USER_NAMESPACE_ROOT = '/users/{actorId}/';

/** Long-term namespace templates per strategy, as AgentCore Memory strategies take them. */
export const MEMORY_NAMESPACES = {
  /** Semantic facts the user stated (employee id, team, region...). */
  facts: '/users/{actorId}/facts',
  /** Preferences (format, language, level of detail). */
  preferences: '/users/{actorId}/preferences',
  /** One summary per session. */
  summaries: '/users/{actorId}/sessions/{sessionId}/summary',
} as const;
export type MemoryKind = keyof typeof MEMORY_NAMESPACES;

/** The concrete namespace of a kind for one actor (and session, for summaries). */
export function namespaceFor(kind: MemoryKind, actorId: string, sessionId = '*'): string {
  return MEMORY_NAMESPACES[kind].replace('{actorId}', actorId).replace('{sessionId}', sessionId);
}

/** The root namespace of one actor, e.g. `/users/u20001/`. */
export function actorRoot(actorId: string): string {
  return USER_NAMESPACE_ROOT.replace('{actorId}', actorId);
}

/** Whether `namespace` lies inside the actor's own tree (the rule the IAM condition also states). */
export function isOwnNamespace(actorId: string, namespace: string): boolean {
  const root = actorRoot(actorId);
  return namespace.startsWith(root) && !namespace.slice(root.length).split('/').includes('..');
}
