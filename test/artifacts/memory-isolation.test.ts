/**
 * Per-user memory isolation, proved on the synthesized policies of the dev assembly (what deploys):
 * `@cloud-copilot/iam-simulate` evaluates the memory-access role's trust policy with the session tags
 * a caller would send, and then its identity policy as a session tagged `actorId=<user>` would make
 * each memory call the agents make. User A's credentials reach A's events and namespaces and are
 * denied B's, for every action; only the vendor may assume the role; agent runtime roles have no
 * memory data access of their own.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { AgentMemoryPerms } from '../../lib/memory/perms';
import { devAssembly, FAKE_ACCOUNT, type CfnResource } from './support/assembly';

const asm = devAssembly();
type Doc = { Statement: unknown[] };

function resourcesOf(predicate: (id: string, r: CfnResource) => boolean) {
  return Object.entries(asm.templates).flatMap(([stack, t]) => Object.entries(t.Resources).filter(([id, r]) => predicate(id, r)).map(([id, r]) => ({ stack, id, r })));
}

/** The identity policies (inline AWS::IAM::Policy resources) attached to a role, resolved. */
function policiesOf(stack: string, roleId: string): { name: string; policy: Doc }[] {
  const refersTo = (ref: unknown) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId });
  return Object.entries(asm.templates[stack].Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && ((r.Properties?.Roles as unknown[]) ?? []).some(refersTo))
    .map(([id, r]) => ({ name: id, policy: asm.resolve(stack, r.Properties!.PolicyDocument) as Doc }));
}

const [access] = resourcesOf((id, r) => r.Type === 'AWS::IAM::Role' && /MemoryCredentialVendorAccessRole/.test(id));
const [vendor] = resourcesOf((id, r) => r.Type === 'AWS::IAM::Role' && /MemoryCredentialVendorRole[0-9A-F]{8}$/.test(id));
const [memory] = resourcesOf((_id, r) => r.Type === 'AWS::BedrockAgentCore::Memory');
/** Execution roles of the agent runtimes (AgentCore Runtime assumes them). */
const runtimeRoles = resourcesOf(
  (id, r) => r.Type === 'AWS::IAM::Role' && /RuntimeExecutionRole/.test(id) && JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('bedrock-agentcore.amazonaws.com'),
);
const arnOf = (x: { stack: string; id: string }) => String(asm.resolve(x.stack, { 'Fn::GetAtt': [x.id, 'Arn'] }));
const memoryArn = String(asm.resolve(memory.stack, { 'Fn::GetAtt': [memory.id, 'MemoryArn'] }));
const accessRoleArn = arnOf(access);
const trustPolicy = asm.resolve(access.stack, access.r.Properties!.AssumeRolePolicyDocument);

