/**
 * Every dev user listed in local/README.md can make every call the Cedar policies allow them, and
 * gets data back — not NOT_FOUND because the seed has no record of them. Calls go through the real
 * MCP SDK client to the local tool server (JWT, the real policies, the real handlers over dynalite
 * with the seed data); the Cedar decision is asked of the same server first, so a call is expected to
 * succeed exactly when the policies allow it.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatewayToolName, toolCatalog } from '../../../catalog';
import { HOLIDAY_REGIONS, IT_SYSTEMS, REVENUE_REGIONS } from '../../../catalog/formats';
import { DEV_USERS, startToolServer, type DevUserName, type RunningToolServer } from '../../../local';
import { SEED } from '../../../lambda/shared/seed-data';

const NOW = new Date('2026-11-26T09:00:00Z');
const USERS = Object.keys(DEV_USERS) as DevUserName[];

/**
 * Representative arguments per tool: the catalog's worked example, varied over what a caller picks —
 * every region, every office calendar, and (for tools that act on a person) every dev user's own ids,
 * so staff roles acting for others are covered as well as self-service.
 */
function representativeCalls(): { tool: string; input: Record<string, unknown> }[] {
  const calls: { tool: string; input: Record<string, unknown> }[] = [];
  const people = USERS.map((u) => DEV_USERS[u]);
  for (const def of toolCatalog) {
    const tool = gatewayToolName(def);
    const example = def.examples[0].input as Record<string, unknown>;
    const shape = Object.keys(def.input.shape);
    const variants: Record<string, unknown>[] = [];
    if (tool === 'financial___getQuarterlyRevenue') variants.push(...REVENUE_REGIONS.map((region) => ({ region, quarter: SEED.lastClosedQuarter })));
    else if (tool === 'financial___generateExecutiveSummary') variants.push(...[...REVENUE_REGIONS.map((r) => [r]), [...REVENUE_REGIONS]].map((regions) => ({ quarter: SEED.lastClosedQuarter, regions })));
    else if (tool === 'hr___getUpcomingHolidays') variants.push(...HOLIDAY_REGIONS.map((region) => ({ year: 2026, region })));
    else if (tool === 'it___resetPassword') variants.push(...people.flatMap((p) => IT_SYSTEMS.filter((s) => s === example.system || s === 'email').map((system) => ({ ...example, userId: p.userId, system }))));
    else if (shape.includes('employeeId')) variants.push(...people.map((p) => ({ ...example, employeeId: p.employeeId })));
    else if (shape.includes('userId')) variants.push(...people.map((p) => ({ ...example, userId: p.userId })));
    else variants.push(example);
    calls.push(...variants.map((input) => ({ tool, input })));
  }
  return calls;
}

let tools: RunningToolServer;
const clients = new Map<DevUserName, Client>();

beforeAll(async () => {
  tools = await startToolServer({ now: () => NOW });
  for (const user of USERS) {
    const client = new Client({ name: 'dev-users-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(tools.url), { requestInit: { headers: { Authorization: `Bearer ${await tools.issueToken(user)}` } } }));
    clients.set(user, client);
  }
});
afterAll(async () => {
  for (const c of clients.values()) await c.close();
  await tools?.close();
});

describe('dev users and the seed data', () => {
  test('local/README.md lists exactly the dev users, with their claims', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../local/README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (\w+)\s+\| ([\w-]+)\s+\| ([^|]+?)\s+\| (E\d+)\s+\| (u\d+)\s+\|$/gm)].map((m) => ({
      name: m[1],
      role: m[2],
      region: m[3] === '–' ? undefined : m[3],
      employeeId: m[4],
      userId: m[5],
    }));
    expect(rows).toEqual(USERS.map((name) => ({ name, role: DEV_USERS[name].role, region: 'region' in DEV_USERS[name] ? DEV_USERS[name].region : undefined, employeeId: DEV_USERS[name].employeeId, userId: DEV_USERS[name].userId })));
  });

  test.each(USERS)('%s gets data from every call the policies allow', async (user) => {
    const client = clients.get(user)!;
    const allowed = representativeCalls().filter((c) => tools.authorize(DEV_USERS[user], c.tool, c.input).decision === 'allow');
    const failures: string[] = [];
    for (const { tool, input } of allowed) {
      const result = (await client.callTool({ name: tool, arguments: input })) as { isError?: boolean; content: { text: string }[] };
      if (result.isError) failures.push(`${tool}(${JSON.stringify(input)}) → ${result.content[0].text}`);
    }
    expect(failures).toEqual([]);
    // Every user can reach something of each kind: guards against an enumeration that allows nothing.
    expect(allowed.length).toBeGreaterThanOrEqual(8);
  });

  test('the enumeration reaches every tool for some dev user, and the policies still refuse some calls', () => {
    const decisions = USERS.flatMap((u) => representativeCalls().map((c) => ({ tool: c.tool, allow: tools.authorize(DEV_USERS[u], c.tool, c.input).decision === 'allow' })));
    expect(new Set(decisions.filter((d) => d.allow).map((d) => d.tool))).toEqual(new Set(toolCatalog.map(gatewayToolName)));
    expect(decisions.some((d) => !d.allow)).toBe(true);
  });
});
