/**
 * A synthetic platform of N agents with M tools each, built only from the public definition APIs
 * (`defineTool`, `AgentSpec`) and `AgentPlatform`'s `agents` / `extraToolGroups` / `agentEntries` props:
 * what a large organisation's catalog looks like to the synthesizer. Used by the synth-scale bench and the template-limit test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import * as z from 'zod';
import { agentSpecs, type AgentSpec } from '../catalog/agents';
import { defineTool, type ToolDefinition } from '../catalog/tool';
import { AgentPlatform } from '../lib/app/platform';
import type { EnvironmentConfig } from '../lib/config';
import { DEFAULT_POLICY_DIR, writeDefaultDenyPolicies } from '../lib/policy/policy-files';

export interface SyntheticCatalog {
  readonly agents: AgentSpec[];
  readonly tools: ToolDefinition[];
}

const pad = (n: number) => String(n).padStart(3, '0');

/**
 * One tool: a read of one record of a synthetic domain, fully documented like a real tool. Names are
 * unique across the catalog and short (`getItem00107`): the tool group's function description lists them.
 */
function syntheticTool(target: string, domain: number, index: number): ToolDefinition {
  const name = `getItem${pad(domain)}${String(index).padStart(2, '0')}`;
  return defineTool({
    name,
    target,
    description: `Returns record type ${index} of the ${target} domain for one record id (format R + 6 digits, e.g. R000123): its title, owner id and last update time (ISO 8601, UTC).`,
    usage: `Use when the user asks for a type-${index} record of ${target} by its id. Do not use to search or list records.`,
    input: z.strictObject({ recordId: z.string().regex(/^R\d{6}$/).describe('Record id: R followed by 6 digits, e.g. R000123') }),
    output: z.object({
      recordId: z.string().describe('The record id'),
      title: z.string().describe('Title of the record'),
      ownerId: z.string().describe('Directory user id of the owner, u + 5 digits'),
      updatedAt: z.string().describe('Last update, ISO 8601 UTC'),
    }),
    errors: [
      { code: 'VALIDATION_ERROR', when: 'recordId is not R followed by 6 digits', agentAction: 'Ask the user for the record id in the R000123 format.' },
      { code: 'NOT_FOUND', when: 'no record has that id', agentAction: 'Tell the user no record was found for that id.' },
    ],
    examples: [
      {
        userRequest: `Show me ${target} record R000123`,
        input: { recordId: 'R000123' },
        output: { recordId: 'R000123', title: 'Example', ownerId: 'u20001', updatedAt: '2026-11-26T10:00:00.000Z' },
      },
    ],
  });
}

/** `agentCount` specialist agents, each owning one gateway target of `toolsPerAgent` tools. */
export function syntheticCatalog(agentCount: number, toolsPerAgent: number): SyntheticCatalog {
  const agents: AgentSpec[] = [];
  const tools: ToolDefinition[] = [];
  for (let a = 1; a <= agentCount; a++) {
    const target = `domain${pad(a)}`;
    const targetTools = Array.from({ length: toolsPerAgent }, (_, t) => syntheticTool(target, a, t + 1));
    tools.push(...targetTools);
    agents.push({
      // Synthetic ids: the reference ids are a closed union, synthetic agents extend it at run time.
      id: `agent${pad(a)}` as AgentSpec['id'],
      displayName: `Domain ${a} agent`,
      runtimeName: `agent_${pad(a)}`,
      protocol: 'A2A',
      description: `Answers questions about records of domain ${a}.`,
      does: [`look up records of domain ${a} by id`],
      mustNot: ['invent records that no tool returned'],
      tone: 'Brief and factual.',
      greeting: `Hi, I answer questions about domain ${a} records.`,
      outOfScopeAnswer: `I can only help with domain ${a} records.`,
      tools: { [target]: targetTools.map((t) => t.name) },
    });
  }
  return { agents, tools };
}

/** Representative code for the synthetic agents and tool groups: bundled like the real ones, never run. */
const SYNTHETIC_AGENT_ENTRY = path.join(__dirname, '..', 'agents', 'entry', 'financial.ts');
const SYNTHETIC_TOOL_ENTRY = path.join(__dirname, '..', 'lambda', 'tools', 'financial', 'index.ts');

/**
 * The reference policies plus a closed set for the synthetic tools, as a team adding its own tools
 * starts: every new tool denied until a permit opens it.
 */
function syntheticPolicyDir(tools: readonly ToolDefinition[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synthetic-policies-'));
  fs.cpSync(DEFAULT_POLICY_DIR, dir, { recursive: true });
  writeDefaultDenyPolicies(dir, tools);
  return dir;
}

/**
 * The one call the bench and the scale test make: the reference platform (its supervisor and three
 * specialists, whose tools the reference Cedar policies name) plus `agentCount` synthetic specialists.
 */
export function buildSyntheticPlatform(app: App, config: EnvironmentConfig, agentCount: number, toolsPerAgent: number): AgentPlatform {
  const { agents, tools } = syntheticCatalog(agentCount, toolsPerAgent);
  const targets = [...new Set(tools.map((t) => t.target))];
  return new AgentPlatform(app, {
    config,
    agents: [...Object.values(agentSpecs), ...agents],
    extraToolGroups: targets.map((target) => ({ target, tools: tools.filter((t) => t.target === target), entry: SYNTHETIC_TOOL_ENTRY })),
    agentEntries: Object.fromEntries(agents.map((a) => [a.id, SYNTHETIC_AGENT_ENTRY])),
    policyDir: syntheticPolicyDir(tools),
  });
}
