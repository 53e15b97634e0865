import * as path from 'node:path';
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { agentSpecs, SPECIALIST_IDS, type AgentId, type SpecialistId } from '../../catalog/agents';
import { Problems } from '../errors';
import type { AgentMemory } from '../memory/agent-memory';
import { KIT_ROOT, kitAgentCode } from '../bundling/kit-code';
import type { AgentCode } from './agent-code';
import { AgentRuntime, CANARY_ENDPOINT, LIVE_ENDPOINT, type AgentBrowserOptions, type AgentJwtAuth, type AgentModel } from './agent-runtime';

/** Where the agent entry points live in this repository. */
export const AGENT_ENTRY_DIR = path.join(KIT_ROOT, 'agents', 'entry');

export interface ReferenceAgentsProps {
  /** Appended to every runtime name (`hr_policy_assistant_dev`): letters, digits, `_`, at most 8 characters. */
  readonly nameSuffix: string;
  /** Shared session memory of the four agents. */
  readonly memory: AgentMemory;
  /** Model of every agent (config `models.primary`). */
  readonly model: AgentModel;
  /** Models the roles may also invoke (config `models.candidate`, for A/B tests). @default - none */
  readonly additionalModels?: readonly Pick<AgentModel, 'modelId'>[];
  /** JWT inbound auth of every runtime (the identity construct's discovery URL and app clients). */
  readonly auth: AgentJwtAuth;
  /** MCP URL of the tool gateway, for the specialists. */
  readonly gatewayUrl: string;
  /** @default 'hierarchical' */
  readonly orchestration?: 'hierarchical' | 'sequential';
  /**
   * Version each agent's `live` endpoint serves (from context, SSM or the release state).
   * @default '1' for every agent
   */
  readonly liveVersions?: Partial<Record<AgentId, string>>;
  /** Endpoint the supervisor calls on the specialists. @default 'live' */
  readonly specialistQualifier?: typeof LIVE_ENDPOINT | typeof CANARY_ENDPOINT;
  /** Code of each agent. @default - the kit's reference agent (pre-bundled in the package; bundled from agents/entry/<id>.ts in the kit's repository) */
  readonly code?: (agent: AgentId) => AgentCode;
  /** Agents that get a sandboxed Code Interpreter (config `agents.codeInterpreter`: e.g. ['financial']). @default - none */
  readonly codeInterpreterFor?: readonly SpecialistId[];
  /** Agents that get a custom Browser, and its network mode (config `agents.browser`). @default - none */
  readonly browserFor?: readonly SpecialistId[];
  readonly browser?: AgentBrowserOptions;
  /** @default - AgentRuntime default (one month) */
  readonly logRetention?: logs.RetentionDays;
  /** @default - CloudWatch Logs default encryption */
  readonly logEncryptionKey?: kms.IKey;
  /** @default - AgentRuntime default (RETAIN) */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The reference supervisor and its three specialists, each an {@link AgentRuntime} named and
 * configured from the agent catalog: specialists on A2A with the gateway URL, the supervisor on
 * HTTP with the specialists' invocation URLs.
 */
export class ReferenceAgents extends Construct {
  readonly supervisor: AgentRuntime;
  readonly specialists: Readonly<Record<SpecialistId, AgentRuntime>>;
  /** Every agent by id. */
  readonly agents: Readonly<Record<AgentId, AgentRuntime>>;

  constructor(scope: Construct, id: string, props: ReferenceAgentsProps) {
    super(scope, id);
    const problems = new Problems('InvalidReferenceAgentsProps');
    problems.check(/^[a-zA-Z0-9_]{1,8}$/.test(props.nameSuffix), `nameSuffix: "${props.nameSuffix}" must be 1–8 letters, digits or _`);
    problems.check(!props.browserFor?.length || props.browser !== undefined, 'browser: required when browserFor lists agents (network mode PUBLIC or VPC)');
    problems.throwIfAny();

    const code = props.code ?? kitAgentCode;
    const common = (agent: AgentId) => {
      const spec = agentSpecs[agent];
      return {
        runtimeName: `${spec.runtimeName}_${props.nameSuffix}`,
        description: spec.description,
        protocol: spec.protocol,
        code: code(agent),
        model: props.model,
        additionalModels: props.additionalModels,
        auth: props.auth,
        memory: props.memory,
        liveVersion: props.liveVersions?.[agent],
        logRetention: props.logRetention,
        logEncryptionKey: props.logEncryptionKey,
        logRemovalPolicy: props.logRemovalPolicy,
      };
    };

    const specialists = {} as Record<SpecialistId, AgentRuntime>;
    for (const agent of SPECIALIST_IDS) {
      specialists[agent] = new AgentRuntime(this, agentSpecs[agent].runtimeName, {
        ...common(agent),
        gatewayUrl: props.gatewayUrl,
        codeInterpreter: props.codeInterpreterFor?.includes(agent) ? {} : undefined,
        browser: props.browserFor?.includes(agent) ? props.browser : undefined,
      });
    }
    this.specialists = specialists;
    this.supervisor = new AgentRuntime(this, agentSpecs.supervisor.runtimeName, {
      ...common('supervisor'),
      environment: {
        ORCHESTRATION: props.orchestration ?? 'hierarchical',
        SPECIALIST_QUALIFIER: props.specialistQualifier ?? LIVE_ENDPOINT,
        ...Object.fromEntries(SPECIALIST_IDS.map((s) => [`SPECIALIST_${s.toUpperCase()}_URL`, specialists[s].invocationUrl])),
      },
    });
    this.agents = { supervisor: this.supervisor, ...specialists };
  }
}
