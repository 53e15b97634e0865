/**
 * Gateway interceptor (REQUEST and RESPONSE): audit log, per-user rate limit, caller-claim
 * propagation. Fails closed: a request it cannot understand, or a caller it cannot identify, or a
 * rate limiter it cannot reach, is answered by the interceptor and never reaches a target.
 *
 * REQUEST, per JSON-RPC method:
 * - any method: the caller is the JWT in `Authorization` (already verified by the gateway's JWT
 *   authorizer; decoded here, not re-verified). No token, an undecodable one, or one without `sub`
 *   → 401 JSON-RPC error. Then the request counts against the caller's per-minute limit, whatever
 *   its method; over it → 429 JSON-RPC error (for `tools/call` a tool error result,
 *   `SERVICE_UNAVAILABLE`, retryable, with the wait). A method outside {@link MCP_METHODS} → 400
 *   JSON-RPC "Method not found"; it never reaches the gateway's handlers.
 * - `tools/call`: `params.name` must be a string and `params.arguments` an object, else 400
 *   JSON-RPC error. The request goes on with the caller's claims added as `X-Caller-*` headers,
 *   under `params._meta["agentcore-kit/caller"]` and as the argument `_caller` (the one a Lambda
 *   target receives; a client's own `_caller` is replaced), and the arguments policies match on folded to one
 *   spelling (lower case, no accents or invisible characters: catalog/policy-text.ts).
 * - the other known methods (initialize, tools/list, ping, notifications): passed on unchanged.
 * RESPONSE: audit-logs the outcome (completed, tool error, or denied — e.g. by the policy engine)
 * and passes the response on unchanged.
 *
 * Every decision is one structured audit log line: who, which tool, which parameters, decision.
 * See contract.ts for the payload shapes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { decodeJwt } from 'jose';
import {
  CALLER_HEADERS,
  CALLER_META_KEY,
  MCP_METHODS,
  interceptorEventSchema,
  toolCallParamsSchema,
  type InterceptorEvent,
  type InterceptorOutput,
  type JsonRpcRequest,
} from './contract';
import { foldArgumentsForPolicy } from '../../catalog/policy-text';
import { GATEWAY_TOOL_SEPARATOR } from '../../catalog/caller';
import { CALLER_ARGUMENT } from '../shared/caller';
import { callerSubject } from '../identity/persona-tokens';
import { DECISION_METRICS, METRICS_NAMESPACE, type AuditDecision } from './metrics';
import { DynamoRateLimiter, type RateLimiter } from './rate-limiter';

export { DECISION_METRICS, METRICS_NAMESPACE };

export interface AuditRecord {
  readonly stage: 'request' | 'response';
  readonly decision: AuditDecision;
  readonly method?: string;
  readonly tool?: string;
  readonly parameters?: Record<string, unknown>;
  readonly caller?: Record<string, string>;
  readonly requestId?: string | number;
  readonly sessionId?: string;
  readonly reason?: string;
}

export interface Deps {
  readonly rateLimiter: RateLimiter;
  /** Writes one audit record; also counts it per decision (see {@link DECISION_METRICS}). */
  readonly audit: (record: AuditRecord) => void;
  readonly now: () => Date;
}


const CLAIM_KEYS = Object.keys(CALLER_HEADERS) as (keyof typeof CALLER_HEADERS)[];
const MAX_LOGGED_STRING = 200;

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

/**
 * The caller claims the platform uses, as strings, and the subject the caller is rate-limited as
 * (`persona-<name>` for persona tokens, which all share the evaluation client's `sub`); undefined
 * when no usable bearer token.
 */
function callerFrom(headers: Record<string, string> | undefined): { caller?: Record<string, string>; subject?: string; reason?: string } {
  const auth = header(headers, 'authorization');
  if (!auth) return { reason: 'no Authorization header (the interceptor needs passRequestHeaders: true)' };
  const match = /^Bearer\s+(\S+)$/i.exec(auth.trim());
  if (!match) return { reason: 'Authorization is not a bearer token' };
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(match[1]);
  } catch {
    return { reason: 'bearer token is not a JWT' };
  }
  if (typeof claims.sub !== 'string' || !claims.sub) return { reason: 'token has no sub claim' };
  const caller: Record<string, string> = {};
  for (const k of CLAIM_KEYS) if (typeof claims[k] === 'string' && claims[k]) caller[k] = claims[k] as string;
  return { caller, subject: callerSubject(claims) ?? claims.sub };
}

