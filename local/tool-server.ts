/**
 * The local tool server: the gateway's tool catalog as a Streamable HTTP MCP server on 127.0.0.1,
 * with the gateway's front-door behaviour, for agent developers and end-to-end tests.
 *
 * - Same tools: names `<target>___<tool>`, descriptions and input schemas exactly as the gateway's
 *   Lambda targets get them (`toGatewayToolSchema`), plus the gateway's semantic-search tool.
 * - Same JWT claim handling: bearer tokens verified (signature, issuer, audience, expiry) against a
 *   local dev key pair; the claims are the caller. Missing or bad token → HTTP 401.
 * - Same Cedar decisions: the policies of `policies/` against the schema generated from the
 *   catalog, evaluated with the real Cedar engine before the handler runs.
 * - Same handlers: the real tool dispatch against a local dynalite loaded with the seed data.
 *
 * ```ts
 * const tools = await startToolServer();
 * const token = await tools.issueToken('alex');            // junior analyst, EMEA
 * // MCP client → tools.url with header Authorization: Bearer <token>
 * await tools.close();
 * ```
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { JWTPayload } from 'jose';
import { isToolError, validationFailure, ToolFailure } from '../catalog/result';
import { gatewayToolName, toGatewayToolSchema, type ToolDefinition } from '../catalog/tool';
import { toolCatalog } from '../catalog';
import { CedarAuthorizer, type AuthorizationResult } from '../lib/policy/cedar-authorizer';
import { loadPolicyFiles } from '../lib/policy/policy-files';
import { createToolDeps, type ToolDeps } from '../lambda/shared/deps';
import { dispatchTool } from '../lambda/tools/dispatch';
import { startDynalite, type LocalDynamo } from './dynalite';
import { DEV_AUDIENCE, DEV_ISSUER, DevTokenIssuer, type DevUserClaims, type DevUserName, type IssueOptions } from './dev-tokens';

/** The gateway's built-in semantic search tool (enabled on the kit's gateway). */
export const SEARCH_TOOL_NAME = 'x_amz_bedrock_agentcore_search';

export interface ToolCallAudit {
  readonly sub?: string;
  readonly role?: string;
  readonly tool: string;
  readonly arguments: Record<string, unknown>;
  readonly decision: 'allowed' | 'denied' | 'invalid' | 'unknown_tool';
  readonly reason?: string;
  /** Whether the handler returned an error result (allowed calls only). */
  readonly toolError?: string;
}

export interface ToolServerOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /**
   * Tool dependencies (DynamoDB client, tables...). When absent, a dynalite with the seed data is
   * started and stopped with the server.
   */
  readonly deps?: ToolDeps;
  /**
   * Clock of the handlers, when the server builds its own deps.
   * @default - the real time
   */
  readonly now?: () => Date;
  /** @default - the kit's `policies/` directory */
  readonly policyDir?: string;
  /** @default - the reference catalog */
  readonly tools?: readonly ToolDefinition[];
  /** Called for every tools/call with the decision. */
  readonly onToolCall?: (audit: ToolCallAudit) => void;
}

export interface RunningToolServer {
  /** MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** JWKS of the dev key, `http://127.0.0.1:<port>/.well-known/jwks.json` (verify tokens elsewhere). */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** A signed token for a named dev user (`alex`, `sam`, `fran`, `priya`, `hana`, `ivan`) or any claims. */
  issueToken(user: DevUserName | DevUserClaims, options?: IssueOptions): Promise<string>;
  /** The Cedar decision the server would make, without calling the tool. */
  authorize(claims: Record<string, unknown>, toolName: string, input: Record<string, unknown>): AuthorizationResult;
  /** The local DynamoDB, when the server started one. */
  readonly dynamo?: LocalDynamo;
  /** Stop the HTTP server and the dynalite it started. */
  close(): Promise<void>;
}

function listedTools(tools: readonly ToolDefinition[]) {
  const catalog = tools.map((t) => {
    const schema = toGatewayToolSchema(t);
    return { name: gatewayToolName(t), description: schema.description, inputSchema: schema.inputSchema };
  });
  const search = {
    name: SEARCH_TOOL_NAME,
    description: 'Search the gateway tools by what you want to do; returns the best-matching tools with their input schemas.',
    inputSchema: { type: 'object', properties: { query: { type: 'string', description: 'What you want to do, in plain words' } }, required: ['query'] },
  };
  return [...catalog, search];
}

