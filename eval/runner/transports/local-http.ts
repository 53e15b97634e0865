/**
 * The AgentCore HTTP contract over plain HTTPS: `POST <url>/invocations[?qualifier=<endpoint>]` with
 * the session id header and an optional bearer token. Used against agents running locally
 * (`bedrock-agentcore/runtime` on loopback) and against deployed runtimes with JWT inbound auth
 * (`https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<URL-encoded runtime ARN>`).
 */
import type { EvalRequest } from '../contract';
import { httpUrl, type Transport, type TransportReply } from './transport';

export const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

export interface LocalHttpTransportOptions {
  /** Base URL of the agent, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /**
   * Runtime endpoint to address (`?qualifier=`), for deployed runtimes.
   * @default - none (the runtime's DEFAULT endpoint, or a local agent)
   */
  readonly qualifier?: string;
  /** Per-request timeout. @default 60000 */
  readonly timeoutMs?: number;
  /**
   * Bearer token per request (agents take the caller's identity from a verified JWT only), e.g. a
   * token whose claims match the case's `context.employeeId` / `context.userId`.
   * @default - no Authorization header
   */
  readonly bearerToken?: (request: EvalRequest) => string | Promise<string>;
}

export class LocalHttpTransport implements Transport {
  readonly description: string;
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly bearerToken?: (request: EvalRequest) => string | Promise<string>;
  private readonly qualifier?: string;

  constructor(options: LocalHttpTransportOptions) {
    this.base = httpUrl(options.url, 'http://127.0.0.1:8080');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.bearerToken = options.bearerToken;
    if (options.qualifier !== undefined && !/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/.test(options.qualifier)) {
      throw new Error(`qualifier: expected an endpoint name (letters, digits, underscore; starts with a letter), got ${JSON.stringify(options.qualifier)}`);
    }
    this.qualifier = options.qualifier;
    this.description = `${this.base.origin}${this.base.pathname.replace(/\/$/, '')}${options.qualifier ? ` (qualifier ${options.qualifier})` : ''}`;
  }

  async invoke(request: EvalRequest, sessionId: string, signal?: AbortSignal): Promise<TransportReply> {
    const url = new URL('invocations', this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`);
    if (this.qualifier) url.searchParams.set('qualifier', this.qualifier);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const token = this.bearerToken ? await this.bearerToken(request) : undefined;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        [SESSION_HEADER]: sessionId,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(request),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    return { body: await res.text(), contentType: res.headers.get('content-type') ?? 'application/json', statusCode: res.status };
  }
}
