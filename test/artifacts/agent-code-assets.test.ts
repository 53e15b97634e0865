/**
 * What ships is what was tested: every AgentCore Runtime of the synthesized dev app, run from its own
 * code asset in cdk.out — copied alone into a temp dir, started with a bare `node` on the AgentCore
 * Runtime contract port (HTTP 8080, A2A 9000) with the environment its template sets — is the agent
 * the template says it is.
 *
 * Stand-ins, each only for what cannot run here: the identity provider, the MCP gateway and the tool
 * data (the local tool server: JWT + Cedar + the real tool handlers on dynalite), AgentCore Memory
 * (a loopback fake of its data plane; the memory credential vendor runs from its own code asset behind
 * a loopback Lambda endpoint, with a loopback STS) and the LLM (`AGENTCORE_KIT_SCRIPTED_MODEL=keywords`, the
 * stand-in of `npm run agent:dev -- --scripted`). Every other AWS endpoint refuses on loopback.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { specialistSpecs, supervisorSpec, type AgentSpec } from '../../catalog/agents';
import { startToolServer, type RunningToolServer } from '../../local';
import { devAssembly, type RuntimeArtifact } from './support/assembly';
import { portIsFree, REFUSING_ENDPOINT, removeTempDirs, standInAgentEnvironment, startBundle, unpackAlone, waitForJson, type RunningBundle } from './support/bundle-process';
import { startFakeAgentCoreMemory, type FakeAgentCoreMemory } from './support/fake-agentcore-memory';
import { startFakeMemoryVendor, type FakeMemoryVendor } from './support/fake-memory-vendor';

const asm = devAssembly();
const runtimes = asm.runtimes();
const SPECS: readonly AgentSpec[] = [supervisorSpec, ...Object.values(specialistSpecs)];
/** Contract ports of the AgentCore Runtime service. */
const CONTRACT_PORT = { HTTP: 8080, A2A: 9000 } as const;
const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

/** The catalog agent a runtime of the template claims to be (by its runtime name `<runtimeName>_dev`). */
function specOf(runtime: RuntimeArtifact): AgentSpec {
  const spec = SPECS.find((s) => runtime.name === `${s.runtimeName}_dev`);
  if (!spec) throw new Error(`runtime ${runtime.name}: no catalog agent has this runtime name`);
  return spec;
}

const runtimeOf = (id: string) => runtimes.find((r) => specOf(r).id === id)!;

let tools: RunningToolServer;
let memory: FakeAgentCoreMemory;
let vendor: FakeMemoryVendor;
const running: RunningBundle[] = [];

beforeAll(async () => {
  tools = await startToolServer();
  memory = await startFakeAgentCoreMemory();
  const vendorFn = asm.lambdaFunctions().find((f) => /MemoryCredentialVendorFunction/.test(f.logicalId));
  if (!vendorFn) throw new Error('the dev assembly has no memory credential vendor function');
  vendor = await startFakeMemoryVendor(vendorFn, { JWT_DISCOVERY_URL: tools.jwksUrl.replace('/.well-known/jwks.json', '/.well-known/openid-configuration'), JWT_AUDIENCES: tools.audience });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
});

afterAll(async () => {
  removeTempDirs();
  await tools?.close();
  await memory?.close();
  await vendor?.close();
});

/**
 * Start a runtime's bundle with the environment of its template. Overridden, each pointing at its
 * local stand-in: the identity provider (JWT_DISCOVERY_URL, JWT_AUDIENCES), the gateway (GATEWAY_URL)
 * and specialist URLs where given. The contract port is used when free; on a busy machine the
 * entry's AGENT_PORT override picks another (the assertions are the same).
 */
const REFUSING_SPECIALISTS = { SPECIALIST_HR_URL: REFUSING_ENDPOINT, SPECIALIST_FINANCIAL_URL: REFUSING_ENDPOINT, SPECIALIST_IT_URL: REFUSING_ENDPOINT };

async function start(runtime: RuntimeArtifact, overrides: Record<string, string> = {}, omit: readonly string[] = []): Promise<{ url: string; bundle: RunningBundle }> {
  const dir = unpackAlone(runtime.asset, runtime.name);
  const contractPort = CONTRACT_PORT[runtime.protocol as 'HTTP' | 'A2A'];
  const port = (await portIsFree(contractPort)) ? contractPort : 20_000 + Math.floor(Math.random() * 20_000);
  if (port !== contractPort) console.warn(`${runtime.name}: contract port ${contractPort} is busy on this machine; running on AGENT_PORT=${port}`);
  const env: Record<string, string> = {
    ...standInAgentEnvironment(runtime, tools, overrides, omit),
    // AgentCore Memory and its credential vendor run here too (loopback stand-ins).
    AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: memory.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: vendor.lambdaEndpoint,
    ...(port === contractPort ? {} : { AGENT_PORT: String(port) }),
  };
  const bundle = startBundle(dir, runtime.entryPoint[0], env);
  running.push(bundle);
  const url = `http://127.0.0.1:${port}`;
  expect(await waitForJson(`${url}/ping`, bundle)).toMatchObject({ status: 'Healthy' });
  return { url, bundle };
}

