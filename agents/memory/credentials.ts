/**
 * Credentials for AgentCore Memory, per verified actor, from the memory credential vendor
 * (lambda/memory-credentials). The agent hands over the caller's token; the vendor verifies it and
 * returns credentials whose every memory call IAM confines to that actor. Credentials are cached per
 * actor until shortly before they expire and are never handed to another actor: a vended set whose
 * actor is not the one asked for is refused.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export interface ActorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Vend credentials for the bearer of `token`: the actor the vendor verified and its credentials. */
export type VendMemoryCredentials = (token: string) => Promise<{ readonly actorId: string; readonly credentials: ActorCredentials }>;

/** Raised when the vendor refuses the token or answers for another actor. */
export class MemoryCredentialsError extends Error {
  override readonly name = 'MemoryCredentialsError';
}

/** The vendor as a Lambda function, invoked synchronously with `{ token }`. */
export function lambdaCredentialVendor(functionName: string, lambda: Pick<LambdaClient, 'send'>): VendMemoryCredentials {
  return async (token) => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify({ token })) }));
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new MemoryCredentialsError(`memory credential vendor ${functionName} answered no JSON`);
    }
    if (out.FunctionError) throw new MemoryCredentialsError(`memory credential vendor refused: ${String(body.errorMessage ?? out.FunctionError)}`);
    const { actorId, accessKeyId, secretAccessKey, sessionToken, expiration } = body;
    if (![actorId, accessKeyId, secretAccessKey, sessionToken, expiration].every((v) => typeof v === 'string' && v.length > 0)) {
      throw new MemoryCredentialsError(`memory credential vendor ${functionName} answered without actorId, accessKeyId, secretAccessKey, sessionToken and expiration`);
    }
    return { actorId: actorId as string, credentials: { accessKeyId: accessKeyId as string, secretAccessKey: secretAccessKey as string, sessionToken: sessionToken as string, expiration: new Date(expiration as string) } };
  };
}

export interface ActorCredentialCacheOptions {
  /** Credentials this close to expiry are vended anew. @default 120_000 (two minutes) */
  readonly refreshMarginMs?: number;
  /** Most actors kept; the least recently used is dropped first. @default 1000 */
  readonly maxActors?: number;
  readonly now?: () => number;
}

/** Vended credentials per actor, reused until close to expiry, never crossed between actors. */
export class ActorCredentialCache {
  private readonly entries = new Map<string, Promise<ActorCredentials>>();
  private readonly refreshMarginMs: number;
  private readonly maxActors: number;
  private readonly now: () => number;

  constructor(
    private readonly vend: VendMemoryCredentials,
    options: ActorCredentialCacheOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? 120_000;
    this.maxActors = options.maxActors ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Credentials of `actorId`, vended with `token` when none are cached or they are about to expire. */
  async forActor(actorId: string, token: string): Promise<ActorCredentials> {
    const cached = this.entries.get(actorId);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && credentials.expiration.getTime() - this.now() > this.refreshMarginMs) {
        this.entries.delete(actorId);
        this.entries.set(actorId, cached);
        return credentials;
      }
      if (this.entries.get(actorId) !== cached) return this.forActor(actorId, token);
    }
    const pending = this.vend(token).then(({ actorId: vendedFor, credentials }) => {
      // The vendor names the actor it verified; a token of someone else never fills this actor's entry.
      if (vendedFor !== actorId) throw new MemoryCredentialsError(`memory credentials were vended for actor "${vendedFor}", not for "${actorId}": refused`);
      return credentials;
    });
    this.entries.delete(actorId);
    this.entries.set(actorId, pending);
    pending.catch(() => {
      if (this.entries.get(actorId) === pending) this.entries.delete(actorId);
    });
    while (this.entries.size > this.maxActors) this.entries.delete(this.entries.keys().next().value as string);
    return pending;
  }
}
