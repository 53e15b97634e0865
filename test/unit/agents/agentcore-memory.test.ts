import { CreateEventCommand, ListEventsCommand, RetrieveMemoryRecordsCommand, type BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { ActorMemory, AgentCoreMemory, MemoryAccessDenied } from '../../../agents/memory';

/** The AgentCore Memory data plane cannot run here: a narrow fake of `send` records the commands. */
function fakeClient(replies: Record<string, unknown> = {}) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return replies[command.constructor.name] ?? {};
    },
  } as unknown as BedrockAgentCoreClient;
  return { client, sent };
}

describe('AgentCore Memory as session memory', () => {
  test('a turn becomes a conversational event of the verified actor and the session', async () => {
    const { client, sent } = fakeClient();
    const memory = new ActorMemory(new AgentCoreMemory({ memoryId: 'agent_memory-abcdefghij', client }), { userId: 'u20001' });
    await memory.appendTurn('s-1', { role: 'user', text: 'my employee id is E10001', agent: 'supervisor', at: '2026-11-26T09:00:00.000Z' });
    expect(sent).toEqual([
      {
        name: CreateEventCommand.name,
        input: {
          memoryId: 'agent_memory-abcdefghij',
          actorId: 'u20001',
          sessionId: 's-1',
          eventTimestamp: new Date('2026-11-26T09:00:00.000Z'),
          payload: [{ conversational: { role: 'USER', content: { text: 'my employee id is E10001' } } }],
          metadata: { agent: { stringValue: 'supervisor' } },
        },
      },
    ]);
  });

  test('events come back as turns, oldest first', async () => {
    const event = (text: string, role: string, at: string, agent?: string) => ({
      eventTimestamp: new Date(at),
      payload: [{ conversational: { role, content: { text } } }],
      ...(agent ? { metadata: { agent: { stringValue: agent } } } : {}),
    });
    const { client, sent } = fakeClient({
      ListEventsCommand: { events: [event('You have 10 days.', 'ASSISTANT', '2026-11-26T09:00:02Z', 'supervisor'), event('How many days?', 'USER', '2026-11-26T09:00:01Z')] },
    });
    const turns = await new AgentCoreMemory({ memoryId: 'agent_memory-abcdefghij', client }).listTurns('u1', { actorId: 'u1', sessionId: 's-1' }, 10);
    expect(turns).toEqual([
      { role: 'user', text: 'How many days?', agent: 'supervisor', at: '2026-11-26T09:00:01.000Z' },
      { role: 'assistant', text: 'You have 10 days.', agent: 'supervisor', at: '2026-11-26T09:00:02.000Z' },
    ]);
    expect(sent[0]).toMatchObject({ name: ListEventsCommand.name, input: { actorId: 'u1', sessionId: 's-1', includePayloads: true, maxResults: 10 } });
  });

  test('long-term search is confined to the caller’s namespace before any call is made', async () => {
    const { client, sent } = fakeClient({ RetrieveMemoryRecordsCommand: { memoryRecordSummaries: [{ content: { text: 'Works in Berlin' }, score: 0.9 }] } });
    const memory = new ActorMemory(new AgentCoreMemory({ memoryId: 'agent_memory-abcdefghij', client }), { userId: 'u1' });
    await expect(memory.recall('facts', 'office')).resolves.toEqual([{ text: 'Works in Berlin', namespace: '/users/u1/facts', score: 0.9 }]);
    expect(sent[0]).toMatchObject({ name: RetrieveMemoryRecordsCommand.name, input: { namespace: '/users/u1/facts', searchCriteria: { searchQuery: 'office', topK: 5 } } });

    await expect(memory.search('/users/u2/facts', 'office')).rejects.toThrow(MemoryAccessDenied);
    await expect(new AgentCoreMemory({ memoryId: 'agent_memory-abcdefghij', client }).appendTurn('u1', { actorId: 'u2', sessionId: 's' }, { role: 'user', text: 'x', agent: 'hr', at: '2026-11-26T09:00:00Z' })).rejects.toThrow(MemoryAccessDenied);
    expect(sent).toHaveLength(1);
  });
});
