/** identity.evaluationClient: persona tokens for the evaluation gate in dev and staging, never by default. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILT_IN_ENVIRONMENTS, loadEnvironment, resolveEnvironment } from '../../../lib/config';

const cognito = (name: string) => {
  const identity = loadEnvironment(name).identity;
  if (identity.kind !== 'cognito') throw new Error(`${name}: expected a cognito identity`);
  return identity;
};

describe('identity.evaluationClient', () => {
  test('on in dev and staging (the gate evaluates there), off in prod', () => {
    expect(cognito('dev').evaluationClient).toBe(true);
    expect(cognito('staging').evaluationClient).toBe(true);
    expect(cognito('prod').evaluationClient).toBe(false);
  });

  test('off unless a config asks for it', () => {
    const cfg = resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.prod, identity: { kind: 'cognito' } });
    expect(cfg.identity).toEqual({ kind: 'cognito', callbackUrls: ['http://localhost:3000/callback'], evaluationClient: false });
  });

  test('a non-boolean value names the field', () => {
    expect(() => resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.staging, identity: { kind: 'cognito', evaluationClient: 'yes' } })).toThrow(
      /identity\.evaluationClient: Invalid input: expected boolean/,
    );
  });

  test('a JSON environment switching staging to an OIDC IdP does not inherit the Cognito-only field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const oidc = { kind: 'oidc', discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', allowedAudiences: ['api://tools'] };
    fs.writeFileSync(path.join(dir, 'corp.json'), JSON.stringify({ extends: 'staging', identity: oidc }));
    expect(loadEnvironment('corp', dir).identity).toEqual({ ...oidc, allowedClients: [], requiredClaims: {} });
  });

  test('a JSON environment overriding one Cognito field keeps the others', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'perf.json'), JSON.stringify({ extends: 'staging', identity: { kind: 'cognito', domainPrefix: 'acme-perf' } }));
    expect(loadEnvironment('perf', dir).identity).toMatchObject({ kind: 'cognito', domainPrefix: 'acme-perf', evaluationClient: true });
  });
});
