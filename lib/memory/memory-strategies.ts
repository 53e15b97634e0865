import { Token, type Stack } from 'aws-cdk-lib';
import { MemoryStrategy, MemoryStrategyType, type CfnMemory, type IMemoryStrategy } from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EPISODE_REFLECTION_NAMESPACE, MEMORY_KINDS, MEMORY_NAMESPACES, strategyKind, type AgentMemoryStrategy, type MemoryKind, type MemoryPromptOverrides } from '../../agents/memory/namespaces';
import { Problems } from '../errors';
import { modelResourceArns } from '../runtime/agent-runtime';
import { AgentRuntimePerms } from '../runtime/perms';

/**
 * A long-term strategy of an {@link AgentMemory}: a built-in kind, or a custom one (the kind's
 * built-in prompts with text appended, run by a model of your choice).
 */
export type LongTermStrategy = MemoryKind | CustomMemoryStrategyProps;

export interface CustomMemoryStrategyProps {
  readonly kind: MemoryKind;
  /** Text appended to the built-in prompts (1–30,000 characters each); at least one. */
  readonly prompts: MemoryPromptOverrides;
  /**
   * The model the memory service runs the prompts with: a foundation model id or a cross-region
   * inference profile id. The memory's service role may invoke this model (and, for a profile, the
   * foundation model in the regions it routes to) only.
   */
  readonly modelId: string;
}

/** Strategy names and descriptions, one per kind (names are what the service reports on each record). */
export const STRATEGY_NAMES: Readonly<Record<MemoryKind, { readonly name: string; readonly description: string }>> = {
  facts: { name: 'user_facts', description: 'Facts users state about themselves and their work' },
  preferences: { name: 'user_preferences', description: 'How each user likes answers' },
  summaries: { name: 'session_summaries', description: 'One summary per session' },
  episodes: { name: 'user_episodes', description: 'What happened in each session and how it ended, with reflections across a user’s episodes' },
};

const PROMPT_MAX = 30_000;

/** The built-in (managed) strategy of a kind, writing under the kind's `/users/{actorId}/` namespace. */
export function builtInStrategy(kind: MemoryKind): IMemoryStrategy {
  const common = { strategyName: STRATEGY_NAMES[kind].name, description: STRATEGY_NAMES[kind].description, namespaces: [MEMORY_NAMESPACES[kind]] };
  switch (kind) {
    case 'facts':
      return MemoryStrategy.usingSemantic(common);
    case 'preferences':
      return MemoryStrategy.usingUserPreference(common);
    case 'summaries':
      return MemoryStrategy.usingSummarization(common);
    case 'episodes':
      return MemoryStrategy.usingEpisodic({ ...common, reflectionConfiguration: { namespaces: [EPISODE_REFLECTION_NAMESPACE] } });
  }
}

/** Problems of a custom strategy's props, each naming the field (`where` is its path in the caller's props). */
export function customStrategyProblems(where: string, props: CustomMemoryStrategyProps): string[] {
  const problems: string[] = [];
  const prompts = Object.entries(props.prompts).filter(([, v]) => v !== undefined) as Array<[keyof MemoryPromptOverrides, string]>;
  if (!prompts.length) problems.push(`${where}.prompts: give at least one of extraction, consolidation${props.kind === 'episodes' ? ', reflection' : ''}; without one, use the built-in '${props.kind}'`);
  for (const [step, text] of prompts) {
    if (!Token.isUnresolved(text) && (text.trim().length === 0 || text.length > PROMPT_MAX)) problems.push(`${where}.prompts.${step}: ${text.length} characters; expected 1 to ${PROMPT_MAX}`);
  }
  if (props.prompts.reflection !== undefined && props.kind !== 'episodes') problems.push(`${where}.prompts.reflection: only the episodes strategy reflects; ${props.kind} takes extraction and consolidation`);
  if (!Token.isUnresolved(props.modelId) && !/^([a-z-]+\.)?[a-z0-9-]+\.[\w.:-]+$/.test(props.modelId)) {
    problems.push(`${where}.modelId: "${props.modelId}" is not a Bedrock model id or inference profile id (e.g. us.anthropic.claude-haiku-4-5-20251001-v1:0)`);
  }
  return problems;
}

