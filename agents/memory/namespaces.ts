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
  /** Episodes: what happened in a session (the goal, the steps, the outcome), one set per session. */
  episodes: '/users/{actorId}/episodes/{sessionId}',
} as const;
export type MemoryKind = keyof typeof MEMORY_NAMESPACES;
export const MEMORY_KINDS = Object.keys(MEMORY_NAMESPACES) as MemoryKind[];

/**
 * Where the episodic strategy writes its reflections (lessons drawn across one user's episodes): a
 * prefix of the episodes' namespace, as AgentCore requires.
 */
export const EPISODE_REFLECTION_NAMESPACE = '/users/{actorId}/episodes';

/**
 * Text appended to the built-in prompts of a strategy (1–30,000 characters each), making it a custom
 * strategy: what to extract, how to merge it with what is already known, and (episodes only) what
 * to reflect on across episodes.
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/memory-custom-strategy.html
 */
export interface MemoryPromptOverrides {
  readonly extraction?: string;
  readonly consolidation?: string;
  /** Episodes only. */
  readonly reflection?: string;
}

/** A long-term strategy an agent uses: a built-in kind, or a kind with its prompts overridden. */
export type AgentMemoryStrategy = MemoryKind | { readonly kind: MemoryKind; readonly prompts: MemoryPromptOverrides };

/** The kind of a strategy choice. */
export function strategyKind(strategy: AgentMemoryStrategy): MemoryKind {
  return typeof strategy === 'string' ? strategy : strategy.kind;
}

/**
 * The kinds an agent recalls from before the current session (summaries are per session, and the
 * session's own turns are read directly).
 */
export function recalledKinds(strategies: readonly AgentMemoryStrategy[]): MemoryKind[] {
  return strategies.map(strategyKind).filter((k) => k !== 'summaries');
}

/** The concrete namespace of a kind for one actor (and session, for summaries). */
export function namespaceFor(kind: MemoryKind, actorId: string, sessionId = '*'): string {
  return MEMORY_NAMESPACES[kind].replace('{actorId}', actorId).replace('{sessionId}', sessionId);
}

/**
 * The namespace an agent recalls a kind from for one actor: episodes from the root of the actor's
 * episodes, so reflections (written at the root) and every session's episodes (below it) are found
 * (RetrieveMemoryRecords matches the namespace as a prefix); other kinds as {@link namespaceFor}.
 */
export function recallNamespace(kind: MemoryKind, actorId: string): string {
  return kind === 'episodes' ? EPISODE_REFLECTION_NAMESPACE.replace('{actorId}', actorId) : namespaceFor(kind, actorId);
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