/** Keyword overlap ranking: a stand-in for the gateway's semantic search, good enough locally. */
function searchTools(tools: ReturnType<typeof listedTools>, query: string, limit = 5) {
  const words = query.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
  return tools
    .filter((t) => t.name !== SEARCH_TOOL_NAME)
    .map((t) => {
      const text = `${t.name} ${t.description}`.toLowerCase();
      return { t, score: words.reduce((n, w) => n + (text.includes(w) ? 1 : 0), 0) };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((x) => x.t);
}

function resultOf(value: unknown, isError: boolean): CallToolResult {
  const text = JSON.stringify(value);
  return isError ? { isError: true, content: [{ type: 'text', text }] } : { content: [{ type: 'text', text }], structuredContent: value as Record<string, unknown> };
}

function unauthorized(res: http.ServerResponse, reason: string): void {
  res
    .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}"` })
    .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: `Unauthorized: ${reason}` } }));
}

export async function startToolServer(options: ToolServerOptions = {}): Promise<RunningToolServer> {
  const tools = options.tools ?? toolCatalog;
  const authorizer = new CedarAuthorizer({ tools, policyFiles: loadPolicyFiles(options.policyDir) });
  const issuer = await DevTokenIssuer.create();
  const dynamo = options.deps ? undefined : await startDynalite({ seed: true, prefix: 'local-' });
  const deps = options.deps ?? createToolDeps({ client: dynamo!.client, tables: dynamo!.tables, now: options.now });
  const listed = listedTools(tools);
  const byName = new Map(tools.map((t) => [gatewayToolName(t), t]));

  async function callTool(claims: JWTPayload, name: string, rawArgs: unknown): Promise<CallToolResult> {
    const audit = (a: Omit<ToolCallAudit, 'sub' | 'role' | 'tool' | 'arguments'>) =>
      options.onToolCall?.({ sub: claims.sub, role: typeof claims.role === 'string' ? claims.role : undefined, tool: name, arguments: (rawArgs ?? {}) as Record<string, unknown>, ...a });
    if (name === SEARCH_TOOL_NAME) {
      const query = (rawArgs as { query?: unknown } | undefined)?.query;
      if (typeof query !== 'string' || !query.trim()) return resultOf(new ToolFailure('VALIDATION_ERROR', 'Invalid arguments for search: query: expected text', [{ field: 'query', expected: 'expected text' }]).toResult(), true);
      return resultOf({ tools: searchTools(listed, query) }, false);
    }
    const tool = byName.get(name);
    if (!tool) {
      audit({ decision: 'unknown_tool' });
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}. Tools are named <target>___<tool>, e.g. financial___getQuarterlyRevenue.`);
    }
    // 1. The gateway validates arguments against the tool's input schema.
    const parsed = tool.input.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const failure = validationFailure(tool.name, parsed.error);
      audit({ decision: 'invalid', reason: failure.message });
      return resultOf(failure.toResult(), true);
    }
    // 2. The policy engine decides, before anything reaches a data store.
    const decision = authorizer.authorize({ claims, toolName: name, input: parsed.data as Record<string, unknown> });
    if (decision.decision === 'deny') {
      audit({ decision: 'denied', reason: decision.message });
      return resultOf(new ToolFailure('FORBIDDEN', decision.message).toResult(), true);
    }
    // 3. The target's handler.
    const result = await dispatchTool(name, rawArgs ?? {}, deps);
    const failed = isToolError(result);
    audit({ decision: 'allowed', toolError: failed ? result.error.code : undefined });
    return resultOf(result, failed);
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [issuer.publicJwk] }));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: DEV_ISSUER, jwks_uri: jwksUrl }));
        return;
      }
      if (url.pathname !== '/mcp') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found: the MCP endpoint is /mcp' }));
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Method not allowed: this server is stateless, use POST' } }));
        return;
      }
      const auth = req.headers.authorization;
      const match = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth.trim()) : null;
      if (!match) return unauthorized(res, 'missing bearer token: send Authorization: Bearer <JWT>');
      let claims: JWTPayload;
      try {
        claims = await issuer.verify(match[1]);
      } catch (e) {
        return unauthorized(res, `token rejected: ${(e as Error).message}`);
      }
      const mcp = new Server({ name: 'agentcore-kit-local-tools', version: '1.0.0' }, { capabilities: { tools: {} } });
      mcp.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed as never }));
      mcp.setRequestHandler(CallToolRequestSchema, async (request) => callTool(claims, request.params.name, request.params.arguments));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: `Internal error: ${(error as Error).message}` } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const jwksUrl = `${base}/.well-known/jwks.json`;

  let closed = false;
  return {
    url: `${base}/mcp`,
    jwksUrl,
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    dynamo,
    issueToken: (user, issueOptions) => issuer.issue(user, issueOptions),
    authorize: (claims, toolName, input) => authorizer.authorize({ claims, toolName, input }),
    close: async () => {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dynamo?.stop();
    },
  };
}
