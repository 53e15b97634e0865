/**
 * The local tool server against the MCP authorization spec, driven by the MCP SDK client's own auth
 * code (`@modelcontextprotocol/sdk/client/auth.js`): the 401 points at the protected-resource
 * metadata (RFC 9728), that metadata names the dev issuer, the issuer serves its metadata
 * (RFC 8414), and the SDK's full flow — 401 → discovery → token (client_credentials) → retry — ends
 * in an authorized session whose calls the Cedar policies judge as that dev user.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { startToolServer, type RunningToolServer } from '../../../local';

let tools: RunningToolServer;
const clients: Client[] = [];

beforeAll(async () => {
  tools = await startToolServer({ now: () => new Date('2026-11-26T09:00:00Z') });
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await tools?.close();
});

const initialize = (headers: Record<string, string> = {}) =>
  fetch(tools.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
  });

function oauthClient(clientId: string, clientSecret: string): { client: Client; transport: StreamableHTTPClientTransport } {
  const client = new Client({ name: 'mcp-authorization-test', version: '1.0.0' });
  clients.push(client);
  const authProvider = new ClientCredentialsProvider({ clientId, clientSecret, expectedIssuer: tools.issuer });
  return { client, transport: new StreamableHTTPClientTransport(new URL(tools.url), { authProvider }) };
}

describe('MCP authorization: protected-resource metadata and the dev issuer', () => {
  test('a request without a token gets 401 pointing at the resource metadata, and no error code (RFC 6750 §3.1)', async () => {
    const res = await initialize();
    expect(res.status).toBe(401);
    const params = extractWWWAuthenticateParams(res);
    expect(params.resourceMetadataUrl?.href).toBe(tools.resourceMetadataUrl);
    expect(params.scope).toBe('agentcore-tools/invoke');
    expect(params.error).toBeUndefined();
    expect(res.headers.get('www-authenticate')).not.toContain('error=');
  });

  test('a rejected token gets error="invalid_token" with the reason, and the metadata pointer', async () => {
    const res = await initialize({ authorization: `Bearer ${await tools.issueToken('alex', { audience: 'someone-else' })}` });
    expect(res.status).toBe(401);
    const params = extractWWWAuthenticateParams(res);
    expect(params).toMatchObject({ error: 'invalid_token', resourceMetadataUrl: new URL(tools.resourceMetadataUrl) });
    expect(res.headers.get('www-authenticate')).toMatch(/error_description="token rejected: unexpected 'aud' claim value"/);
  });

  test('the SDK discovers the protected-resource metadata from the MCP URL: this resource, the dev issuer', async () => {
    const metadata = await discoverOAuthProtectedResourceMetadata(tools.url);
    expect(metadata).toMatchObject({ resource: tools.url, authorization_servers: [tools.issuer], bearer_methods_supported: ['header'], scopes_supported: ['agentcore-tools/invoke'] });
    // The root location serves it too, for clients that look only there.
    expect(await (await fetch(new URL('/.well-known/oauth-protected-resource', tools.url))).json()).toEqual(metadata);
  });

  test('the dev issuer serves its own metadata (RFC 8414 and OpenID discovery), matching the tokens it signs', async () => {
    const info = await discoverOAuthServerInfo(tools.url);
    expect(info.authorizationServerUrl).toBe(tools.issuer);
    expect(info.authorizationServerMetadata).toMatchObject({ issuer: tools.issuer, token_endpoint: `${tools.issuer}/token`, jwks_uri: tools.jwksUrl, grant_types_supported: ['client_credentials'] });
    const oidc = await (await fetch(`${tools.issuer}/.well-known/openid-configuration`)).json();
    expect(oidc).toEqual(await discoverAuthorizationServerMetadata(tools.issuer));
    const token = await tools.issueToken('alex');
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({ iss: tools.issuer, sub: 'dev-alex' });
  });

  test('the SDK auth flow (401 → metadata → token endpoint → retry) connects as a dev user, and Cedar judges that user', async () => {
    const { client, transport } = oauthClient('alex', tools.devClientSecret);
    await client.connect(transport);
    expect((await client.listTools()).tools.length).toBeGreaterThan(5);
    const emea = await client.callTool({ name: 'financial___getQuarterlyRevenue', arguments: { region: 'EMEA', quarter: '2026-Q3' } });
    expect(emea.structuredContent).toMatchObject({ region: 'EMEA', revenue: 1536.8 });
    const apac = await client.callTool({ name: 'financial___getQuarterlyRevenue', arguments: { region: 'APAC', quarter: '2026-Q3' } });
    expect(apac.isError).toBe(true);
    expect(JSON.stringify(apac.content)).toContain('FORBIDDEN');
  });

  test('a wrong client secret or an unknown dev user gets no token', async () => {
    const wrong = oauthClient('alex', 'not-the-secret');
    await expect(wrong.client.connect(wrong.transport)).rejects.toThrow(/invalid_client|client_id: expected a dev user/);
    const unknown = oauthClient('mallory', tools.devClientSecret);
    await expect(unknown.client.connect(unknown.transport)).rejects.toThrow(/invalid_client|client_id: expected a dev user/);
  });

  test('the token endpoint names what it expects', async () => {
    const post = (body: Record<string, string>) =>
      fetch(`${tools.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post({ grant_type: 'password', client_id: 'alex', client_secret: tools.devClientSecret })).toEqual({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'grant_type: expected client_credentials, got "password"' },
    });
    expect(await post({ grant_type: 'client_credentials', client_id: 'alex', client_secret: tools.devClientSecret, resource: 'https://elsewhere.example/mcp' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_target' },
    });
    const ok = await post({ grant_type: 'client_credentials', client_id: 'hana', client_secret: tools.devClientSecret, resource: tools.url });
    expect(ok).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 43200, scope: 'agentcore-tools/invoke' } });
  });
});
