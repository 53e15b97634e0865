/**
 * AgentCore Memory as the session memory of the deployed agents. Short-term turns are
 * conversational events (actor = verified user, session = runtime session); long-term records come
 * from the memory's extraction strategies (facts, preferences, summaries) under `/users/{actorId}/`.
 * The ownership rule is checked before any call. Deployed, the calls are signed with credentials
 * from the memory credential vendor ({@link AgentCoreMemoryOptions.credentials}): IAM then holds the
 * same rule, per actor, even if this code were wrong.
 */
import {
  BedrockAgentCoreClient,
  CreateEventCommand,
  ListEventsCommand,
  RetrieveMemoryRecordsCommand,
  type Event,
} from '@aws-sdk/client-bedrock-agentcore';
import type { AgentId } from '../../catalog/agents';
import type { ActorCredentialCache, ActorCredentials } from './credentials';
import { assertOwnKey, assertOwnNamespace, MemoryAccessDenied, type MemoryCaller, type MemoryKey, type MemoryRecord, type MemoryStore, type SessionTurn } from './store';

/** How calls are signed: one client for every actor (local runs, tests), or per-actor vended credentials. */
export type AgentCoreMemoryCredentials =
  | { readonly client?: BedrockAgentCoreClient; readonly credentials?: never; readonly clientFor?: never }
  | {
      readonly client?: never;
      /** Per-actor credentials from the memory credential vendor; each call needs the caller's token. */
      readonly credentials: ActorCredentialCache;
      /** The client for one actor's credentials. @default - a BedrockAgentCoreClient for `region` with those credentials */
      readonly clientFor?: (credentials: ActorCredentials) => Pick<BedrockAgentCoreClient, 'send'>;
    };

export type AgentCoreMemoryOptions = AgentCoreMemoryCredentials & {
  /** Memory id (not ARN). */
  readonly memoryId: string;
  readonly region?: string;
};

export class AgentCoreMemory implements MemoryStore {
  private readonly shared?: Pick<BedrockAgentCoreClient, 'send'>;
  private readonly credentials?: ActorCredentialCache;
  private readonly clientFor: (credentials: ActorCredentials) => Pick<BedrockAgentCoreClient, 'send'>;
  /** One client per credentials object: a client never signs for another actor. */
  private readonly clients = new WeakMap<ActorCredentials, Pick<BedrockAgentCoreClient, 'send'>>();
  private readonly memoryId: string;

  constructor(options: AgentCoreMemoryOptions) {
    this.memoryId = options.memoryId;
    const region = options.region ? { region: options.region } : {};
    this.credentials = options.credentials;
    this.clientFor = options.clientFor ?? ((credentials) => new BedrockAgentCoreClient({ ...region, credentials }));
    if (!this.credentials) this.shared = options.client ?? new BedrockAgentCoreClient(region);
  }

  /** The client that signs for `caller`: the shared one, or one holding the caller's own vended credentials. */
  private async clientOf(caller: MemoryCaller): Promise<Pick<BedrockAgentCoreClient, 'send'>> {
    if (this.shared) return this.shared;
    if (typeof caller === 'string') throw new MemoryAccessDenied(caller, 'AgentCore Memory without the caller’s token (memory credentials are vended per verified caller)');
    const credentials = await this.credentials!.forActor(caller.actorId, caller.token);
    let client = this.clients.get(credentials);
    if (!client) this.clients.set(credentials, (client = this.clientFor(credentials)));
    return client;
  }

  async appendTurn(caller: MemoryCaller, key: MemoryKey, turn: SessionTurn): Promise<void> {
    assertOwnKey(caller, key);
    await (await this.clientOf(caller)).send(
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

  async listTurns(caller: MemoryCaller, key: MemoryKey, max = 20): Promise<SessionTurn[]> {
    assertOwnKey(caller, key);
    const out = await (await this.clientOf(caller)).send(
      new ListEventsCommand({ memoryId: this.memoryId, actorId: key.actorId, sessionId: key.sessionId, includePayloads: true, maxResults: Math.min(max, 100) }),
    );
    return (out.events ?? [])
      .flatMap(toTurns)
      .sort((a, b) => a.at.localeCompare(b.at))
      .slice(-max);
  }

  async searchRecords(caller: MemoryCaller, namespace: string, query: string, topK = 5): Promise<MemoryRecord[]> {
    assertOwnNamespace(caller, namespace);
    const out = await (await this.clientOf(caller)).send(
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
