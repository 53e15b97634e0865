/**
 * The local tool server: the gateway's tool catalog as a Streamable HTTP MCP server on 127.0.0.1,
 * with the gateway's front-door behaviour, for agent developers and end-to-end tests.
 *
 * - Same tools: names `<target>___<tool>`, descriptions and input schemas exactly as the gateway's
 *   Lambda targets get them (`toGatewayToolSchema`), plus the gateway's semantic-search tool.
 * - Same JWT claim handling: bearer tokens verified (signature, issuer, audience, expiry) against a
 *   local dev key pair; the claims are the caller. Missing or bad token → HTTP 401 whose
 *   `WWW-Authenticate` points at the protected-resource metadata (RFC 9728), as the MCP
 *   authorization spec requires, so OAuth-capable MCP clients find the issuer by themselves.
 * - A dev identity provider at the server's own origin (the tokens' issuer): OAuth metadata
 *   (RFC 8414 and OpenID discovery), JWKS, and a token endpoint for the `client_credentials` grant
 *   whose client id is a dev user's name and whose secret is {@link RunningToolServer.devClientSecret}.
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
import { randomBytes, timingSafeEqual } from 'node:crypto';
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
import { parseCaller } from '../lambda/shared/caller';
import { dispatchTool } from '../lambda/tools/dispatch';
import { startDynalite, type LocalDynamo } from './dynalite';
import { DEV_AUDIENCE, DEV_USERS, DevTokenIssuer, type DevUserClaims, type DevUserName, type IssueOptions } from './dev-tokens';

/** Lifetime of the tokens of the dev token endpoint: 12 hours, as those tools:serve prints. */
const TOKEN_SECONDS = 12 * 3600;

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
  /** Issuer of the dev tokens: the server's origin, `http://127.0.0.1:<port>`, which serves its metadata. */
  readonly issuer: string;
  /** Protected-resource metadata of the MCP endpoint (RFC 9728), `<origin>/.well-known/oauth-protected-resource/mcp`. */
  readonly resourceMetadataUrl: string;
  /**
   * Client secret of the dev identity provider's `client_credentials` grant (client id: a dev user's
   * name, e.g. `alex`); random per server. Token endpoint: `<issuer>/token`.
   */
  readonly devClientSecret: string;
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

/** The one scope of the dev tokens (Cognito's resource-server scope form). */
export const DEV_SCOPE = `${DEV_AUDIENCE}/invoke`;

/**
 * HTTP 401 for the MCP endpoint. `resource_metadata` always (MCP authorization: servers MUST
 * point to their protected-resource metadata); `error="invalid_token"` only when a token was sent
 * (RFC 6750 §3.1: a request without credentials SHOULD NOT get an error code).
 */
