import { CfnOutput, RemovalPolicy, Stack, Tags, type Environment } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { agentSpecs, type AgentSpec } from '../../catalog/agents';
import { TOOL_TARGETS } from '../../catalog';
import type { ToolDefinition } from '../../catalog/tool';
import type { EnvironmentConfig } from '../config';
import { kitAgentCode } from '../bundling/kit-code';
import { TableBackup } from '../compliance/table-backup';
import { KitError } from '../errors';
import { AgentCode } from '../runtime/agent-code';
import type { PlatformOutputs } from '../pipeline/agent-platform-stage';
import { FoundationStack } from './foundation-stack';
import { GatewayStack } from './gateway-stack';
import { AGENTS_PER_OBSERVABILITY_UNIT, buildObservabilityUnit, type ObservabilityUnit } from './observability-unit';
import { AGENTS_PER_RELEASE_STACK, ReleaseStack } from './release-stack';
import { StackShards } from './stack-shards';
import { buildAgentRuntime, type DeployedAgent } from './agent-unit';
import { buildToolUnit, type DeployedToolGroup, type ToolGroupSpec } from './tool-unit';

export interface AgentPlatformProps {
  readonly config: EnvironmentConfig;
  /**
   * Agents to deploy. Exactly one may speak HTTP (the user-facing supervisor); the others are
   * specialists it delegates to.
   * @default - the reference supervisor and its financial, HR and IT specialists
   */
  readonly agents?: readonly AgentSpec[];
  /**
   * Deploy the kit's reference tool catalog (financial, HR, IT targets and their tables). It is
   * the platform's shared catalog: every agent finds its tools there, whatever agents this
   * platform deploys, and the reference Cedar policies are written for it.
   * @default true
   */
  readonly referenceCatalog?: boolean;
  /**
   * Tool groups beyond the reference catalog (another team's tools): one Lambda function each.
   * @default - none
   */
  readonly extraToolGroups?: readonly ToolGroupSpec[];
  /**
   * Entry point of each agent's code, by agent id: absolute, or relative to the file that creates the
   * platform (see `AgentCode.fromEntry`).
   * @default - the kit's reference agent of that id (pre-bundled in the package)
   */
  readonly agentEntries?: Readonly<Record<string, string>>;
  /**
   * Folder of the Cedar policy files enforced at the gateway (validated against the schema of
   * every deployed tool).
   * @default - the kit's policies/ folder, written for the reference catalog
   */
  readonly policyDir?: string;
  /**
   * Resources per workload stack before a new one is opened.
   * @default 400
   */
  readonly maxResourcesPerStack?: number;
  /**
   * Account of the delivery pipeline, whose evaluation gate assumes this environment's evaluation
   * role (only with `identity.evaluationClient`).
   * @default - this environment's account
   */
  readonly pipelineAccount?: string;
}

/**
 * The reference platform of one environment, as stacks in dependency order. `scope` is an App
 * (`cdk deploy -c env=<name>`) or a Stage (pipelines). Tool groups and agent runtimes are
 * spread over as many workload stacks as their size needs, so dozens of agents and hundreds of
 * tools stay within CloudFormation's limits. Stacks compose constructs and hold no resource logic.
 */
export class AgentPlatform {
  readonly stacks: Stack[] = [];
  readonly foundation: FoundationStack;
  readonly gateway: GatewayStack;
  /** Release machinery of every agent, up to {@link AGENTS_PER_RELEASE_STACK} agents per stack. */
  readonly releases: readonly ReleaseStack[];
  /** Observability units, each watching up to eight agents (unit 1 also the gateway and memory). */
  readonly observability: readonly ObservabilityUnit[];
  readonly agents: readonly DeployedAgent[];
  readonly toolGroups: readonly DeployedToolGroup[];
  /** What the pipeline's post-deploy steps read. */
  readonly pipelineOutputs: PlatformOutputs;

