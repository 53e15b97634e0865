/**
 * How the runner reaches an agent: AgentCore Runtime (`InvokeAgentRuntime`), HTTP (the AgentCore
 * HTTP contract, local or over HTTPS with a bearer token) and A2A (JSON-RPC `message/send`).
 */
import type { EvalRequest } from '../contract';

export interface TransportReply {
  /** Raw reply body (JSON or an SSE stream). */
  readonly body: string;
  readonly contentType: string;
  /** HTTP status (200 on success). */
  readonly statusCode: number;
}

export interface Transport {
  /** Human-readable target, e.g. `arn:...:runtime/x (qualifier live)` or `http://127.0.0.1:8080`. */
  readonly description: string;
  invoke(request: EvalRequest, sessionId: string, signal?: AbortSignal): Promise<TransportReply>;
}

/** A session id AgentCore accepts (33+ characters); one per case so cases never share memory. */
export function sessionIdFor(runId: string, caseId: string): string {
  const id = `eval-${runId}-${caseId}`;
  return id.length >= 33 ? id : id.padEnd(33, '0');
}

/** An http(s) URL from a transport's `url` option, or an error naming the option and an example. */
export function httpUrl(value: string, example: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`url: expected an http(s) URL such as ${example}, got ${JSON.stringify(value)}`);
  return url;
}