function unauthorized(res: http.ServerResponse, resourceMetadataUrl: string, reason: string, tokenSent: boolean): void {
  const params = [`resource_metadata="${resourceMetadataUrl}"`, `scope="${DEV_SCOPE}"`];
  if (tokenSent) params.push('error="invalid_token"', `error_description="${reason.replace(/["\\]/g, "'")}"`);
  res
    .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer ${params.join(', ')}` })
    .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: `Unauthorized: ${reason}` } }));
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage, limit = 16_384): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limit) throw new Error('request body too large');
  }
  return body;
}

/** RFC 6749 §5.2 error of the token endpoint. */
function oauthError(res: http.ServerResponse, status: number, error: string, description: string, headers: Record<string, string> = {}): void {
  json(res, status, { error, error_description: description }, { 'cache-control': 'no-store', ...headers });
}

export async function startToolServer(options: ToolServerOptions = {}): Promise<RunningToolServer> {
  const tools = options.tools ?? toolCatalog;
  const authorizer = new CedarAuthorizer({ tools, policyFiles: loadPolicyFiles(options.policyDir) });
  // Signs once the server knows its own URL (its issuer); until then requests get 503.
  let devIdp: DevTokenIssuer | undefined;
  const devClientSecret = randomBytes(18).toString('base64url');
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
    // 3. The target's handler, told who is calling (as the gateway's interceptor tells the Lambda): a
    //    self-service tool refuses another person's id unless the caller's role acts for others.
    const result = await dispatchTool(name, rawArgs ?? {}, deps, { caller: parseCaller(claims) });
    const failed = isToolError(result);
    audit({ decision: 'allowed', toolError: failed ? result.error.code : undefined });
    return resultOf(result, failed);
  }

  /** The dev identity provider's token endpoint: `client_credentials`, client id = a dev user's name. */
  async function token(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
      const [id, pass = ''] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      const decode = (v: string) => {
        try {
          return decodeURIComponent(v.replace(/\+/g, ' '));
        } catch {
          return undefined;
        }
      };
      clientId = decode(id);
      secret = decode(pass);
    }
    if (form.get('grant_type') !== 'client_credentials') return oauthError(res, 400, 'unsupported_grant_type', `grant_type: expected client_credentials, got ${JSON.stringify(form.get('grant_type'))}`);
    const secretMatches = secret !== undefined && Buffer.byteLength(secret) === Buffer.byteLength(devClientSecret) && timingSafeEqual(Buffer.from(secret), Buffer.from(devClientSecret));
    if (!clientId || !Object.hasOwn(DEV_USERS, clientId) || !secretMatches) {
      return oauthError(res, 401, 'invalid_client', `client_id: expected a dev user (${Object.keys(DEV_USERS).join(', ')}) with the server's dev client secret`, basic ? { 'www-authenticate': 'Basic realm="dev-idp"' } : {});
    }
    const scope = form.get('scope');
    if (scope && scope.split(' ').some((s) => s !== DEV_SCOPE)) return oauthError(res, 400, 'invalid_scope', `scope: expected ${DEV_SCOPE}, got ${JSON.stringify(scope)}`);
    const resource = form.get('resource');
    if (resource && resource.replace(/\/$/, '') !== mcpUrl) return oauthError(res, 400, 'invalid_target', `resource: expected ${mcpUrl}, got ${JSON.stringify(resource)}`);
    const accessToken = await devIdp!.issue(clientId as DevUserName, { expiresIn: TOKEN_SECONDS });
    json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_SECONDS, scope: DEV_SCOPE }, { 'cache-control': 'no-store' });
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!devIdp) return json(res, 503, { error: 'starting' });
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') return json(res, 200, { keys: [devIdp.publicJwk] });
      // RFC 9728: at the path-inserted location of the resource, and at the root for clients that look only there.
      if (req.method === 'GET' && (url.pathname === '/.well-known/oauth-protected-resource/mcp' || url.pathname === '/.well-known/oauth-protected-resource')) {
        return json(res, 200, resourceMetadata());
      }
      if (req.method === 'GET' && (url.pathname === '/.well-known/oauth-authorization-server' || url.pathname === '/.well-known/openid-configuration')) {
        return json(res, 200, issuerMetadata());
      }
      if (url.pathname === '/token') {
        if (req.method !== 'POST') return json(res, 405, { error: 'invalid_request', error_description: 'use POST' }, { allow: 'POST' });
        return token(req, res);
      }
      if (url.pathname === '/authorize') {
        return oauthError(res, 400, 'unsupported_response_type', 'the dev identity provider has no interactive sign-in: use the client_credentials grant at /token (client id: a dev user name), or a token printed by tools:serve');
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
      if (!match) return unauthorized(res, resourceMetadataUrl, 'missing bearer token: send Authorization: Bearer <JWT>', false);
      let claims: JWTPayload;
      try {
        claims = await devIdp.verify(match[1]);
      } catch (e) {
        return unauthorized(res, resourceMetadataUrl, `token rejected: ${(e as Error).message}`, true);
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
  const mcpUrl = `${base}/mcp`;
  const resourceMetadataUrl = `${base}/.well-known/oauth-protected-resource/mcp`;
  // The tokens' issuer is this server's origin, so OAuth clients can fetch its metadata (RFC 8414).
  devIdp = await DevTokenIssuer.create({ issuer: base });
  const resourceMetadata = () => ({
    resource: mcpUrl,
    authorization_servers: [base],
    bearer_methods_supported: ['header'],
    scopes_supported: [DEV_SCOPE],
    resource_name: 'agentcore-kit local tool server',
  });
  const issuerMetadata = () => ({
    issuer: base,
    // No interactive sign-in: the endpoint explains where tokens come from (RFC 8414 requires it be named).
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: jwksUrl,
    scopes_supported: [DEV_SCOPE],
    response_types_supported: [],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  });

  let closed = false;
  return {
    url: mcpUrl,
    jwksUrl,
    issuer: base,
    resourceMetadataUrl,
    devClientSecret,
    audience: DEV_AUDIENCE,
    dynamo,
    issueToken: (user, issueOptions) => devIdp!.issue(user, issueOptions),
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