/** Parameters as logged: long strings truncated, so a pasted document does not flood the log. */
function loggable(args: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(args, (_k, v) => (typeof v === 'string' && v.length > MAX_LOGGED_STRING ? `${v.slice(0, MAX_LOGGED_STRING)}…(${v.length} chars)` : v)));
}

function rpcError(id: JsonRpcRequest['id'] | undefined, statusCode: number, code: number, message: string): InterceptorOutput {
  return {
    interceptorOutputVersion: '1.0',
    mcp: { transformedGatewayResponse: { statusCode, body: { jsonrpc: '2.0', id: id ?? null, error: { code, message } } } },
  };
}

function toolError(id: JsonRpcRequest['id'], error: { code: string; message: string; retryable: boolean }): InterceptorOutput {
  return {
    interceptorOutputVersion: '1.0',
    mcp: {
      transformedGatewayResponse: {
        statusCode: 200,
        body: { jsonrpc: '2.0', id: id ?? null, result: { isError: true, content: [{ type: 'text', text: JSON.stringify({ error }) }] } },
      },
    },
  };
}

function outcomeOf(response: { statusCode?: number; body?: unknown }): { decision: AuditRecord['decision']; reason?: string } {
  const body = (response.body ?? {}) as { error?: { message?: string }; result?: { isError?: boolean; content?: { text?: string }[] } };
  if (body.error) return { decision: 'denied', reason: body.error.message };
  if ((response.statusCode ?? 200) >= 400) return { decision: 'denied', reason: `HTTP ${response.statusCode}` };
  if (body.result?.isError) return { decision: 'tool_error', reason: body.result.content?.[0]?.text?.slice(0, MAX_LOGGED_STRING) };
  return { decision: 'completed' };
}

