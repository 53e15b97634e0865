import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { bearerToken, IdentityError, jwtVerifier } from '../../../agents/shared/identity';

describe('identity from the bearer token', () => {
  let sign: (claims: Record<string, unknown>, opts?: { iss?: string; aud?: string; exp?: string }) => Promise<string>;
  let jwk: JWK;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    sign = (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(opts.iss ?? 'https://idp.test')
        .setAudience(opts.aud ?? 'agents')
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? '5m')
        .sign(privateKey);
  });

  const verifier = (opts: { audiences?: string[]; userIdClaim?: string } = {}) =>
    jwtVerifier({ jwks: createLocalJWKSet({ keys: [jwk] }), issuer: 'https://idp.test', audiences: opts.audiences ?? ['agents'], userIdClaim: opts.userIdClaim });

  test('a valid token yields the user id, every claim and the raw token', async () => {
    const token = await sign({ sub: 'u-1', department: 'hr' });
    await expect(verifier()(token)).resolves.toEqual({ userId: 'u-1', token, claims: expect.objectContaining({ sub: 'u-1', department: 'hr', iss: 'https://idp.test' }) });
  });

  test('a Cognito access token is accepted by its client_id', async () => {
    const token = await sign({ sub: 'u-2', client_id: 'app-client' }, { aud: 'other' });
    await expect(verifier({ audiences: ['app-client'] })(token)).resolves.toMatchObject({ userId: 'u-2' });
  });

  test('persona tokens (one evaluation client as sub for every persona) get one actor per persona', async () => {
    const verify = verifier({ audiences: ['eval-client'] });
    const alex = await verify(await sign({ sub: 'eval-client', client_id: 'eval-client', persona: 'alex', role: 'analyst' }, { aud: 'x' }));
    const sam = await verify(await sign({ sub: 'eval-client', client_id: 'eval-client', persona: 'sam', role: 'senior-analyst' }, { aud: 'x' }));
    expect([alex.userId, sam.userId]).toEqual(['persona-alex', 'persona-sam']);
    // A persona claim naming no reference identity is ignored.
    expect((await verify(await sign({ sub: 'eval-client', client_id: 'eval-client', persona: 'mallory' }, { aud: 'x' }))).userId).toBe('eval-client');
  });

  test('the user id claim is configurable', async () => {
    const token = await sign({ sub: 'abc', username: 'alice' });
    await expect(verifier({ userIdClaim: 'username' })(token)).resolves.toMatchObject({ userId: 'alice' });
  });

  test.each([
    ['another issuer', { iss: 'https://evil.test' }, /bearer token rejected: .*iss/],
    ['another audience', { aud: 'someone-else' }, /audience\/client_id is not one of agents/],
    ['an expired token', { exp: '-1m' }, /bearer token rejected: .*"exp"/],
  ])('%s is rejected', async (_name, opts, message) => {
    const token = await sign({ sub: 'u-1' }, opts);
    await expect(verifier()(token)).rejects.toThrow(message);
  });

  test('a user id unfit for a memory namespace is rejected naming the claim', async () => {
    const token = await sign({ sub: '../u-2' });
    await expect(verifier()(token)).rejects.toThrow(/claim "sub" must be a user id of letters, digits, _ \. @ - \(got "\.\.\/u-2"\)/);
  });

  test('an unsigned or tampered token is rejected', async () => {
    const token = await sign({ sub: 'u-1' });
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'u-2', iss: 'https://idp.test', aud: 'agents', exp: 9999999999 })).toString('base64url')}.${s}`;
    await expect(verifier()(forged)).rejects.toThrow(IdentityError);
  });

  test('the Authorization header must be a bearer token', () => {
    expect(bearerToken({ Authorization: 'Bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerToken({ authorization: ['bearer   xyz'] })).toBe('xyz');
    expect(() => bearerToken({})).toThrow('missing Authorization header: expected "Authorization: Bearer <JWT>"');
    expect(() => bearerToken({ authorization: 'Basic dXNlcjpwYXNz' })).toThrow(IdentityError);
  });
});
