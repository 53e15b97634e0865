/**
 * Custom LLM-as-judge evaluators (instructions + rating scale) as AgentCore `Evaluator` resources,
 * next to the built-ins and the code-based evaluators. The definitions are plain data
 * (./judge-definitions), so the offline runner judges with exactly the same instructions and scale.
 */
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Problems } from '../errors';
import { judgeDefinitionProblems, type JudgeEvaluatorDefinition } from './judge-definitions';

export interface JudgeEvaluatorsProps {
  /** Evaluator names are `<prefix>_<name>` (letters, digits, _). */
  readonly namePrefix: string;
  readonly judges: readonly JudgeEvaluatorDefinition[];
  /**
   * Bedrock model (or cross-region inference profile) that judges, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`.
   * The online evaluation's execution role may invoke it (foundation models and inference profiles).
   */
  readonly modelId: string;
  /**
   * Sampling temperature of the judge model.
   * @default 0 (the same input gets the same rating)
   */
  readonly temperature?: number;
  /**
   * Output tokens per judgement.
   * @default 1024
   */
  readonly maxTokens?: number;
}

const LEVEL: Record<JudgeEvaluatorDefinition['level'], agentcore.EvaluationLevel> = {
  SESSION: agentcore.EvaluationLevel.SESSION,
  TRACE: agentcore.EvaluationLevel.TRACE,
  TOOL_CALL: agentcore.EvaluationLevel.TOOL_CALL,
};

export class JudgeEvaluators extends Construct {
  /** The evaluators by judge name. */
  readonly evaluators: Readonly<Record<string, agentcore.Evaluator>>;

  constructor(scope: Construct, id: string, props: JudgeEvaluatorsProps) {
    super(scope, id);
    const temperature = props.temperature ?? 0;
    const maxTokens = props.maxTokens ?? 1024;
    const problems = new Problems('InvalidJudgeEvaluatorsProps');
    problems.check(/^[a-zA-Z][a-zA-Z0-9_]{0,30}$/.test(props.namePrefix), `namePrefix: "${props.namePrefix}" must start with a letter and hold only letters, digits and _ (at most 31 characters)`);
    problems.check(props.judges.length > 0, 'judges: expected at least one judge definition');
    const names = props.judges.map((j) => j.name);
    problems.check(new Set(names).size === names.length, `judges: names must be unique, got ${names.join(', ')}`);
    for (const j of props.judges) for (const p of judgeDefinitionProblems(j)) problems.add(p);
    for (const j of props.judges) problems.check(`${props.namePrefix}_${j.name}`.length <= 48, `judges.${j.name}.name: "${props.namePrefix}_${j.name}" exceeds 48 characters; shorten the name or the prefix`);
    if (!Token.isUnresolved(props.modelId)) problems.check(/^([a-z-]+\.)?[a-z0-9-]+\.[\w.:-]+$/.test(props.modelId), `modelId: "${props.modelId}" is not a Bedrock model id or inference profile id`);
    problems.check(temperature >= 0 && temperature <= 1, `temperature: ${temperature} must be from 0 to 1`);
    problems.check(Number.isInteger(maxTokens) && maxTokens >= 1 && maxTokens <= 64_000, `maxTokens: ${maxTokens} must be a whole number from 1 to 64000`);
    problems.throwIfAny();

    const evaluators: Record<string, agentcore.Evaluator> = {};
    for (const j of props.judges) {
      const ratings = j.ratingScale.ratings.map((r) => ({ label: r.label, definition: r.definition }));
      evaluators[j.name] = new agentcore.Evaluator(this, `Judge-${j.name}`, {
        evaluatorName: `${props.namePrefix}_${j.name}`,
        description: j.description,
        level: LEVEL[j.level],
        evaluatorConfig: agentcore.EvaluatorConfig.llmAsAJudge({
          instructions: j.instructions,
          modelId: props.modelId,
          inferenceConfig: { temperature, maxTokens },
          ratingScale:
            j.ratingScale.kind === 'numerical'
              ? agentcore.EvaluatorRatingScale.numerical(j.ratingScale.ratings.map((r) => ({ label: r.label, definition: r.definition, value: r.value! })))
              : agentcore.EvaluatorRatingScale.categorical(ratings),
        }),
      });
    }
    this.evaluators = evaluators;
  }

  /** Every judge, for an OnlineEvaluationConfig. */
  get all(): agentcore.Evaluator[] {
    return Object.values(this.evaluators);
  }
}
