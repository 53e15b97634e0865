/**
 * A team's own MCP server for AgentCore Runtime (protocol MCP): stateless Streamable HTTP at `/mcp`.
 * One tool, `workingDays`, counts the working days (Monday–Friday) between two dates. index.ts
 * starts it on 0.0.0.0:8000, the contract AgentCore calls.
 */
import * as http from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const MCP_PATH = '/mcp';
export const MCP_PORT = 8000;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const WORKING_DAYS_TOOL = {
  name: 'workingDays',
  description:
    'Counts the working days (Monday to Friday, public holidays not deducted) from start to end, both included. Inputs: start and end as ISO dates (YYYY-MM-DD), end not before start, at most 3660 days apart. Returns { workingDays: number }. Example: start 2026-12-01, end 2026-12-07 → 5.',
  inputSchema: {
    type: 'object' as const,
    properties: {
      start: { type: 'string', description: 'First day, ISO date YYYY-MM-DD' },
      end: { type: 'string', description: 'Last day, ISO date YYYY-MM-DD, not before start' },
    },
    required: ['start', 'end'],
  },
};

function parseDate(name: string, value: unknown): Date | string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return `${name}: expected an ISO date YYYY-MM-DD, got ${JSON.stringify(value)}`;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? `${name}: ${value} is not a calendar date` : date;
}

/** The tool itself: a tool error (isError) naming the field on bad input. */
export function workingDays(args: Record<string, unknown> | undefined): CallToolResult {
  const start = parseDate('start', args?.start);
  const end = parseDate('end', args?.end);
  const problem = [start, end].find((d): d is string => typeof d === 'string');
  if (problem) return { isError: true, content: [{ type: 'text', text: problem }] };
  const [from, to] = [start as Date, end as Date];
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000);
  if (days < 0) return { isError: true, content: [{ type: 'text', text: `end: ${String(args?.end)} is before start ${String(args?.start)}` }] };
  if (days > 3660) return { isError: true, content: [{ type: 'text', text: `end: at most 3660 days after start, got ${days}` }] };
  let count = 0;
  for (let i = 0; i <= days; i++) {
    const weekday = new Date(from.getTime() + i * 86_400_000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
  }
  const result = { workingDays: count };
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** The HTTP server: one MCP server per request (stateless, as AgentCore requires). */
export function createMcpHttpServer(): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== MCP_PATH) return json(res, 404, { error: `not found: the MCP endpoint is ${MCP_PATH}` });
    if (req.method !== 'POST') return json(res, 405, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Method not allowed: this server is stateless, use POST' } }, { allow: 'POST' });
    void (async () => {
      const mcp = new Server({ name: 'working-days', version: '1.0.0' }, { capabilities: { tools: {} } });
      mcp.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [WORKING_DAYS_TOOL] }));
      mcp.setRequestHandler(CallToolRequestSchema, async (request) =>
        request.params.name === WORKING_DAYS_TOOL.name ? workingDays(request.params.arguments) : { isError: true, content: [{ type: 'text', text: `name: no tool ${request.params.name}` }] },
      );
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { jsonrpc: '2.0', id: null, error: { code: -32603, message: `Internal error: ${(error as Error).message}` } });
    });
  });
}
