/**
 * The ground-truth datasets as AgentCore datasets (`AWS::BedrockAgentCore::Dataset`, schema
 * `AGENTCORE_EVALUATION_PREDEFINED_V1`) for batch evaluation: one single-turn scenario per case,
 * with the expected tool trajectory and plain-language assertions derived from the case.
 */
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { loadCheckedDataset } from '../../eval/runner/catalog-check';
import { DatasetError, type EvalCase, type ExpectedValue } from '../../eval/runner/dataset';
import { factLabel } from '../../eval/runner/scoring';
import { Problems } from '../errors';

export const DATASET_SCHEMA_TYPE = 'AGENTCORE_EVALUATION_PREDEFINED_V1';
/** Inline examples per dataset the kit sends in one template (keeps the template small). */
export const MAX_INLINE_EXAMPLES = 100;

export interface EvaluationDatasetsProps {
  /** Dataset names start with it (letters, digits, _). */
  readonly namePrefix: string;
  /** JSONL files per agent, e.g. `{ financial: 'eval/datasets/financial.jsonl' }`. */
  readonly files: Readonly<Record<string, string>>;
  /**
   * Key for the service's S3 writes of the datasets.
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of a created key.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

function describeValue(v: ExpectedValue): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if ('$contains' in v) return `text mentioning ${v.$contains.map((f) => JSON.stringify(f)).join(' and ')}`;
  if ('$oneOf' in v) return `one of ${v.$oneOf.map((x) => JSON.stringify(x)).join(', ')}`;
  return 'any value';
}

/** One AgentCore predefined scenario from one ground-truth case. */
export function toScenario(c: EvalCase): Record<string, unknown> {
  const calls = 'calls' in c.expected ? (c.expected.calls ?? []) : [];
  const assertions: string[] = [];
  switch (c.expected.outcome) {
    case 'answer':
      assertions.push('The agent answers the request');
      break;
    case 'refusal':
      assertions.push(`The agent declines the request (${c.expected.reason}) and calls no business tool`);
      break;
    case 'escalation':
      assertions.push(`The agent hands the request to a person (${c.expected.reason})`);
      break;
    case 'clarification':
      assertions.push(`The agent asks a clarifying question instead of guessing (${c.expected.reason})`);
      break;
  }
  for (const call of calls) {
    const args = Object.entries(call.parameters).map(([k, v]) => `${k} = ${describeValue(v)}`);
    assertions.push(`The agent calls ${call.tool}${args.length ? ` with ${args.join(', ')}` : ''}`);
  }
  for (const fact of c.facts) assertions.push(`The answer states ${factLabel(fact)}`);
  // A multi-turn case: the earlier user messages first, the scored query last, in one conversation.
  const messages = [...(c.turns ?? []), c.query];
  const preamble = `Today is ${c.context.asOf}.${c.context.employeeId ? ` My employee id is ${c.context.employeeId}.` : ''}${c.context.userId ? ` My user id is ${c.context.userId}.` : ''}`;
  return {
    scenario_id: c.id,
    turns: messages.map((m, i) => ({ input: i === 0 ? `${preamble} ${m}` : m })),
    ...(calls.length ? { expected_trajectory: calls.map((x) => x.tool) } : {}),
    assertions,
  };
}

export class EvaluationDatasets extends Construct {
  /** One dataset per agent. */
  readonly datasets: Record<string, agentcore.CfnDataset> = {};
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EvaluationDatasetsProps) {
    super(scope, id);
    const problems = new Problems('InvalidEvaluationDatasetsProps');
    problems.check(/^[a-zA-Z][a-zA-Z0-9_]{0,30}$/.test(props.namePrefix), `namePrefix: "${props.namePrefix}" must start with a letter and hold only letters, digits and _ (at most 31 characters)`);
    problems.check(Object.keys(props.files).length > 0, 'files: expected at least one dataset file');
    const loaded: Record<string, EvalCase[]> = {};
    for (const [agent, file] of Object.entries(props.files)) {
      problems.check(/^[a-z][a-z0-9_]{0,15}$/.test(agent), `files.${agent}: agent keys are lower-case letters, digits and _`);
      try {
        const cases = loadCheckedDataset(file);
        if (cases.length > MAX_INLINE_EXAMPLES) problems.add(`files.${agent}: ${cases.length} cases; at most ${MAX_INLINE_EXAMPLES} go inline (split the file)`);
        loaded[agent] = cases;
      } catch (e) {
        if (!(e instanceof DatasetError)) throw e;
        problems.add(`files.${agent}: ${e.message}`);
      }
    }
    problems.throwIfAny();

    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', { enableKeyRotation: true, description: `Encrypts the ${props.namePrefix} evaluation datasets`, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN });
    for (const [agent, cases] of Object.entries(loaded)) {
      this.datasets[agent] = new agentcore.CfnDataset(this, `${agent}Dataset`, {
        datasetName: `${props.namePrefix}_${agent}_ground_truth`,
        description: `Ground truth of the ${agent} agent: ${cases.length} cases (phrasings, dates, abbreviations, declines, escalations, ambiguity)`,
        schemaType: DATASET_SCHEMA_TYPE,
        kmsKeyArn: this.encryptionKey.keyArn,
        source: { inlineExamples: { examples: cases.map(toScenario) } },
      });
    }
  }
}