async function decide(principal: string, action: string, resource: string, identityPolicies: { name: string; policy: Doc }[], context: Record<string, string | string[]>, resourcePolicy?: unknown) {
  const simulation: Simulation = {
    request: { principal, action, resource: { resource, accountId: FAKE_ACCOUNT }, contextVariables: context },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** A session of the memory-access role as the vendor makes it for `actor`. */
const session = (actor: string) => ({
  principal: `arn:aws:sts::${FAKE_ACCOUNT}:assumed-role/${accessRoleArn.split('/').pop()}/memory-${actor}`,
  policies: policiesOf(access.stack, access.id),
  tags: { [`aws:PrincipalTag/${AgentMemoryPerms.ACTOR_TAG}`]: actor },
});

/** Every memory call the agents make (agents/memory/agentcore-memory.ts), with the request context its target sets. */
const CALLS = [
  { action: 'bedrock-agentcore:CreateEvent', target: (owner: string) => ({ 'bedrock-agentcore:actorId': owner, 'bedrock-agentcore:sessionId': 's-1' }) },
  { action: 'bedrock-agentcore:ListEvents', target: (owner: string) => ({ 'bedrock-agentcore:actorId': owner, 'bedrock-agentcore:sessionId': 's-1' }) },
  ...['facts', 'preferences', 'sessions/s-1/summary'].map((kind) => ({ action: 'bedrock-agentcore:RetrieveMemoryRecords', target: (owner: string) => ({ 'bedrock-agentcore:namespace': `/users/${owner}/${kind}` }) })),
];

describe('memory isolation held by IAM (synthesized dev policies, iam-simulate)', () => {
  test('the assembly has one memory, its vendor and access role, and the agent runtimes', () => {
    expect([access, vendor, memory].map((x) => x?.stack)).toEqual(['AgentCoreKit-dev-Foundation', 'AgentCoreKit-dev-Foundation', 'AgentCoreKit-dev-Foundation']);
    expect(runtimeRoles.length).toBe(asm.runtimes().length);
    // The agents use exactly these actions; each is scoped in the synthesized policy.
    expect([...new Set(CALLS.map((c) => c.action))].sort()).toEqual([...AgentMemoryPerms.SESSION_EVENTS, ...AgentMemoryPerms.USER_RECORDS].sort());
  });

  test.each(CALLS.map((c) => [c.action, JSON.stringify(c.target('B')), c] as const))('%s %s: user A is denied user B’s, allowed its own', async (_a, _t, call) => {
    const a = session('u20001');
    expect(await decide(a.principal, call.action, memoryArn, a.policies, { ...a.tags, ...call.target('u20001') })).toBe('Allowed');
    for (const other of ['u20002', 'u200011', 'U20001', '*']) {
      expect([other, await decide(a.principal, call.action, memoryArn, a.policies, { ...a.tags, ...call.target(other) })]).toEqual([other, 'ImplicitlyDenied']);
    }
    // And the other way round: B's session is denied A's.
    const b = session('u20002');
    expect(await decide(b.principal, call.action, memoryArn, b.policies, { ...b.tags, ...call.target('u20001') })).toBe('ImplicitlyDenied');
    // A session without the tag reaches nobody's memory.
    expect(await decide(a.principal, call.action, memoryArn, a.policies, call.target('u20001'))).toBe('ImplicitlyDenied');
  });

  test('no other memory action is allowed to a tagged session, even for its own actor', async () => {
    const a = session('u20001');
    for (const action of ['GetMemoryRecord', 'ListMemoryRecords', 'ListActors', 'ListSessions', 'GetEvent', 'DeleteEvent', 'DeleteMemoryRecord', 'BatchCreateMemoryRecords', 'UpdateMemory', 'DeleteMemory']) {
      const context = { ...a.tags, 'bedrock-agentcore:actorId': 'u20001', 'bedrock-agentcore:namespace': '/users/u20001/facts' };
      expect([action, await decide(a.principal, `bedrock-agentcore:${action}`, memoryArn, a.policies, context)]).toEqual([action, 'ImplicitlyDenied']);
    }
  });

  test('only the vendor may assume the access role, and only with the actorId tag alone', async () => {
    const vendorPolicies = policiesOf(vendor.stack, vendor.id);
    const tagged = { [`aws:RequestTag/${AgentMemoryPerms.ACTOR_TAG}`]: 'u20001', 'aws:TagKeys': [AgentMemoryPerms.ACTOR_TAG] };
    for (const action of ['sts:AssumeRole', 'sts:TagSession']) {
      expect(await decide(arnOf(vendor), action, accessRoleArn, vendorPolicies, tagged, trustPolicy)).toBe('Allowed');
      expect(await decide(arnOf(vendor), action, accessRoleArn, vendorPolicies, {}, trustPolicy)).not.toBe('Allowed');
      expect(await decide(arnOf(vendor), action, accessRoleArn, vendorPolicies, { ...tagged, 'aws:TagKeys': ['actorId', 'department'] }, trustPolicy)).not.toBe('Allowed');
    }
    for (const runtime of runtimeRoles) {
      const policies = policiesOf(runtime.stack, runtime.id);
      for (const action of ['sts:AssumeRole', 'sts:TagSession']) expect([runtime.id, await decide(arnOf(runtime), action, accessRoleArn, policies, tagged, trustPolicy)]).toEqual([runtime.id, 'ImplicitlyDenied']);
    }
  });

  test('agent runtime roles have no memory data access of their own; they may invoke the vendor', async () => {
    const vendorFn = asm.lambdaFunctions().find((f) => /MemoryCredentialVendorFunction/.test(f.logicalId))!;
    for (const runtime of runtimeRoles) {
      const policies = policiesOf(runtime.stack, runtime.id);
      for (const call of CALLS) {
        expect([runtime.id, call.action, await decide(arnOf(runtime), call.action, memoryArn, policies, call.target('u20001'))]).toEqual([runtime.id, call.action, 'ImplicitlyDenied']);
      }
      expect([runtime.id, await decide(arnOf(runtime), 'lambda:InvokeFunction', vendorFn.arn, policies, {})]).toEqual([runtime.id, 'Allowed']);
    }
  });
});