const OVERRIDE_KEY: Record<MemoryKind, keyof CfnMemory.CustomConfigurationInputProperty> = {
  facts: 'semanticOverride',
  preferences: 'userPreferenceOverride',
  summaries: 'summaryOverride',
  episodes: 'episodicOverride',
};

/**
 * A custom strategy rendered as CloudFormation's `CustomMemoryStrategy` with the kind's override.
 * The L2's managed strategies take overrides too, but cannot render an episodic reflection override
 * (they drop the reflection when any override is set) and grant a profile id on the profile alone;
 * this one renders every step the schema has and grants what inference through a profile needs.
 */
export class CustomMemoryStrategy implements IMemoryStrategy {
  readonly strategyName: string;
  readonly description?: string;
  readonly strategyType = MemoryStrategyType.CUSTOM;

  constructor(
    private readonly stack: Stack,
    private readonly props: CustomMemoryStrategyProps,
  ) {
    this.strategyName = STRATEGY_NAMES[props.kind].name;
    this.description = `${STRATEGY_NAMES[props.kind].description} (custom prompts)`;
  }

  render(): CfnMemory.MemoryStrategyProperty {
    const { kind, prompts, modelId } = this.props;
    const step = (appendToPrompt: string | undefined) => (appendToPrompt === undefined ? undefined : { appendToPrompt, modelId });
    const override: Record<string, unknown> = { extraction: step(prompts.extraction), consolidation: step(prompts.consolidation) };
    if (kind === 'episodes') override.reflection = prompts.reflection === undefined ? undefined : { appendToPrompt: prompts.reflection, modelId, namespaces: [EPISODE_REFLECTION_NAMESPACE] };
    return {
      customMemoryStrategy: {
        name: this.strategyName,
        description: this.description,
        namespaces: [MEMORY_NAMESPACES[kind]],
        configuration: { [OVERRIDE_KEY[kind]]: override },
      },
    };
  }

  /** The memory's service role may invoke the strategy's model (and a profile's foundation models) only. */
  grant(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: AgentRuntimePerms.MODEL_INVOKE, resourceArns: modelResourceArns(this.props.modelId, this.stack) });
  }
}

/**
 * The strategies of one memory shared by several agents: every kind any agent chose, once, in the
 * order of {@link MEMORY_KINDS}; custom prompts run with `modelId`. Two agents choosing one kind
 * differently (built-in and custom, or other prompts) cannot share a memory: that fails naming both.
 */
export function sharedMemoryStrategies(agents: ReadonlyArray<{ readonly id: string; readonly strategies: readonly AgentMemoryStrategy[] }>, modelId: string): LongTermStrategy[] {
  const chosen = new Map<MemoryKind, { by: string; strategy: AgentMemoryStrategy }>();
  const problems = new Problems('InvalidAgentMemoryStrategies');
  for (const agent of agents) {
    for (const strategy of agent.strategies) {
      const kind = strategyKind(strategy);
      const first = chosen.get(kind);
      if (!first) chosen.set(kind, { by: agent.id, strategy });
      else if (JSON.stringify(first.strategy) !== JSON.stringify(strategy)) {
        problems.add(`${agent.id}.memory: ${kind} differs from ${first.by}'s (${describe(strategy)} vs ${describe(first.strategy)}); agents sharing a memory share its ${kind} strategy — give both the same`);
      }
    }
  }
  problems.throwIfAny();
  return MEMORY_KINDS.filter((k) => chosen.has(k)).map((k) => {
    const strategy = chosen.get(k)!.strategy;
    return typeof strategy === 'string' ? strategy : { kind: k, prompts: strategy.prompts, modelId };
  });
}

function describe(strategy: AgentMemoryStrategy): string {
  return typeof strategy === 'string' ? 'built-in' : `custom: ${Object.keys(strategy.prompts).join(', ')} prompts`;
}
