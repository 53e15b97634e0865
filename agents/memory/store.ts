/**
 * Session memory shared by the supervisor and the specialists: short-term turns of one session
 * (so a fact told to the supervisor reaches the specialist) and long-term records per user.
 *
 * Every call names the caller — the actor id of the verified identity — and the store refuses any
 * key or namespace that is not the caller's own. Agents never build these calls themselves: they
 * get an {@link ActorMemory} bound to the verified identity, so a prompt cannot choose the actor.
 */
import type { AgentId } from '../../catalog/agents';
import type { VerifiedIdentity } from '../shared/identity';
import { isOwnNamespace, namespaceFor, recallNamespace, type MemoryKind } from './namespaces';

export interface SessionTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  /** Agent that wrote the turn. */
  readonly agent: AgentId;
  /** ISO-8601 timestamp. */
  readonly at: string;
}

export interface MemoryRecord {
  readonly text: string;
  readonly namespace: string;
  /** Relevance to the query, higher is better, when the store ranks. */
  readonly score?: number;
}

export interface MemoryKey {
  readonly actorId: string;
  readonly sessionId: string;
}

/** Raised when a caller touches another actor's events or namespace. */
export class MemoryAccessDenied extends Error {
  constructor(caller: string, target: string) {
    super(`memory access denied: actor "${caller}" may only use its own session events and namespaces under /users/${caller}/, not ${target}`);
    this.name = 'MemoryAccessDenied';
  }
}

/**
 * Who is calling: the verified actor id, with the caller's bearer token where the backend needs it
 * to obtain credentials confined to that actor (AgentCore Memory through the credential vendor).
 */
export type MemoryCaller = string | { readonly actorId: string; readonly token: string };

/** The actor id of a caller. */
export function actorOf(caller: MemoryCaller): string {
  return typeof caller === 'string' ? caller : caller.actorId;
}

/** A memory backend: AgentCore Memory in the cloud, {@link InProcessMemory} locally and in tests. */
export interface MemoryStore {
  /** Record one turn of a session. */
  appendTurn(caller: MemoryCaller, key: MemoryKey, turn: SessionTurn): Promise<void>;
  /** The session's turns, oldest first, at most `max` (the most recent ones). */
  listTurns(caller: MemoryCaller, key: MemoryKey, max?: number): Promise<SessionTurn[]>;
  /** Long-term records of a namespace most relevant to `query`. */
  searchRecords(caller: MemoryCaller, namespace: string, query: string, topK?: number): Promise<MemoryRecord[]>;
}

/** The same ownership rule for every backend: caller === actor, namespace under `/users/{caller}/`. */
export function assertOwnKey(caller: MemoryCaller, key: MemoryKey): void {
  const actor = actorOf(caller);
  if (key.actorId !== actor) throw new MemoryAccessDenied(actor, `events of actor "${key.actorId}"`);
}
export function assertOwnNamespace(caller: MemoryCaller, namespace: string): void {
  const actor = actorOf(caller);
  if (!isOwnNamespace(actor, namespace)) throw new MemoryAccessDenied(actor, `namespace "${namespace}"`);
}

/** Memory as one verified user sees it. */
export class ActorMemory {
  readonly actorId: string;
  private readonly caller: MemoryCaller;

  /** `identity.token` (the verified caller's JWT) lets the backend vend credentials for this actor only. */
  constructor(
    private readonly store: MemoryStore,
    identity: Pick<VerifiedIdentity, 'userId'> & Partial<Pick<VerifiedIdentity, 'token'>>,
  ) {
    this.actorId = identity.userId;
    this.caller = identity.token ? { actorId: identity.userId, token: identity.token } : identity.userId;
  }

  appendTurn(sessionId: string, turn: SessionTurn): Promise<void> {
    return this.store.appendTurn(this.caller, { actorId: this.actorId, sessionId }, turn);
  }

  listTurns(sessionId: string, max = 20): Promise<SessionTurn[]> {
    return this.store.listTurns(this.caller, { actorId: this.actorId, sessionId }, max);
  }

  /** Long-term records of one kind for this user. */
  recall(kind: MemoryKind, query: string, topK = 5, sessionId?: string): Promise<MemoryRecord[]> {
    return this.store.searchRecords(this.caller, namespaceFor(kind, this.actorId, sessionId), query, topK);
  }

  /** Long-term records of several kinds for this user (the kinds an agent's spec chose), in the order given. */
  async recallKinds(kinds: readonly MemoryKind[], query: string, topK = 5): Promise<MemoryRecord[]> {
    return (await Promise.all(kinds.map((k) => this.store.searchRecords(this.caller, recallNamespace(k, this.actorId), query, topK)))).flat();
  }

  /** Long-term records of an explicit namespace; refused unless it is this user's own. */
  search(namespace: string, query: string, topK = 5): Promise<MemoryRecord[]> {
    return this.store.searchRecords(this.caller, namespace, query, topK);
  }
}
