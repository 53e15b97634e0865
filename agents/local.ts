/**
 * The supervisor and the three specialists as local servers on the AgentCore runtime contract
 * (HTTP for the supervisor, A2A for the specialists), wired to one MCP tool server — the local
 * tool server or a deployed gateway — and one session memory.
 *
 * ```ts
 * const agents = await startLocalAgents({ toolsUrl, verify, model: (id) => scriptedModels[id] });
 * await fetch(`${agents.url}/invocations`, { method: 'POST', headers: { authorization: `Bearer ${jwt}`,
 *   'x-amzn-bedrock-agentcore-runtime-session-id': sessionId, 'content-type': 'application/json' },
 *   body: JSON.stringify({ prompt: 'How many vacation days do I have left?' }) });
 * await agents.close();
 * ```
 */
import type { Model } from '@strands-agents/sdk';
import { SPECIALIST_IDS, specialistSpecs, type AgentId, type SpecialistId } from '../catalog/agents';
import { InProcessMemory } from './memory/in-process-memory';
import type { MemoryStore } from './memory/store';
import type { InvocationContext } from './shared/context';
import type { RunningServer } from './shared/http';
import type { IdentityVerifier } from './shared/identity';
import { bedrockModel, modelSettingsFromEnv } from './shared/model';
import { startSpecialistServer } from './specialist/a2a-server';
import { startSupervisor } from './supervisor/app';
import type { Orchestration } from './supervisor/supervisor-agent';
import type { UsageRecorder } from './usage/recorder';

export interface LocalAgentsOptions {
  /** MCP endpoint of the tools (local tool server or gateway). */
  readonly toolsUrl: string;
  /** Verifies the bearer tokens of incoming requests. */
  readonly verify: IdentityVerifier;
  /** Model per agent and invocation. @default - Bedrock, settings from MODEL_ID/MODEL_TEMPERATURE/MODEL_MAX_TOKENS */
  readonly model?: (agent: AgentId, ctx: InvocationContext) => Model;
  /** @default - a new InProcessMemory */
  readonly memory?: MemoryStore;
  /** @default 'hierarchical' */
  readonly orchestration?: Orchestration;
  /** Region attribute and Bedrock region. @default process.env.AWS_REGION ?? 'us-east-1' */
  readonly region?: string;
  /** Clock for the date attribute. @default () => new Date() */
  readonly clock?: () => Date;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Supervisor port. @default 0 (any free port) */
  readonly port?: number;
  /** Request logs of the supervisor runtime server. @default false */
  readonly logging?: boolean;
  /** Records every agent's token usage per invocation (e.g. into an `InMemoryMetricsSink`). @default - not recorded */
  readonly usage?: UsageRecorder;
}

export interface LocalAgents extends RunningServer {
  /** Supervisor URL (`POST <url>/invocations`, `GET <url>/ping`). */
  readonly url: string;
  /** A2A base URL of each specialist. */
  readonly specialists: Readonly<Record<SpecialistId, string>>;
  readonly memory: MemoryStore;
}

export async function startLocalAgents(options: LocalAgentsOptions): Promise<LocalAgents> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const host = options.host ?? '127.0.0.1';
  const memory = options.memory ?? new InProcessMemory();
  const model =
    options.model ??
    (() => {
      const settings = modelSettingsFromEnv();
      return (_agent: AgentId) => bedrockModel(settings, region);
    })();
  const started: RunningServer[] = [];
  const close = async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  };
  try {
    const specialistUrls = {} as Record<SpecialistId, string>;
    for (const id of SPECIALIST_IDS) {
      const server = await startSpecialistServer({
        spec: specialistSpecs[id],
        model: (ctx) => model(id, ctx),
        memory,
        toolsUrl: options.toolsUrl,
        verify: options.verify,
        region,
        clock: options.clock,
        usage: options.usage,
        port: 0,
        host,
      });
      started.push(server);
      specialistUrls[id] = server.url;
    }
    const supervisor = await startSupervisor({
      model: (ctx) => model('supervisor', ctx),
      memory,
      specialists: SPECIALIST_IDS.map((id) => ({ spec: specialistSpecs[id], url: specialistUrls[id] })),
      orchestration: options.orchestration,
      verify: options.verify,
      region,
      clock: options.clock,
      logging: options.logging ?? false,
      usage: options.usage,
      port: options.port ?? 0,
      host,
    });
    started.push(supervisor);
    return { url: supervisor.url, specialists: specialistUrls, memory, close };
  } catch (e) {
    await close();
    throw e;
  }
}