export async function handle(raw: unknown, deps: Deps): Promise<InterceptorOutput> {
  const parsed = interceptorEventSchema.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    const id = (raw as { mcp?: { gatewayRequest?: { body?: { id?: string | number } } } })?.mcp?.gatewayRequest?.body?.id;
    deps.audit({ stage: 'request', decision: 'rejected_malformed', reason, requestId: id });
    return rpcError(id, 400, -32600, `Invalid request: ${reason}`);
  }
  const event: InterceptorEvent = parsed.data;
  const { gatewayRequest, gatewayResponse } = event.mcp;
  const body = gatewayRequest.body;
  const sessionId = header(gatewayRequest.headers, 'mcp-session-id');
  const base = { method: body.method, requestId: body.id, sessionId };

  if (gatewayResponse) {
    const tool = typeof body.params?.name === 'string' ? body.params.name : undefined;
    // Headers are optional here: the response goes back to the caller whatever the audit knows.
    const { caller } = callerFrom(gatewayRequest.headers);
    if (body.method === 'tools/call') deps.audit({ stage: 'response', ...base, caller, tool, ...outcomeOf(gatewayResponse) });
    return { interceptorOutputVersion: '1.0', mcp: { transformedGatewayResponse: { statusCode: gatewayResponse.statusCode ?? 200, body: gatewayResponse.body } } };
  }

  const { caller, subject, reason: unauthenticated } = callerFrom(gatewayRequest.headers);
  if (!caller || !subject) {
    deps.audit({ stage: 'request', ...base, decision: 'rejected_unauthenticated', reason: unauthenticated });
    return rpcError(body.id, 401, -32001, `Unauthenticated: ${unauthenticated}.`);
  }

  // Every method counts against the caller's limit (listing and probing cost like calling), and
  // only the MCP methods the gateway serves go on: `Tools/Call`, `tools/call ` or a new method
  // name never reaches a target unlimited or unchecked.
  const isCall = body.method === 'tools/call';
  const params = isCall ? toolCallParamsSchema.safeParse(body.params) : undefined;
  const tool = params?.success ? params.data.name : undefined;
  const args = params?.success ? (params.data.arguments ?? {}) : undefined;
  const audit = { stage: 'request' as const, ...base, caller, ...(tool ? { tool } : {}), ...(args ? { parameters: loggable(args) } : {}) };

  let rate;
  try {
    rate = await deps.rateLimiter.consume(subject, deps.now());
  } catch (error) {
    deps.audit({ ...audit, decision: 'limiter_unavailable', reason: (error as Error).message });
    const message = 'The tool gateway cannot check your request rate right now; try again in a minute.';
    return isCall ? toolError(body.id, { code: 'SERVICE_UNAVAILABLE', message, retryable: true }) : rpcError(body.id, 503, -32000, message);
  }
  if (!rate.allowed) {
    deps.audit({ ...audit, decision: 'rate_limited', reason: `${rate.count} calls this minute, limit ${rate.limit}` });
    const message = `Rate limit reached: at most ${rate.limit} gateway requests per minute per user. Try again in ${rate.retryAfterSeconds} seconds.`;
    return isCall ? toolError(body.id, { code: 'SERVICE_UNAVAILABLE', message, retryable: true }) : rpcError(body.id, 429, -32000, message);
  }

  if (!MCP_METHODS.has(body.method)) {
    const reason = `unknown method "${body.method}"; the gateway serves ${[...MCP_METHODS].join(', ')}`;
    deps.audit({ ...audit, decision: 'rejected_malformed', reason });
    return rpcError(body.id, 400, -32601, `Method not found: ${reason}.`);
  }
  if (!isCall) {
    deps.audit({ ...audit, decision: 'forwarded' });
    return { interceptorOutputVersion: '1.0', mcp: { transformedGatewayRequest: { body } } };
  }
  if (!params?.success) {
    const reason = params!.error.issues.map((i) => i.message).join('; ');
    deps.audit({ ...audit, decision: 'rejected_malformed', reason });
    return rpcError(body.id, 400, -32602, `Invalid params: ${reason}`);
  }

  const headers = Object.fromEntries(CLAIM_KEYS.filter((k) => caller[k]).map((k) => [CALLER_HEADERS[k], caller[k]]));
  // Cedar compares exactly: arguments the policies match on go on in one spelling (catalog/policy-text.ts).
  // The verified caller goes on in the arguments, the only part of the request a Lambda target
  // receives; whatever the client sent under that name is replaced (lambda/shared/caller.ts).
  // Only target tools (`<target>___<tool>`) get it: the gateway's own tools (semantic search,
  // `x_amz_bedrock_agentcore_search`) have a fixed schema of their own.
  const isTargetTool = tool!.includes(GATEWAY_TOOL_SEPARATOR);
  const forwardedArgs = { ...foldArgumentsForPolicy(tool!, args!), ...(isTargetTool ? { [CALLER_ARGUMENT]: caller } : {}) };
  const meta = { ...((body.params?._meta as Record<string, unknown> | undefined) ?? {}), [CALLER_META_KEY]: caller };
  deps.audit({ ...audit, decision: 'forwarded' });
  return {
    interceptorOutputVersion: '1.0',
    mcp: { transformedGatewayRequest: { headers, body: { ...body, params: { ...body.params, arguments: forwardedArgs, _meta: meta } } } },
  };
}

// Lambda wiring: clients built once per container.
const logger = new Logger({ serviceName: 'gateway-interceptor' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'gateway-interceptor' });
let lambdaDeps: Deps | undefined;

function depsFromEnv(env: NodeJS.ProcessEnv): Deps {
  const tableName = env.RATE_LIMIT_TABLE;
  const limit = Number(env.RATE_LIMIT_PER_MINUTE);
  if (!tableName) throw new Error('RATE_LIMIT_TABLE: expected the rate-limit table name in the environment');
  return {
    rateLimiter: new DynamoRateLimiter({ client: new DynamoDBClient({ maxAttempts: 2 }), tableName, limitPerMinute: limit }),
    audit: (record) => {
      logger.info('audit', { audit: record });
      metrics.addMetric(DECISION_METRICS[record.decision], MetricUnit.Count, 1);
    },
    now: () => new Date(),
  };
}

export const handler = async (event: unknown): Promise<InterceptorOutput> => {
  try {
    lambdaDeps ??= depsFromEnv(process.env);
  } catch (error) {
    logger.error('interceptor misconfigured; denying', { error: (error as Error).message });
    return rpcError(undefined, 500, -32603, 'The tool gateway is misconfigured; the request was not forwarded.');
  }
  try {
    return await handle(event, lambdaDeps);
  } catch (error) {
    // A defect must not open the door: deny.
    logger.error('interceptor failed; denying', { error: (error as Error).message });
    return rpcError(undefined, 500, -32603, 'The tool gateway could not check this request; it was not forwarded.');
  } finally {
    metrics.publishStoredMetrics();
  }
};
