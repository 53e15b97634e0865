import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ActorMemory, InProcessMemory, namespaceFor, recalledKinds } from '../../../agents/memory';
import { agentSpecs, memoryStrategiesOf } from '../../../catalog/agents';
import { applyCompliance, readValidationFindings } from '../../../lib/compliance';
import { AgentMemory, sharedMemoryStrategies, type AgentMemoryProps } from '../../../lib/memory';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const EXTRACT = 'Record the troubleshooting steps tried and whether they resolved the issue.';
const REFLECT = 'Note recurring problems and the step that resolved each.';

function build(props: AgentMemoryProps, app = new App()) {
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const memory = new AgentMemory(stack, 'Memory', props);
  return { app, stack, memory, template: Template.fromStack(stack) };
}

function serviceRoleStatements(template: Template): Array<Record<string, unknown>> {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^MemoryServiceRole') }] } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement);
}

describe('memory strategies', () => {
  test('built-in episodic: episodes per session, reflections across the user’s episodes', () => {
    build({ longTerm: ['episodes'] }).template.hasResourceProperties('AWS::BedrockAgentCore::Memory', {
      MemoryStrategies: [
        { EpisodicMemoryStrategy: { Name: 'user_episodes', Description: Match.anyValue(), Namespaces: ['/users/{actorId}/episodes/{sessionId}'], ReflectionConfiguration: { Namespaces: ['/users/{actorId}/episodes'] } } },
      ],
    });
  });

  test('custom episodic: extraction and reflection prompts appended, on the named model, beside a built-in', () => {
    build({ longTerm: ['facts', { kind: 'episodes', prompts: { extraction: EXTRACT, reflection: REFLECT }, modelId: HAIKU }] }).template.hasResourceProperties('AWS::BedrockAgentCore::Memory', {
      MemoryStrategies: [
        { SemanticMemoryStrategy: Match.objectLike({ Name: 'user_facts' }) },
        {
          CustomMemoryStrategy: {
            Name: 'user_episodes',
            Description: Match.stringLikeRegexp('custom prompts'),
            Namespaces: ['/users/{actorId}/episodes/{sessionId}'],
            Configuration: {
              EpisodicOverride: {
                Extraction: { AppendToPrompt: EXTRACT, ModelId: HAIKU },
                Reflection: { AppendToPrompt: REFLECT, ModelId: HAIKU, Namespaces: ['/users/{actorId}/episodes'] },
              },
            },
          },
        },
      ],
    });
  });

  test('custom semantic: consolidation prompt under SemanticOverride', () => {
    build({ longTerm: [{ kind: 'facts', prompts: { consolidation: 'Keep the newest employee id only.' }, modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }] }).template.hasResourceProperties(
      'AWS::BedrockAgentCore::Memory',
      { MemoryStrategies: [{ CustomMemoryStrategy: Match.objectLike({ Configuration: { SemanticOverride: { Consolidation: { AppendToPrompt: 'Keep the newest employee id only.', ModelId: 'anthropic.claude-3-haiku-20240307-v1:0' } } } }) }] },
    );
  });

  test('the memory’s service role may invoke the strategy model through its profile, and nothing else', () => {
    const { template } = build({ longTerm: [{ kind: 'episodes', prompts: { extraction: EXTRACT }, modelId: HAIKU }] });
    const invoke = serviceRoleStatements(template).filter((s) => [s.Action].flat().some((a) => String(a).startsWith('bedrock:')));
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    const resources = JSON.stringify(invoke[0].Resource);
    expect(resources).toContain(`:inference-profile/${HAIKU}`);
    for (const region of ['us-east-1', 'us-east-2', 'us-west-2']) expect(resources).toContain(`:bedrock:${region}::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0`);
    expect(resources).not.toContain('*');
  });

  test('built-in strategies give the service role no model rights', () => {
    const statements = serviceRoleStatements(build({ longTerm: ['facts', 'episodes'] }).template);
    expect(statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('bedrock:')))).toEqual([]);
  });

  test('custom strategies on a customer-managed key synthesize with zero compliance findings and pass CloudFormation schema validation', () => {
    const app = new App();
    const stack = new Stack(app, 'Compliant', { env: { account: '111111111111', region: 'us-east-1' } });
    applyCompliance(stack);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new AgentMemory(stack, 'Memory', {
      encryptionKey: key,
      longTerm: ['facts', 'preferences', { kind: 'summaries', prompts: { extraction: 'Name the tools called.' }, modelId: HAIKU }, { kind: 'episodes', prompts: { extraction: EXTRACT, reflection: REFLECT }, modelId: HAIKU }],
    });
    expect(readValidationFindings(app.synth()).map((f) => `${f.rule} at ${f.constructPaths.join(', ')}`)).toEqual([]);
  });

  test('bad strategies fail together, each naming the field', () => {
    expect(() =>
      build({
        longTerm: [
          'facts',
          { kind: 'facts', prompts: { extraction: 'x' }, modelId: HAIKU },
          { kind: 'preferences', prompts: { reflection: 'y' }, modelId: 'claude' },
          { kind: 'summaries', prompts: {}, modelId: HAIKU },
          { kind: 'episodes', prompts: { extraction: 'z'.repeat(30_001) }, modelId: HAIKU },
        ],
      }),
    ).toThrow(
      new RegExp(
        [
          '\\[InvalidAgentMemoryProps\\] 5 problems',
          'longTerm: facts listed more than once',
          'longTerm\\[2\\]\\.prompts\\.reflection: only the episodes strategy reflects',
          'longTerm\\[2\\]\\.modelId: "claude" is not a Bedrock model id',
          'longTerm\\[3\\]\\.prompts: give at least one of extraction, consolidation',
          'longTerm\\[4\\]\\.prompts\\.extraction: 30001 characters; expected 1 to 30000',
        ].join('[\\s\\S]*'),
      ),
    );
  });
});