describe('agent code assets of the dev assembly', () => {
  test('every catalog agent has a runtime, on its protocol, with a NODE_22 code asset in cdk.out', () => {
    expect(runtimes.map((r) => specOf(r).id).sort()).toEqual(SPECS.map((s) => s.id).sort());
    for (const r of runtimes) {
      expect({ name: r.name, protocol: r.protocol, runtime: r.runtime, packaging: r.asset.packaging }).toEqual({ name: r.name, protocol: specOf(r).protocol, runtime: 'NODE_22', packaging: 'zip' });
    }
  });

  test('each runtime has its own code asset: no two agents share one bundle', () => {
    const byAsset = new Map<string, string[]>();
    for (const r of runtimes) byAsset.set(r.asset.hash, [...(byAsset.get(r.asset.hash) ?? []), r.name]);
    const shared = [...byAsset.entries()].filter(([, names]) => names.length > 1).map(([hash, names]) => `${names.join(', ')} share asset ${hash}`);
    expect(shared).toEqual([]);
  });

  test.each(Object.values(specialistSpecs).map((s) => [s.id, s] as const))('the %s asset is that specialist: agent card and /ping on the A2A contract', async (_id, spec) => {
    const runtime = runtimeOf(spec.id);
    const { url, bundle } = await start(runtime);
    const card = (await waitForJson(`${url}/.well-known/agent-card.json`, bundle)) as { name: string; description: string; skills: { id: string; name: string; tags: string[] }[] };
    expect({ name: card.name, description: card.description }).toEqual({ name: spec.displayName, description: spec.description });
    expect(card.skills.map((s) => s.name)).toEqual([...spec.does]);
    expect(new Set(card.skills.flatMap((s) => s.tags))).toEqual(new Set([spec.id]));
  });

  test('the supervisor asset answers invocations: a greeting itself, a vacation question through the hr asset and the tool gateway', async () => {
    // The hr specialist from its own asset, as the supervisor's SPECIALIST_HR_URL; the other two refuse.
    const hr = await start(runtimeOf('hr'));
    const supervisor = await start(runtimeOf('supervisor'), {
      SPECIALIST_HR_URL: hr.url,
      SPECIALIST_FINANCIAL_URL: REFUSING_ENDPOINT,
      SPECIALIST_IT_URL: REFUSING_ENDPOINT,
    });
    const token = await tools.issueToken('alex');
    const invoke = async (prompt: string) => {
      const res = await fetch(`${supervisor.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SESSION_HEADER]: `artifact-${randomUUID()}`, authorization: `Bearer ${token}` },
        body: JSON.stringify({ prompt }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { response: string; handoffs: { specialist: string }[]; model: string };
    };

    const hello = await invoke('Hello there');
    expect(hello.response).toBe('Hello! I can help with financial analytics, HR policies and IT support. What do you need today?');
    expect(hello.handoffs).toEqual([]);

    const vacation = await invoke('How many vacation days do I have left?');
    expect(vacation.handoffs.map((h) => h.specialist)).toEqual(['hr']);
    expect(vacation.response).toMatch(/remainingDays: 10\b/);

    // Memory calls went to the memory the template names (MEMORY_ID), as the verified user (the token's sub).
    const memoryId = runtimeOf('supervisor').environment.MEMORY_ID;
    const sub = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
    const events = memory.calls.filter((c) => c.operation === 'CreateEvent').map((c) => ({ memoryId: c.memoryId, actorId: c.body.actorId }));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(new Set(events.map((e) => JSON.stringify(e)))).toEqual(new Set([JSON.stringify({ memoryId, actorId: sub })]));

    // Every memory call was signed with what the vendor (its own asset) vended for that user: the
    // supervisor's and the hr specialist's runtime asked it once each, with the caller's token, and
    // STS was asked for the access role tagged with the verified subject.
    expect(new Set(memory.calls.map((c) => c.accessKeyId))).toEqual(new Set([vendor.accessKeyFor(sub)]));
    expect(new Set(vendor.invoked)).toEqual(new Set([runtimeOf('supervisor').environment.MEMORY_CREDENTIALS_FUNCTION]));
    expect(vendor.assumeRoleCalls.length).toBe(2);
    for (const call of vendor.assumeRoleCalls) expect(call).toEqual({ roleArn: expect.stringMatching(/MemoryCredentialVendorAccessRole/i), sessionName: `memory-${sub}`, tags: { actorId: sub } });
  });

  test("the supervisor reaches each specialist through the specialist's split, at the URL the template ships, and every request of a conversation carries its session and the caller's token", async () => {
    // What the template gives the supervisor: each specialist's split gateway, on its live target's path.
    const env = runtimeOf('supervisor').environment;
    for (const id of ['financial', 'hr', 'it']) expect(env[`SPECIALIST_${id.toUpperCase()}_URL`]).toMatch(new RegExp(`/${id}-live/invocations$`));
    expect(env.SPECIALIST_QUALIFIER).toBeUndefined();
    const path = new URL(env.SPECIALIST_HR_URL).pathname; // "/hr-live/invocations"

    // A stand-in for the gateway's forwarding only (the service's routing is not reproduced here): it
    // strips the target path, as the gateway hands the rest of the request to the runtime, and records
    // what the gateway's session stickiness and JWT pass-through key on.
    const hr = await start(runtimeOf('hr'));
    const seen: Array<{ method: string; path: string; session?: string; authorization?: string }> = [];
    const gateway = http.createServer((req, res) => {
      const rest = req.url!.startsWith(path) ? req.url!.slice(path.length) || '/' : undefined;
      seen.push({ method: req.method!, path: req.url!, session: req.headers[SESSION_HEADER] as string | undefined, authorization: req.headers.authorization });
      if (rest === undefined) return void res.writeHead(404).end();
      const upstream = http.request(`${hr.url}${rest}`, { method: req.method, headers: { ...req.headers, host: new URL(hr.url).host } }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const supervisor = await start(runtimeOf('supervisor'), {
        SPECIALIST_HR_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}${path}`,
        SPECIALIST_FINANCIAL_URL: REFUSING_ENDPOINT,
        SPECIALIST_IT_URL: REFUSING_ENDPOINT,
      });
      const token = await tools.issueToken('alex');
      const session = `artifact-${randomUUID()}`;
      const ask = async (prompt: string) => {
        const res = await fetch(`${supervisor.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', [SESSION_HEADER]: session, authorization: `Bearer ${token}` }, body: JSON.stringify({ prompt }) });
        expect(res.status).toBe(200);
        return (await res.json()) as { response: string; handoffs: { specialist: string }[] };
      };
      // Two hand-offs in one conversation.
      expect((await ask('How many vacation days do I have left?')).response).toMatch(/remainingDays: 10\b/);
      expect((await ask('And how many vacation days do I have left now?')).handoffs.map((h) => h.specialist)).toEqual(['hr']);

      // The agent card was read below the invocation path, and messages were posted to it.
      expect(seen.some((r) => r.method === 'GET' && r.path.startsWith(`${path}/.well-known/agent-card.json`))).toBe(true);
      expect(seen.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(2);
      // Every request — card reads included — carries the conversation's session id (the gateway keeps a
      // session on one variant only for requests that carry it: at least 33 characters) and the caller's token.
      expect(session.length).toBeGreaterThanOrEqual(33);
      expect(new Set(seen.map((r) => r.session))).toEqual(new Set([session]));
      expect(new Set(seen.map((r) => r.authorization))).toEqual(new Set([`Bearer ${token}`]));
    } finally {
      await new Promise((resolve) => gateway.close(resolve));
    }
  });

  test('an invocation without a token is refused by the supervisor asset (401 naming the header)', async () => {
    const supervisor = await start(runtimeOf('supervisor'), REFUSING_SPECIALISTS);
    const res = await fetch(`${supervisor.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', [SESSION_HEADER]: `artifact-${randomUUID()}` }, body: JSON.stringify({ prompt: 'hi' }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'missing Authorization header: expected "Authorization: Bearer <JWT>"' });
  });

  test('the supervisor asset runs as a runtime without memory (no MEMORY_ID): it answers, and calls no AgentCore Memory', async () => {
    const supervisor = await start(runtimeOf('supervisor'), REFUSING_SPECIALISTS, ['MEMORY_ID']);
    const before = memory.calls.length;
    const res = await fetch(`${supervisor.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SESSION_HEADER]: `artifact-${randomUUID()}`, authorization: `Bearer ${await tools.issueToken('alex')}` },
      body: JSON.stringify({ prompt: 'Hello there' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { response: string }).response).toMatch(/^Hello! I can help/);
    expect(memory.calls.length).toBe(before);
  });
});
