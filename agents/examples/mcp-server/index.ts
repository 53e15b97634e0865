/**
 * Entry point of the example MCP server on AgentCore Runtime: 0.0.0.0:8000, path /mcp (PORT overrides
 * the port for local runs). Deployed with `AgentCode.fromEntry` on an `AgentRuntime` with
 * `protocol: 'MCP'`, and registered on the tool gateway with `ToolGateway.addRuntimeTarget`.
 */
import { createMcpHttpServer, MCP_PATH, MCP_PORT } from './server';

const port = Number(process.env.PORT ?? MCP_PORT);
const server = createMcpHttpServer();
server.listen(port, '0.0.0.0', () => console.log(JSON.stringify({ listening: (server.address() as { port: number }).port, path: MCP_PATH })));
