/**
 * AgentCore Memory as the session memory of the deployed agents. Short-term turns are
 * conversational events (actor = verified user, session = runtime session); long-term records come
 * from the memory's extraction strategies (facts, preferences, summaries) under `/users/{actorId}/`.
 * The ownership rule is checked before any call, the same rule the runtime role's IAM condition holds.
 */
import {
  BedrockAgentCoreClient,
  CreateEventCommand,
  ListEventsCommand,
  RetrieveMemoryRecordsCommand,
  type Event,
} from '@aws-sdk/client-bedrock-agentcore';
import type { AgentId } from '../../catalog/agents';
import { assertOwnKey, assertOwnNamespace, type MemoryKey, type MemoryRecord, type MemoryStore, type SessionTurn } from './store';

export interface AgentCoreMemoryOptions {
  /** Memory id (not ARN). */
  readonly memoryId: string;
  /** A ready client; either this or `region`. @default - a client for `region` */
  readonly client?: BedrockAgentCoreClient;
  readonly region?: string;
}

export class AgentCoreMemory implements MemoryStore {
  private readonly client: BedrockAgentCoreClient;
  private readonly memoryId: string;

  constructor(options: AgentCoreMemoryOptions) {
    this.memoryId = options.memoryId;
    this.client = options.client ?? new BedrockAgentCoreClient(options.region ? { region: options.region } : {});
  }

  async appendTurn(caller: string, key: MemoryKey, turn: SessionTurn): Promise<void> {
    assertOwnKey(caller, key);
    await this.client.send(
      new CreateEventCommand({
        memoryId: this.memoryId,
        actorId: key.actorId,
        sessionId: key.sessionId,
        eventTimestamp: new Date(turn.at),
        payload: [{ conversational: { role: turn.role === 'user' ? 'USER' : 'ASSISTANT', content: { text: turn.text } } }],
        metadata: { agent: { stringValue: turn.agent } },
      }),
    );
  }

  async listTurns(caller: string, key: MemoryKey, max = 20): Promise<SessionTurn[]> {
    assertOwnKey(caller, key);
    const out = await this.client.send(
      new ListEventsCommand({ memoryId: this.memoryId, actorId: key.actorId, sessionId: key.sessionId, includePayloads: true, maxResults: Math.min(max, 100) }),
    );
    return (out.events ?? [])
      .flatMap(toTurns)
      .sort((a, b) => a.at.localeCompare(b.at))
      .slice(-max);
  }

  async searchRecords(caller: string, namespace: string, query: string, topK = 5): Promise<MemoryRecord[]> {
    assertOwnNamespace(caller, namespace);
    const out = await this.client.send(
      new RetrieveMemoryRecordsCommand({ memoryId: this.memoryId, namespace, searchCriteria: { searchQuery: query, topK } }),
    );
    return (out.memoryRecordSummaries ?? []).flatMap((r) =>
      r.content && 'text' in r.content && typeof r.content.text === 'string' ? [{ text: r.content.text, namespace, score: r.score }] : [],
    );
  }
}

function toTurns(event: Event): SessionTurn[] {
  const agent = (event.metadata?.agent && 'stringValue' in event.metadata.agent ? event.metadata.agent.stringValue : 'supervisor') as AgentId;
  return (event.payload ?? []).flatMap((p) =>
    p.conversational?.content && 'text' in p.conversational.content && typeof p.conversational.content.text === 'string'
      ? [{ role: p.conversational.role === 'USER' ? 'user' : 'assistant', text: p.conversational.content.text, agent, at: (event.eventTimestamp ?? new Date(0)).toISOString() } as SessionTurn]
      : [],
  );
}
