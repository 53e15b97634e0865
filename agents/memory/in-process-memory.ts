/**
 * Memory held in this process, for local runs and tests. It applies exactly the ownership rule
 * the IAM policy of the deployed agents states (caller's own events, namespaces under
 * `/users/{caller}/`), so a local run fails the same way a deployed one would.
 */
import { assertOwnKey, assertOwnNamespace, type MemoryCaller, type MemoryKey, type MemoryRecord, type MemoryStore, type SessionTurn } from './store';

export class InProcessMemory implements MemoryStore {
  private readonly turns = new Map<string, SessionTurn[]>();
  private readonly records: MemoryRecord[] = [];

  async appendTurn(caller: MemoryCaller, key: MemoryKey, turn: SessionTurn): Promise<void> {
    assertOwnKey(caller, key);
    const id = `${key.actorId}\u0000${key.sessionId}`;
    this.turns.set(id, [...(this.turns.get(id) ?? []), { ...turn }]);
  }

  async listTurns(caller: MemoryCaller, key: MemoryKey, max = 20): Promise<SessionTurn[]> {
    assertOwnKey(caller, key);
    return (this.turns.get(`${key.actorId}\u0000${key.sessionId}`) ?? []).slice(-max).map((t) => ({ ...t }));
  }

  /** Store a long-term record (what an extraction strategy would produce in AgentCore Memory). */
  async addRecord(caller: MemoryCaller, namespace: string, text: string): Promise<void> {
    assertOwnNamespace(caller, namespace);
    this.records.push({ namespace, text });
  }

  async searchRecords(caller: MemoryCaller, namespace: string, query: string, topK = 5): Promise<MemoryRecord[]> {
    assertOwnNamespace(caller, namespace);
    const words = new Set(query.toLowerCase().match(/[a-z0-9]+/g) ?? []);
    const prefix = namespace.replace(/\*$/, '');
    return this.records
      .filter((r) => r.namespace === namespace || r.namespace.startsWith(prefix))
      .map((r) => ({ ...r, score: (r.text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => words.has(w)).length }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
  }
}
