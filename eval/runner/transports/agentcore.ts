/**
 * AgentCore Runtime through the data plane: `InvokeAgentRuntime` with a selectable endpoint
 * qualifier (e.g. `live` or `canary`), so both endpoints of a release can be evaluated.
 */
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore';
import type { EvalRequest } from '../contract';
import type { Transport, TransportReply } from './transport';

export const RUNTIME_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:runtime\/[A-Za-z][A-Za-z0-9_]{0,47}-[A-Za-z0-9]{10}$/;

/**
 * The HTTPS invocation URL of a runtime, for callers that authenticate with a bearer token (JWT
 * inbound auth) instead of SigV4: `https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<URL-encoded
 * ARN>/invocations` (`/invocations/` for A2A runtimes, whose JSON-RPC is served on `/`), with
 * `?qualifier=<endpoint>` when an endpoint is named. The region comes from the ARN.
 *
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_InvokeAgentRuntime.html
 */
export function runtimeInvocationUrl(runtimeArn: string, options: { readonly qualifier?: string; readonly trailingSlash?: boolean } = {}): URL {
  if (!RUNTIME_ARN_PATTERN.test(runtimeArn)) {
    throw new Error(`endpoint: expected an AgentCore runtime ARN such as arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/financial_agent-AbCdEf1234, got ${JSON.stringify(runtimeArn)}`);
  }
  const [, partition, , region] = runtimeArn.split(':');
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  const url = new URL(`https://bedrock-agentcore.${region}.${domain}/runtimes/${encodeURIComponent(runtimeArn)}/invocations${options.trailingSlash ? '/' : ''}`);
  if (options.qualifier) url.searchParams.set('qualifier', options.qualifier);
  return url;
}

/** The slice of the SDK client the transport needs; the real client satisfies it. */
export interface InvokeClient {
  send(command: InvokeAgentRuntimeCommand, options?: { abortSignal?: AbortSignal }): Promise<{
    response?: { transformToString(): Promise<string> };
    contentType?: string;
    statusCode?: number;
  }>;
}

export type AgentCoreTransportOptions = {
  /** ARN of the agent runtime. */
  readonly runtimeArn: string;
  /** Endpoint name (qualifier). @default 'DEFAULT' */
  readonly qualifier?: string;
} & ({ readonly region?: string; readonly client?: never } | { readonly client: InvokeClient; readonly region?: never });

export class AgentCoreTransport implements Transport {
  readonly description: string;
  private readonly client: InvokeClient;
  private readonly runtimeArn: string;
  private readonly qualifier: string;

  constructor(options: AgentCoreTransportOptions) {
    if (!RUNTIME_ARN_PATTERN.test(options.runtimeArn)) {
      throw new Error(
        `endpoint: expected an AgentCore runtime ARN such as arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/financial_agent-AbCdEf1234, got ${JSON.stringify(options.runtimeArn)}`,
      );
    }
    const qualifier = options.qualifier ?? 'DEFAULT';
    if (!/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/.test(qualifier)) {
      throw new Error(`qualifier: expected an endpoint name (letters, digits, underscore; starts with a letter), got ${JSON.stringify(qualifier)}`);
    }
    this.runtimeArn = options.runtimeArn;
    this.qualifier = qualifier;
    this.client = options.client ?? new BedrockAgentCoreClient({ region: options.region ?? options.runtimeArn.split(':')[3] });
    this.description = `${options.runtimeArn} (qualifier ${qualifier})`;
  }

  async invoke(request: EvalRequest, sessionId: string, signal?: AbortSignal): Promise<TransportReply> {
    const out = await this.client.send(
      new InvokeAgentRuntimeCommand({
        agentRuntimeArn: this.runtimeArn,
        qualifier: this.qualifier,
        runtimeSessionId: sessionId,
        contentType: 'application/json',
        accept: 'application/json, text/event-stream',
        payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
      { abortSignal: signal },
    );
    return {
      body: out.response ? await out.response.transformToString() : '',
      contentType: out.contentType ?? 'application/json',
      statusCode: out.statusCode ?? 200,
    };
  }
}
