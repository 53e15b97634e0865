/**
 * Memory credentials per verified caller: the vendor (lambda/memory-credentials) verifies real JWTs
 * (jose, the agents' own verifier) and tags the role session with the verified actor; the agents'
 * cache keeps one set per actor until close to expiry and never hands one actor's set to another.
 * STS and the AgentCore Memory data plane cannot run here: narrow fakes record what would be sent.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { jwtVerifier } from '../../../agents/shared/identity';
import { ActorCredentialCache, ActorMemory, AgentCoreMemory, MemoryAccessDenied, MemoryCredentialsError, type ActorCredentials, type VendMemoryCredentials } from '../../../agents/memory';
import { ACTOR_TAG, handle, InvalidVendRequest, sessionNameFor, stsAssumeRole, type Deps } from '../../../lambda/memory-credentials';

const ISSUER = 'https://idp.test';
let sign: (sub: string, extra?: Record<string, unknown>) => Promise<string>;
let verify: Deps['verify'];

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  verify = jwtVerifier({ jwks: createLocalJWKSet({ keys: [jwk] }), issuer: ISSUER, audiences: ['agents'] });
  sign = (sub, extra = {}) => new SignJWT({ client_id: 'agents', ...extra }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject(sub).setIssuer(ISSUER).setIssuedAt().setExpirationTime('10m').sign(privateKey);
});

function fakeSts() {
  const sent: Record<string, unknown>[] = [];
  let n = 0;
  return {
    sent,
    sts: {
      send: async (command: AssumeRoleCommand) => {
        sent.push(command.input as unknown as Record<string, unknown>);
        n += 1;
        return { Credentials: { AccessKeyId: `ASIA${n}`, SecretAccessKey: `secret-${n}`, SessionToken: `session-${n}`, Expiration: new Date('2026-12-03T12:15:00Z') } };
      },
    } as never,
  };
}

describe('memory credential vendor', () => {
  const ROLE = 'arn:aws:iam::111111111111:role/memory-access';

  test('a verified token gets credentials tagged with its own subject as actorId, and nothing else decides the tag', async () => {
    const { sts, sent } = fakeSts();
    const deps: Deps = { verify, assumeRole: stsAssumeRole(sts), roleArn: ROLE, durationSeconds: 900 };
    const out = await handle({ token: await sign('u20001', { actorId: 'u20002', userId: 'u20002' }), actorId: 'u20002' }, deps);
    expect(out).toEqual({ actorId: 'u20001', accessKeyId: 'ASIA1', secretAccessKey: 'secret-1', sessionToken: 'session-1', expiration: '2026-12-03T12:15:00.000Z' });
    expect(sent).toEqual([{ RoleArn: ROLE, RoleSessionName: 'memory-u20001', DurationSeconds: 900, Tags: [{ Key: ACTOR_TAG, Value: 'u20001' }] }]);
  });

  test.each([
    ['no event', undefined, /token: expected the caller’s JWT/],
    ['an empty token', { token: '' }, /token: expected the caller’s JWT/],
    ['a token signed by another key', { token: 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MjAwMDIifQ.c2ln' }, /bearer token rejected/],
  ])('%s is refused before STS is called', async (_label, event, message) => {
    const { sts, sent } = fakeSts();
    await expect(handle(event, { verify, assumeRole: stsAssumeRole(sts), roleArn: ROLE, durationSeconds: 900 })).rejects.toThrow(message);
    expect(sent).toEqual([]);
  });

  test('a token for another audience is refused', async () => {
    const { sts, sent } = fakeSts();
    const token = await sign('u20001', { client_id: 'someone-else' });
    await expect(handle({ token }, { verify, assumeRole: stsAssumeRole(sts), roleArn: ROLE, durationSeconds: 900 })).rejects.toThrow(/audience\/client_id is not one of agents/);
    expect(sent).toEqual([]);
  });

  test('role session names keep to what STS accepts', () => {
    expect(sessionNameFor('persona-finance-admin')).toBe('memory-persona-finance-admin');
    expect(sessionNameFor('a'.repeat(128))).toHaveLength(64);
  });

  test('the request event is rejected with a typed error', async () => {
    await expect(handle({ tokens: 'x' }, { verify, assumeRole: async () => ({}) as never, roleArn: ROLE, durationSeconds: 900 })).rejects.toBeInstanceOf(InvalidVendRequest);
  });
});

const creds = (id: string, expiresAt: number): ActorCredentials => ({ accessKeyId: id, secretAccessKey: `s-${id}`, sessionToken: `t-${id}`, expiration: new Date(expiresAt) });

describe('credentials cached per actor', () => {
  /** The vendor as the agents see it: the actor is whoever the token says (here: the token text). */
  function vendor() {
    const calls: string[] = [];
    let n = 0;
    const vend: VendMemoryCredentials = async (token) => {
      calls.push(token);
      n += 1;
      const actorId = token.split(':')[0];
      return { actorId, credentials: creds(`${actorId}-${n}`, now + 15 * 60_000) };
    };
    return { vend, calls };
  }
  let now = 1_000_000;

  test('one vend per actor while the credentials are fresh; a new vend within two minutes of expiry', async () => {
    const { vend, calls } = vendor();
    const cache = new ActorCredentialCache(vend, { now: () => now });
    const first = await cache.forActor('alice', 'alice:t1');
    expect(await cache.forActor('alice', 'alice:t2')).toBe(first);
    now += 12 * 60_000; // 3 minutes left
    expect(await cache.forActor('alice', 'alice:t3')).toBe(first);
    now += 2 * 60_000; // 1 minute left
    const second = await cache.forActor('alice', 'alice:t4');
    expect(second).not.toBe(first);
    expect(calls).toEqual(['alice:t1', 'alice:t4']);
  });

  test('never crossed: actors get their own sets, concurrently too, and a set vended for someone else is refused', async () => {
    const { vend, calls } = vendor();
    const cache = new ActorCredentialCache(vend, { now: () => now });
    const [a, b, a2] = await Promise.all([cache.forActor('alice', 'alice:t'), cache.forActor('bob', 'bob:t'), cache.forActor('alice', 'alice:t')]);
    expect(a).toBe(a2);
    expect(a.accessKeyId).toMatch(/^alice-/);
    expect(b.accessKeyId).toMatch(/^bob-/);
    // Bob's token presented as Alice: the vendor says "bob", so Alice's entry is not filled with it.
    const cache2 = new ActorCredentialCache(vend, { now: () => now });
    await expect(cache2.forActor('alice', 'bob:t')).rejects.toThrow(new MemoryCredentialsError('memory credentials were vended for actor "bob", not for "alice": refused'));
    await expect(cache2.forActor('alice', 'alice:t')).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^alice-/) });
    expect(calls.filter((c) => c.startsWith('alice')).length).toBe(2);
  });

  test('a failed vend is not cached', async () => {
    let fail = true;
    const cache = new ActorCredentialCache(async () => {
      if (fail) throw new MemoryCredentialsError('memory credential vendor refused: bearer token rejected');
      return { actorId: 'alice', credentials: creds('alice-ok', now + 900_000) };
    }, { now: () => now });
    await expect(cache.forActor('alice', 'x')).rejects.toThrow(/refused/);
    fail = false;
    await expect(cache.forActor('alice', 'x')).resolves.toMatchObject({ accessKeyId: 'alice-ok' });
  });

  test('AgentCore Memory signs each actor’s calls with that actor’s credentials only', async () => {
    const { vend } = vendor();
    const signedBy: { key: string; actorId: unknown; namespace?: unknown }[] = [];
    const memory = new AgentCoreMemory({
      memoryId: 'agent_memory-abcdefghij',
      credentials: new ActorCredentialCache(vend, { now: () => now }),
      clientFor: (c) => ({ send: (async (cmd: { input: Record<string, unknown> }) => (signedBy.push({ key: c.accessKeyId, actorId: cmd.input.actorId, namespace: cmd.input.namespace }), {})) as never }),
    });
    const alice = new ActorMemory(memory, { userId: 'alice', token: 'alice:t' });
    const bob = new ActorMemory(memory, { userId: 'bob', token: 'bob:t' });
    await alice.appendTurn('s1', { role: 'user', text: 'hi', agent: 'supervisor', at: '2026-12-03T12:00:00Z' });
    await bob.appendTurn('s1', { role: 'user', text: 'hi', agent: 'supervisor', at: '2026-12-03T12:00:00Z' });
    await alice.recall('facts', 'office');
    expect(signedBy.map((s) => [s.key.split('-')[0], s.actorId ?? s.namespace])).toEqual([
      ['alice', 'alice'],
      ['bob', 'bob'],
      ['alice', '/users/alice/facts'],
    ]);
    // Without the caller's token there are no credentials to sign with.
    await expect(new ActorMemory(memory, { userId: 'alice' }).listTurns('s1')).rejects.toThrow(MemoryAccessDenied);
  });
});
