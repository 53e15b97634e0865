/** HTTP conventions of the AgentCore runtime contract shared by the agents. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Header that carries the runtime session id (the memory session of a conversation). */
export const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

/**
 * Custom header (passed through by AgentCore when allow-listed) carrying the current-date attribute
 * from the supervisor to a specialist, so both reason about the same date.
 */
export const AS_OF_HEADER = 'x-amzn-bedrock-agentcore-runtime-custom-as-of';

/** A server started on a port, and how to stop it. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Listen on host:port (port 0 = any free port) and resolve once listening. */
export async function listen(server: http.Server, port: number, host: string): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