describe('strategies chosen per agent in the catalog', () => {
  test('the reference agents share one memory holding every kind their specs chose, the IT agent’s episodes custom', () => {
    const strategies = sharedMemoryStrategies(
      Object.values(agentSpecs).map((a) => ({ id: a.id, strategies: memoryStrategiesOf(a) })),
      HAIKU,
    );
    expect(strategies.map((s) => (typeof s === 'string' ? s : `${s.kind} (custom, ${s.modelId})`))).toEqual(['facts', 'preferences', 'summaries', `episodes (custom, ${HAIKU})`]);
    const episodes = strategies[3] as { prompts: { extraction: string; reflection: string } };
    expect(episodes.prompts.extraction).toMatch(/Never record passwords/);
    expect(episodes.prompts.reflection).toMatch(/Never record passwords/);
  });

  test('two agents choosing one kind differently fail naming both', () => {
    expect(() =>
      sharedMemoryStrategies(
        [
          { id: 'it', strategies: [{ kind: 'episodes', prompts: { extraction: EXTRACT } }] },
          { id: 'hr', strategies: ['episodes'] },
        ],
        HAIKU,
      ),
    ).toThrow(/\[InvalidAgentMemoryStrategies\] hr\.memory: episodes differs from it's \(built-in vs custom: extraction prompts\)/);
  });
});

describe('an agent recalls the kinds its spec chose', () => {
  test('the IT agent finds its facts, its episodes of past sessions and the reflections on them; no other user’s', async () => {
    const store = new InProcessMemory();
    await store.addRecord('u20001', namespaceFor('facts', 'u20001'), 'Works on a MacBook with the VPN client 5.2');
    await store.addRecord('u20001', '/users/u20001/episodes/s-earlier', 'VPN error 809 fixed by restarting the VPN client');
    await store.addRecord('u20001', '/users/u20001/episodes', 'Recurring: VPN error 809; the fix is a VPN client restart');
    await store.addRecord('u20001', namespaceFor('preferences', 'u20001'), 'Prefers short VPN answers');
    await store.addRecord('u20002', '/users/u20002/episodes/s-1', 'Another user’s VPN episode');
    const it = new ActorMemory(store, { userId: 'u20001' });
    const kinds = recalledKinds(memoryStrategiesOf(agentSpecs.it));
    expect(kinds).toEqual(['facts', 'episodes']);
    const texts = (await it.recallKinds(kinds, 'VPN error 809 client')).map((r) => r.text);
    expect(texts.sort()).toEqual(['Recurring: VPN error 809; the fix is a VPN client restart', 'VPN error 809 fixed by restarting the VPN client', 'Works on a MacBook with the VPN client 5.2']);
    // The supervisor recalls preferences (summaries are per session).
    expect(recalledKinds(memoryStrategiesOf(agentSpecs.supervisor))).toEqual(['preferences']);
  });
});