  constructor(scope: Construct, props: AgentPlatformProps) {
    const { config } = props;
    const specs = props.agents ?? Object.values(agentSpecs);
    validateAgents(specs, props);
    const env: Environment | undefined = config.account || config.region ? { account: config.account, region: config.region } : undefined;
    const prefix = `AgentCoreKit-${config.name}`;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.foundation = new FoundationStack(scope, `${prefix}-Foundation`, { env, config, agents: specs, pipelineAccount: props.pipelineAccount });

    // Tool groups: the shared reference catalog, then any team's extra groups.
    const referenceTargets = props.referenceCatalog === false ? [] : TOOL_TARGETS;
    // Two shard sets: the gateway needs the tool functions, and the agents need the gateway.
    const toolStacks = new StackShards(scope, `${prefix}-Tools`, { env, maxResources: props.maxResourcesPerStack });
    const agentStacks = new StackShards(scope, `${prefix}-Agents`, { env, maxResources: props.maxResourcesPerStack });
    const referenceTools = referenceTargets.length
      ? toolStacks.place('reference-tools', (stack) => buildToolUnit.reference(stack, { config, targets: referenceTargets, key: this.foundation.key, removalPolicy, logRetention }))
      : [];
    const extraTools = (props.extraToolGroups ?? []).map((spec) =>
      toolStacks.place('tool-group', (stack) => buildToolUnit.custom(stack, { config, spec, key: this.foundation.key, removalPolicy, logRetention })),
    );
    this.toolGroups = [...referenceTools, ...extraTools];
    const tools: ToolDefinition[] = this.toolGroups.flatMap((g) => [...g.group.tools]);

    this.gateway = new GatewayStack(scope, `${prefix}-Gateway`, {
      env,
      config,
      tools,
      toolGroups: this.toolGroups,
      identity: this.foundation.identity,
      key: this.foundation.key,
      policyDir: props.policyDir,
      removalPolicy,
      logRetention,
    });

    // An agent's own entry (resolved against the file that wrote it), else the kit's reference agent.
    const agentCode = (id: string): AgentCode => {
      const entry = props.agentEntries?.[id];
      return entry !== undefined ? AgentCode.fromEntry(entry) : kitAgentCode(id);
    };
    // Specialists first: the supervisor is configured with their invocation URLs.
    const ordered = [...specs].sort((a, b) => Number(a.protocol === 'HTTP') - Number(b.protocol === 'HTTP'));
    const deployed: DeployedAgent[] = [];
    for (const spec of ordered) {
      deployed.push(
        agentStacks.place('agent', (stack) =>
          buildAgentRuntime(stack, {
            config,
            spec,
            code: agentCode(spec.id),
            foundation: this.foundation,
            gatewayUrl: this.gateway.tools.url,
            specialists: deployed,
            logRetention,
            removalPolicy,
          }),
        ),
      );
    }
    this.agents = deployed;
    // Agents read their recorded live version from the foundation's parameters at deploy time.
    for (const stack of agentStacks.stacks) stack.addStackDependency(this.foundation);

    // Dashboards, alarms and online evaluation grow with the number of agents: groups of agents
    // go into as many observability stacks as needed, each tool watched with the agent using it.
    const observabilityStacks = new StackShards(scope, `${prefix}-Observability`, { env, maxResources: props.maxResourcesPerStack });
    const units: ObservabilityUnit[] = [];
    const unitOf = new Map<string, ObservabilityUnit>();
    for (let i = 0; i < deployed.length; i += AGENTS_PER_OBSERVABILITY_UNIT) {
      const group = deployed.slice(i, i + AGENTS_PER_OBSERVABILITY_UNIT);
      const used = new Set(group.flatMap((a) => Object.entries(a.spec.tools).flatMap(([target, names]) => names.map((n) => `${target}/${n}`))));
      const unit = observabilityStacks.place('observability', (stack) =>
        buildObservabilityUnit(stack, {
          config,
          unit: units.length + 1,
          agents: group,
          tools: tools.filter((t) => used.has(`${t.target}/${t.name}`)),
          gateway: this.gateway.tools,
          memory: this.foundation.memory,
          guardrail: this.foundation.guardrail,
          key: this.foundation.key,
          removalPolicy,
        }),
      );
      units.push(unit);
      for (const a of group) unitOf.set(a.spec.id, unit);
    }
    this.observability = units;

    // Every agent is released by a rollout: its machinery (about 35 resources) in groups, so a platform
    // of many agents stays within CloudFormation's limits. The first stack keeps the plain name.
    const releases: ReleaseStack[] = [];
    for (let i = 0; i < deployed.length; i += AGENTS_PER_RELEASE_STACK) {
      const n = i / AGENTS_PER_RELEASE_STACK + 1;
      releases.push(
        new ReleaseStack(scope, `${prefix}-Release${n === 1 ? '' : n}`, {
          env,
          config,
          unit: n,
          agents: deployed.slice(i, i + AGENTS_PER_RELEASE_STACK),
          canaryHealth: (agentId) => unitOf.get(agentId)!.observability.alarms.endpointHealth(agentId, 'canary'),
          canaryScore: (agentId) => unitOf.get(agentId)!.canaryScore(agentId),
          alarmTopic: units[0]?.observability.alarms.topic,
          key: this.foundation.key,
          removalPolicy,
          logRetention,
        }),
      );
    }
    this.releases = releases;

    this.stacks.push(this.foundation, ...toolStacks.stacks, ...agentStacks.stacks, this.gateway, ...observabilityStacks.stacks, ...releases);
    // Data an environment retains is backed up too (AWS Backup, beside point-in-time recovery).
    for (const stack of this.stacks) {
      if (removalPolicy === RemovalPolicy.RETAIN) TableBackup.ofStack(stack, { encryptionKey: this.foundation.key });
      else TableBackup.acknowledgeNone(stack, `the ${config.name} environment destroys its data with its stacks (removalPolicy "destroy"): nothing is kept to restore`);
    }
    for (const stack of this.stacks) {
      Tags.of(stack).add('project', 'agentcore-kit');
      for (const [k, v] of Object.entries(config.tags)) Tags.of(stack).add(k, v);
    }

    this.pipelineOutputs = {
      evaluationAccess: this.foundation.evaluationAccess,
      agentRuntimeArns: Object.fromEntries(
        deployed.map((a) => [a.spec.id, new CfnOutput(Stack.of(a.runtime), `${a.spec.id}RuntimeArn`, { value: a.runtime.runtime.agentRuntimeArn })]),
      ),
      rolloutStateMachineArns: Object.fromEntries(
        releases.flatMap((stack) => stack.releases.map((r) => [r.releaseName, new CfnOutput(stack, `${r.releaseName}StateMachineArn`, { value: r.stateMachine.stateMachineArn })])),
      ),
    };
  }
}

function validateAgents(specs: readonly AgentSpec[], props: AgentPlatformProps): void {
  const problems: string[] = [];
  if (!specs.length) problems.push('agents: expected at least one agent');
  const ids = specs.map((s) => s.id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) problems.push(`agents: ids must be unique, ${[...new Set(dup)].join(', ')} given twice`);
  const http = specs.filter((s) => s.protocol === 'HTTP');
  if (http.length > 1) problems.push(`agents: at most one HTTP (user-facing) agent, got ${http.map((s) => s.id).join(', ')}`);
  const known = new Set<string>([...(props.referenceCatalog === false ? [] : TOOL_TARGETS), ...(props.extraToolGroups ?? []).map((g) => g.target)]);
  for (const s of specs) {
    for (const target of Object.keys(s.tools)) {
      if (!known.has(target)) problems.push(`agents.${s.id}.tools: unknown gateway target "${target}"; expected one of ${[...known].join(', ')}`);
    }
  }
  if (problems.length) throw new KitError('InvalidAgentPlatform', problems);
}
