/**
 * Memory credential vendor: the only principal that may assume the memory-access role. It verifies
 * the caller's JWT itself (the same verifier the agents use, against the identity provider's keys)
 * and assumes the role with the verified user id as the `actorId` session tag. The role's policy
 * allows memory calls only where `bedrock-agentcore:actorId` / `bedrock-agentcore:namespace` match
 * that tag, so credentials from here reach one user's memory and no other — whatever the agent
 * code asks for. An agent never names the actor: it hands over the token it was called with.
 *
 * Event: `{ "token": "<JWT>" }`. Result: the actor id and short-lived credentials
 * ({@link VendedCredentials}). A bad token or a bad event throws (the invoke reports a function error
 * whose message names what was wrong, never the token).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ACTOR_TAG, VENDOR_ENV } from './contract';
import { discoveredVerifier, IdentityError, type IdentityVerifier } from '../../agents/shared/identity';

export { ACTOR_TAG, VENDOR_ENV };

export interface VendRequest {
  readonly token: string;
}

export interface VendedCredentials {
  /** The verified user the credentials are for (the memory actor id). */
  readonly actorId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO-8601. */
  readonly expiration: string;
}

export interface AssumeActorRole {
  (input: { readonly roleArn: string; readonly actorId: string; readonly durationSeconds: number }): Promise<Omit<VendedCredentials, 'actorId'>>;
}

export interface Deps {
  readonly verify: IdentityVerifier;
  readonly assumeRole: AssumeActorRole;
  readonly roleArn: string;
  /** 900–3600 (the role's maximum session is one hour). */
  readonly durationSeconds: number;
}

/** Thrown for an event that is not `{ token: string }`. */
export class InvalidVendRequest extends Error {
  override readonly name = 'InvalidVendRequest';
}

/** Role session names allow letters, digits and `_+=,.@-`, 2–64 characters. */
export function sessionNameFor(actorId: string): string {
  return `memory-${actorId.replace(/[^\w+=,.@-]/g, '_')}`.slice(0, 64);
}

export async function handle(event: unknown, deps: Deps): Promise<VendedCredentials> {
  const token = (event as Partial<VendRequest> | null)?.token;
  if (typeof token !== 'string' || token.length === 0) throw new InvalidVendRequest('token: expected the caller’s JWT as a non-empty string ({ "token": "<JWT>" })');
  const identity = await deps.verify(token);
  const credentials = await deps.assumeRole({ roleArn: deps.roleArn, actorId: identity.userId, durationSeconds: deps.durationSeconds });
  return { actorId: identity.userId, ...credentials };
}

/** AssumeRole with the actor tag, through STS. */
export function stsAssumeRole(sts: Pick<STSClient, 'send'>): AssumeActorRole {
  return async ({ roleArn, actorId, durationSeconds }) => {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionNameFor(actorId), DurationSeconds: durationSeconds, Tags: [{ Key: ACTOR_TAG, Value: actorId }] }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('AssumeRole returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration).toISOString() };
  };
}

/** The deps of the deployed function, from its environment; the verifier is built once and kept (a failed discovery is retried). */
export function depsFromEnvironment(env: Readonly<Record<string, string | undefined>>, sts: Pick<STSClient, 'send'> = new STSClient({})): Deps {
  const missing = [VENDOR_ENV.roleArn, VENDOR_ENV.discoveryUrl].filter((k) => !env[k]);
  if (missing.length) throw new Error(`memory credential vendor: ${missing.join(', ')} must be set`);
  const audiences = (env[VENDOR_ENV.audiences] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  let verifier: Promise<IdentityVerifier> | undefined;
  const verify: IdentityVerifier = async (token) => {
    verifier ??= discoveredVerifier(env[VENDOR_ENV.discoveryUrl]!, { audiences, userIdClaim: env[VENDOR_ENV.userIdClaim] || undefined }).catch((e: unknown) => {
      verifier = undefined;
      throw e;
    });
    return (await verifier)(token);
  };
  return { verify, assumeRole: stsAssumeRole(sts), roleArn: env[VENDOR_ENV.roleArn]!, durationSeconds: Number(env[VENDOR_ENV.sessionSeconds] ?? 900) };
}

let deps: Deps | undefined;
export const handler = async (event: unknown): Promise<VendedCredentials> => {
  deps ??= depsFromEnvironment(process.env);
  try {
    return await handle(event, deps);
  } catch (e) {
    // The message says what was wrong with the request; it never holds the token.
    if (e instanceof IdentityError || e instanceof InvalidVendRequest) console.warn(JSON.stringify({ level: 'warn', message: 'memory credentials refused', reason: (e as Error).message }));
    throw e;
  }
};
