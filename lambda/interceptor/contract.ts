/**
 * The AgentCore Gateway interceptor contract for MCP targets (interceptor payload version 1.0),
 * as implemented here.
 *
 * Input (REQUEST interception point; `headers` only when the interceptor is configured with
 * `passRequestHeaders: true`, which this kit requires — without the bearer token there is no caller):
 * ```json
 * { "interceptorInputVersion": "1.0",
 *   "mcp": {
 *     "rawGatewayRequest": { "body": "<raw request body>" },
 *     "gatewayRequest": { "path": "/mcp", "httpMethod": "POST",
 *       "headers": { "Authorization": "Bearer <jwt>", "Mcp-Session-Id": "..." },
 *       "body": { "jsonrpc": "2.0", "id": 1, "method": "tools/call",
 *                 "params": { "name": "financial___getQuarterlyRevenue", "arguments": { ... } } } } } }
 * ```
 * At the RESPONSE interception point the input also carries
 * `mcp.gatewayResponse: { "statusCode": 200, "headers": {...}, "body": { <JSON-RPC response> } }`.
 *
 * Output:
 * ```json
 * { "interceptorOutputVersion": "1.0",
 *   "mcp": {
 *     "transformedGatewayRequest":  { "headers": { ... }, "body": { <JSON-RPC request> } },
 *     "transformedGatewayResponse": { "statusCode": 200, "body": { <JSON-RPC response> } } } }
 * ```
 * A REQUEST interceptor that returns `transformedGatewayResponse` stops the call: the gateway answers
 * the caller with it and never calls the target. That is how this interceptor denies.
 *
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-interceptors-types.html
 */
import * as z from 'zod';

const jsonRpcRequest = z.looseObject({
  jsonrpc: z.literal('2.0', { error: 'expected jsonrpc "2.0"' }),
  id: z.union([z.string(), z.number()]).optional(),
  method: z.string({ error: 'expected a method name' }).min(1, { error: 'expected a method name' }),
  params: z.looseObject({}).optional(),
});
export type JsonRpcRequest = z.infer<typeof jsonRpcRequest>;

export const interceptorEventSchema = z.object({
  interceptorInputVersion: z.literal('1.0', { error: 'expected interceptorInputVersion "1.0"' }),
  mcp: z.object({
    rawGatewayRequest: z.object({ body: z.string().optional() }).optional(),
    gatewayRequest: z.object({
      path: z.string().optional(),
      httpMethod: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      body: jsonRpcRequest,
    }),
    gatewayResponse: z
      .object({ statusCode: z.number().optional(), headers: z.record(z.string(), z.string()).optional(), body: z.unknown() })
      .nullish(),
  }),
});
export type InterceptorEvent = z.infer<typeof interceptorEventSchema>;

/** `tools/call` params: a tool name and an object of arguments. */
export const toolCallParamsSchema = z.looseObject({
  name: z.string({ error: 'expected params.name: the tool name' }).min(1, { error: 'expected params.name: the tool name' }),
  arguments: z.record(z.string(), z.unknown(), { error: 'expected params.arguments: an object of named arguments' }).optional(),
});

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

export interface InterceptorOutput {
  readonly interceptorOutputVersion: '1.0';
  readonly mcp: {
    readonly transformedGatewayRequest?: { readonly headers?: Record<string, string>; readonly body: unknown };
    readonly transformedGatewayResponse?: GatewayResponse;
  };
}

/** Headers carrying the verified caller to the target (values are claim strings). */
export const CALLER_HEADERS = {
  sub: 'X-Caller-Sub',
  role: 'X-Caller-Role',
  department: 'X-Caller-Department',
  region: 'X-Caller-Region',
  employeeId: 'X-Caller-Employee-Id',
  userId: 'X-Caller-User-Id',
} as const;

/** `params._meta` key carrying the verified caller to the target. */
export const CALLER_META_KEY = 'agentcore-kit/caller';

/**
 * The JSON-RPC methods an MCP gateway serves (MCP 2025-06-18, tools only; JSON-RPC method names are
 * case-sensitive). Anything else is refused by the interceptor.
 */
export const MCP_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'notifications/initialized',
  'notifications/cancelled',
]);
