import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { InProcessMemory, MemoryAccessDenied, ActorMemory, namespaceFor } from '../../../agents/memory';
import { AgentMemory } from '../../../lib/memory';

const AUTH = { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedClients: ['agents'] };

function build(props: ConstructorParameters<typeof AgentMemory>[2] = {}) {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key');
  const memory = new AgentMemory(stack, 'Memory', { encryptionKey: key, eventExpiry: Duration.days(14), ...props });
  const role = new iam.Role(stack, 'AgentRole', { assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com') });
  memory.grantAgent(role, AUTH);
  return { stack, template: Template.fromStack(stack), memory };
}

describe('AgentMemory', () => {
  test('short-term expiry and the customer-managed key are set on the memory', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::BedrockAgentCore::Memory', {
      EventExpiryDuration: 14,
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
  });

  test('three long-term strategies write under /users/{actorId}/', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::BedrockAgentCore::Memory', {
      MemoryStrategies: Match.arrayEquals([
        { SemanticMemoryStrategy: Match.objectLike({ Name: 'user_facts', Namespaces: ['/users/{actorId}/facts'] }) },
        { UserPreferenceMemoryStrategy: Match.objectLike({ Name: 'user_preferences', Namespaces: ['/users/{actorId}/preferences'] }) },
        { SummaryMemoryStrategy: Match.objectLike({ Name: 'session_summaries', Namespaces: ['/users/{actorId}/sessions/{sessionId}/summary'] }) },
      ]),
    });
  });

  const statementsOf = (template: Template, rolePrefix: string) =>
    Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] } })).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement,
    );

  test('an agent role has no memory data access: it may only invoke the credential vendor', () => {
    const { template } = build();
    const statements = statementsOf(template, 'AgentRole');
    expect(statements.flatMap((s) => [s.Action].flat())).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements)).toMatch(/MemoryCredentialVendorFunction/);
  });

  test('the memory-access role: own events by actorId, own records by namespace, the key through the memory only — nothing else', () => {
    const { template } = build();
    expect(statementsOf(template, 'MemoryCredentialVendorAccessRole')).toEqual([
      {
        Sid: 'OwnSessionEvents',
        Effect: 'Allow',
        Action: ['bedrock-agentcore:CreateEvent', 'bedrock-agentcore:ListEvents'],
        Condition: { StringEquals: { 'bedrock-agentcore:actorId': '${aws:PrincipalTag/actorId}' } },
      },
      {
        Sid: 'OwnLongTermRecords',
        Effect: 'Allow',
        Action: 'bedrock-agentcore:RetrieveMemoryRecords',
        Condition: { StringLike: { 'bedrock-agentcore:namespace': '/users/${aws:PrincipalTag/actorId}/*' } },
      },
      {
        Sid: 'MemoryKeyThroughMemoryOnly',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'kms:ViaService': 'bedrock-agentcore.eu-west-1.amazonaws.com' } },
      },
    ].map((s) => ({ ...s, Resource: expect.anything() })));
  });

  test('the memory-access role trusts the vendor’s role only, for tagged sessions with the actorId tag alone', () => {
    const { template } = build();
    const roles = template.findResources('AWS::IAM::Role');
    const [access] = Object.entries(roles).filter(([id]) => id.startsWith('MemoryCredentialVendorAccessRole'));
    const [vendorRoleId] = Object.keys(roles).filter((id) => /^MemoryCredentialVendorRole/.test(id));
    expect((access[1] as { Properties: { AssumeRolePolicyDocument: unknown } }).Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Principal: { AWS: { 'Fn::GetAtt': [vendorRoleId, 'Arn'] } },
          Condition: { StringLike: { 'aws:RequestTag/actorId': '?*' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['actorId'] } },
        },
      ],
    });
  });

  test('one vendor per identity-provider setting, shared by the agents of that setting', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Vendors');
    const memory = new AgentMemory(stack, 'Memory');
    const again = memory.credentialVendor({ ...AUTH });
    const other = memory.credentialVendor({ ...AUTH, allowedClients: ['other'] });
    expect(again).toBe(memory.credentialVendor(AUTH));
    expect(other).not.toBe(again);
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2);
  });

  test('bad props are reported together, naming each field and the allowed range', () => {
    expect(() => build({ memoryName: '1-bad', eventExpiry: Duration.days(400), longTerm: ['facts', 'facts'] })).toThrow(
      /InvalidAgentMemoryProps\] 3 problems:[\s\S]*memoryName: "1-bad" must start with a letter[\s\S]*eventExpiry: 400 days .* from 7 to 365[\s\S]*longTerm: facts listed more than once; one strategy per kind/,
    );
  });

  test('only the strategies asked for are created', () => {
    const { template } = build({ longTerm: ['facts'] });
    template.hasResourceProperties('AWS::BedrockAgentCore::Memory', { MemoryStrategies: Match.arrayEquals([{ SemanticMemoryStrategy: Match.anyValue() }]) });
  });
});

describe('the same namespace rule in the agent code path', () => {
  test('user A cannot read or write user B’s events or namespaces; its own work', async () => {
    const store = new InProcessMemory();
    const alice = new ActorMemory(store, { userId: 'u20001' });
    await store.addRecord('u20002', namespaceFor('facts', 'u20002'), 'Bob works in the Berlin office');
    await alice.appendTurn('s1', { role: 'user', text: 'my employee id is E10001', agent: 'supervisor', at: '2026-11-26T09:00:00Z' });

    await expect(alice.search(namespaceFor('facts', 'u20002'), 'office')).rejects.toThrow(MemoryAccessDenied);
    await expect(alice.search('/users/u20001/../u20002/facts', 'office')).rejects.toThrow(/may only use its own session events and namespaces under \/users\/u20001\//);
    await expect(store.addRecord('u20001', namespaceFor('facts', 'u20002'), 'planted')).rejects.toThrow(MemoryAccessDenied);
    await expect(store.appendTurn('u20001', { actorId: 'u20002', sessionId: 's1' }, { role: 'user', text: 'x', agent: 'hr', at: '2026-11-26T09:00:00Z' })).rejects.toThrow(
      /actor "u20001" may only use .* not events of actor "u20002"/,
    );
    await expect(store.listTurns('u20002', { actorId: 'u20001', sessionId: 's1' })).rejects.toThrow(MemoryAccessDenied);

    expect(await alice.recall('facts', 'office')).toEqual([]);
    expect((await alice.listTurns('s1')).map((t) => t.text)).toEqual(['my employee id is E10001']);
    expect((await new ActorMemory(store, { userId: 'u20002' }).recall('facts', 'office')).map((r) => r.text)).toEqual(['Bob works in the Berlin office']);
  });
});
