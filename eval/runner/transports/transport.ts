/**
 * How the runner reaches an agent. Two implementations: AgentCore Runtime (`InvokeAgentRuntime`)
 * and local HTTP (the same AgentCore HTTP contract on localhost).
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
