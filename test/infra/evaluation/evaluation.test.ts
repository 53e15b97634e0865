import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AgentEvaluation, DEFAULT_BUILTIN_EVALUATORS, EvaluationDatasets, GROUNDED_ANSWER_JUDGE, JudgeEvaluators, KIT_JUDGE_EVALUATORS, toScenario, type AgentEvaluationProps, type JudgeEvaluatorDefinition } from '../../../lib/evaluation';
import { loadCheckedDataset } from '../../../eval/runner/catalog-check';
import { importedRuntime, testStack } from '../observability/helpers';

const DATASETS = path.join(__dirname, '..', '..', '..', 'eval', 'datasets');

function build(over: Partial<AgentEvaluationProps> = {}) {
  const stack = testStack();
  const evaluation = new AgentEvaluation(stack, 'Evaluation', {
    namePrefix: 'kit_prod',
    agents: [
      { name: 'financial', runtime: importedRuntime(stack, 'financial_analytics_prod') },
      { name: 'hr', runtime: importedRuntime(stack, 'hr_policy_assistant_prod'), endpoints: ['live'] },
    ],
    samplingPercent: 10,
    drift: { scoreMin: 0.9 },
    removalPolicy: RemovalPolicy.RETAIN,
    ...over,
  });
  let template: Template | undefined;
  return {
    stack,
    evaluation,
    get template() {
      return (template ??= Template.fromStack(stack));
    },
  };
}

describe('online evaluation', () => {
  const built = build();
  const template = () => built.template;

  test('one config per agent endpoint, live and canary scored separately from their own log groups', () => {
    template().resourceCountIs('AWS::BedrockAgentCore::OnlineEvaluationConfig', 3);
    template().hasResourceProperties('AWS::BedrockAgentCore::OnlineEvaluationConfig', {
      OnlineEvaluationConfigName: 'kit_prod_financial_canary',
      DataSourceConfig: {
        CloudWatchLogs: {
          LogGroupNames: ['/aws/bedrock-agentcore/runtimes/financial_analytics_prod-AbCdEf1234-canary'],
          ServiceNames: ['financial_analytics_prod.canary'],
        },
      },
      Rule: Match.objectLike({ SamplingConfig: { SamplingPercentage: 10 } }),
    });
    template().hasResourceProperties('AWS::BedrockAgentCore::OnlineEvaluationConfig', {
      OnlineEvaluationConfigName: 'kit_prod_financial_live',
      DataSourceConfig: { CloudWatchLogs: Match.objectLike({ ServiceNames: ['financial_analytics_prod.live'] }) },
    });
  });

  test('the seven built-ins the seed asks for plus both code-based evaluators', () => {
    const configs = Object.values(template().findResources('AWS::BedrockAgentCore::OnlineEvaluationConfig')) as { Properties: { Evaluators: { EvaluatorId: unknown }[] } }[];
    const ids = configs[0].Properties.Evaluators.map((e) => e.EvaluatorId);
    expect(ids.slice(0, 7)).toEqual([
      'Builtin.ToolSelectionAccuracy',
      'Builtin.ToolParameterAccuracy',
      'Builtin.Correctness',
      'Builtin.Helpfulness',
      'Builtin.Refusal',
      'Builtin.Harmfulness',
      'Builtin.GoalSuccessRate',
    ]);
    expect(ids.slice(7)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/RefusalEvaluator/), 'EvaluatorId'] }, { 'Fn::GetAtt': [expect.stringMatching(/ToolParametersEvaluator/), 'EvaluatorId'] }]);
  });

  test('code-based evaluators: TRACE refusal and TOOL_CALL parameter checks backed by Node 22 Lambdas', () => {
    template().hasResourceProperties('AWS::BedrockAgentCore::Evaluator', {
      EvaluatorName: 'kit_prod_refusal',
      Level: 'TRACE',
      EvaluatorConfig: { CodeBased: { LambdaConfig: Match.objectLike({ LambdaArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RefusalFunction'), 'Arn'] } }) } },
    });
    template().hasResourceProperties('AWS::BedrockAgentCore::Evaluator', { EvaluatorName: 'kit_prod_tool_parameters', Level: 'TOOL_CALL' });
    template().resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } }, 2);
    template().hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'bedrock-agentcore.amazonaws.com', FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('RefusalFunction'), 'Arn'] } });
  });

  test('one shared execution role, trusted only for evaluators of this account and scoped to the scored log groups', () => {
    template().resourcePropertiesCountIs('AWS::IAM::Role', { Description: Match.stringLikeRegexp('AgentCore online evaluation') }, 1);
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'bedrock-agentcore.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:ResourceAccount': '123456789012' } }),
          }),
        ],
      },
    });
    const policies = Object.values(template().findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('EvaluationExecutionRole') } })) as {
      Properties: { PolicyDocument: { Statement: { Sid: string; Resource: unknown }[] } };
    }[];
    const statements = Object.fromEntries(policies[0].Properties.PolicyDocument.Statement.map((st) => [st.Sid, JSON.stringify(st.Resource)]));
    // No resource-level permissions for these (Service Authorization Reference): "*" or nothing.
    expect(statements.DescribeLogGroups).toBe('"*"');
    expect(statements.SpansIndexPolicy).toBe('"*"');
    for (const runtime of ['financial_analytics_prod', 'hr_policy_assistant_prod']) {
      expect(statements.QueryAgentTraces).toContain(`log-group:/aws/bedrock-agentcore/runtimes/${runtime}-*:*`);
    }
    expect(statements.QueryAgentTraces).toContain('log-group:aws/spans:*');
    expect(statements.QueryAgentTraces).not.toContain('runtimes/*');
    expect(statements.WriteResults).toContain('log-group:/aws/bedrock-agentcore/evaluations/*');
  });

  test('drift alarms on the 7-day moving average of the live scores, composited for the rollback', () => {
    // 2 agents × live × 5 watched evaluators
    expect(built.evaluation.driftAlarms).toHaveLength(10);
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'kit_prod-financial-live-Correctness-drift',
      EvaluationPeriods: 1,
      Threshold: 0.9,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: [
        Match.objectLike({
          MetricStat: {
            Stat: 'Average',
            Period: 604800,
            Metric: {
              Namespace: 'Bedrock-AgentCore/Evaluations',
              MetricName: 'Builtin.Correctness',
              Dimensions: [
                { Name: 'onlineEvaluationConfigId', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Evaluationfinanciallive'), 'OnlineEvaluationConfigId'] } },
                { Name: 'service.name', Value: 'financial_analytics_prod.live' },
              ],
            },
          },
        }),
      ],
    });
    template().hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'kit_prod-evaluation-drift' });
    expect(built.evaluation.drift).toBeDefined();
  });

  test('score metrics per endpoint feed dashboards and the canary alarms', () => {
    const m = built.evaluation.metricScore('financial', 'canary', 'Builtin.Helpfulness');
    expect(m.namespace).toBe('Bedrock-AgentCore/Evaluations');
    expect(m.metricName).toBe('Builtin.Helpfulness');
    expect(m.dimensions?.['service.name']).toBe('financial_analytics_prod.canary');
    expect(m.period.toHours()).toBe(1);
    expect(built.evaluation.scoreMetrics(['Builtin.Correctness']).map((s) => s.label)).toEqual(['financial live Correctness', 'financial canary Correctness', 'hr live Correctness']);
    expect(() => built.evaluation.metricScore('it', 'live', 'Builtin.Helpfulness')).toThrow(/metricScore: no online evaluation for agent "it" endpoint "live"; configured: financial\/live, financial\/canary, hr\/live/);
  });
});

describe('evaluation props validation', () => {
  test('bad props are all named at once', () => {
    expect(() => build({ namePrefix: 'kit-prod', samplingPercent: 0, drift: { scoreMin: 0.9, windowDays: 14 } })).toThrow(
      /3 problems:[\s\S]*namePrefix: "kit-prod"[\s\S]*samplingPercent: 0 is out of range; expected 0\.01–100[\s\S]*drift\.windowDays: 14; expected a whole number of days from 1 to 7/,
    );
  });

  test('more than 10 evaluators per config is rejected', () => {
    const extra = [1, 2].map((i) => agentcore.Evaluator.fromEvaluatorId(testStack(), `E${i}`, `custom${i}-abcdefghij`));
    expect(() => build({ additionalEvaluators: extra })).toThrow(/evaluators: 11 per configuration; AgentCore allows 1–10 \(built-ins 7 \+ 2 code-based \+ 2 additional\)/);
  });

  test('harmfulness drifts upwards: lower is better', () => {
    const { template } = build({ drift: { scoreMin: 0.9, evaluators: ['Builtin.Harmfulness'], windowDays: 3 } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0.1,
      Metrics: [Match.objectLike({ MetricStat: Match.objectLike({ Period: 259200, Metric: Match.objectLike({ MetricName: 'Builtin.Harmfulness' }) }) })],
    });
  });

  test('drift on an evaluator that is not scored is rejected', () => {
    expect(() => build({ drift: { scoreMin: 0.9, evaluators: ['Builtin.Coherence'] } })).toThrow(/drift\.evaluators: Builtin\.Coherence not scored by these configs/);
  });
});

describe('datasets for batch evaluation', () => {
  test('each agent dataset goes up as a predefined-scenario CfnDataset with every case', () => {
    const stack = testStack();
    new EvaluationDatasets(stack, 'Datasets', {
      namePrefix: 'kit_prod',
      files: { financial: path.join(DATASETS, 'financial.jsonl'), hr: path.join(DATASETS, 'hr.jsonl'), it: path.join(DATASETS, 'it.jsonl') },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::BedrockAgentCore::Dataset', 3);
    const datasets = template.findResources('AWS::BedrockAgentCore::Dataset') as Record<string, { Properties: { DatasetName: string; SchemaType: string; Source: { InlineExamples: { Examples: { scenario_id: string }[] } } } }>;
    const byName = Object.fromEntries(Object.values(datasets).map((d) => [d.Properties.DatasetName, d.Properties]));
    expect(Object.keys(byName).sort()).toEqual(['kit_prod_financial_ground_truth', 'kit_prod_hr_ground_truth', 'kit_prod_it_ground_truth']);
    expect(byName.kit_prod_financial_ground_truth.SchemaType).toBe('AGENTCORE_EVALUATION_PREDEFINED_V1');
    expect(byName.kit_prod_financial_ground_truth.Source.InlineExamples.Examples).toHaveLength(50);
    expect(byName.kit_prod_hr_ground_truth.Source.InlineExamples.Examples).toHaveLength(45);
    expect(byName.kit_prod_it_ground_truth.Source.InlineExamples.Examples).toHaveLength(40);
  });

  test('a case becomes a scenario with input, expected trajectory and assertions', () => {
    const [c] = loadCheckedDataset(path.join(DATASETS, 'financial.jsonl')).filter((x) => x.id === 'fin-002');
    expect(toScenario(c)).toEqual({
      scenario_id: 'fin-002',
      turns: [{ input: 'Today is 2024-10-15. How much did we make in Europe last quarter?' }],
      expected_trajectory: ['getQuarterlyRevenue'],
      assertions: ['The agent answers the request', 'The agent calls getQuarterlyRevenue with region = "EMEA", quarter = "2024-Q3"', 'The answer states 1284.6'],
    });
  });

  test('a multi-turn case becomes one conversation, and facts read as values with their unit', () => {
    const [multi] = loadCheckedDataset(path.join(DATASETS, 'financial.more.jsonl')).filter((x) => x.id === 'fin-102');
    expect((toScenario(multi) as { turns: { input: string }[] }).turns).toEqual([
      { input: "Today is 2026-11-26. Let's talk about Asia-Pacific." },
      { input: 'We closed Q2 2026 strongly there.' },
      { input: 'And how much revenue did we book in that quarter?' },
    ]);
    const [vacation] = loadCheckedDataset(path.join(DATASETS, 'hr.jsonl')).filter((x) => x.id === 'hr-001');
    expect((toScenario(vacation) as { assertions: string[] }).assertions).toContain('The answer states 10 day');
  });

  test('a bad dataset file fails synth with file:line', () => {
    const stack = testStack();
    expect(() => new EvaluationDatasets(stack, 'Datasets', { namePrefix: 'kit', files: { financial: path.join(DATASETS, 'missing.jsonl') } })).toThrow(/files\.financial: Invalid dataset[\s\S]*missing\.jsonl:0: \(file\): file not found/);
  });
});

describe('wiring the drift alarm to a topic', () => {
  test('drift alarms and the composite notify the given action', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'T');
    const action = new actions.SnsAction(topic);
    new AgentEvaluation(stack, 'Evaluation', {
      namePrefix: 'kit_dev',
      agents: [{ name: 'it', runtime: importedRuntime(stack, 'it_support_dev'), endpoints: ['live'] }],
      samplingPercent: 100,
      codeEvaluators: false,
      drift: { scoreMin: 0.85, action, windowDays: 7 },
      sessionTimeout: Duration.minutes(5),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^T') }] });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { ComparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, Threshold: 0.85, AlarmActions: [{ Ref: Match.stringLikeRegexp('^T') }] }, 5);
  });
});

describe('custom LLM-as-judge evaluators', () => {
  const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

  test('a judge is an LLM-as-judge Evaluator with its instructions, numerical scale and model, scored in every config', () => {
    const built = build({ builtinEvaluators: DEFAULT_BUILTIN_EVALUATORS.slice(0, 6), judges: { definitions: KIT_JUDGE_EVALUATORS, modelId: MODEL } });
    const t = built.template;
    t.hasResourceProperties('AWS::BedrockAgentCore::Evaluator', {
      EvaluatorName: 'kit_prod_grounded_answer',
      Level: 'TRACE',
      EvaluatorConfig: {
        LlmAsAJudge: {
          Instructions: GROUNDED_ANSWER_JUDGE.instructions,
          ModelConfig: { BedrockEvaluatorModelConfig: { ModelId: MODEL, InferenceConfig: { Temperature: 0, MaxTokens: 1024 } } },
          RatingScale: {
            Numerical: [
              { Label: 'Ungrounded', Definition: Match.stringLikeRegexp('missing from, or contradicts'), Value: 0 },
              { Label: 'Partly grounded', Definition: Match.anyValue(), Value: 0.5 },
              { Label: 'Grounded', Definition: Match.anyValue(), Value: 1 },
            ],
          },
        },
      },
    });
    const judgeId = built.stack.resolve(built.evaluation.judgeEvaluators!.evaluators.grounded_answer.evaluatorId);
    for (const config of Object.values(t.findResources('AWS::BedrockAgentCore::OnlineEvaluationConfig'))) {
      expect(JSON.stringify(config.Properties.Evaluators)).toContain(JSON.stringify(judgeId));
      expect(config.Properties.Evaluators).toHaveLength(6 + 2 + 1);
    }
    // The shared execution role invokes judge models (the judge's inference profile included).
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'InvokeJudgeModels', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] }));
  });

  test('a categorical judge deploys labels only', () => {
    const passFail: JudgeEvaluatorDefinition = {
      name: 'polite',
      description: 'Polite answer',
      level: 'SESSION',
      instructions: 'Was the assistant polite throughout? {context}',
      ratingScale: { kind: 'categorical', ratings: [{ label: 'Pass', definition: 'polite' }, { label: 'Fail', definition: 'rude' }] },
    };
    const t = build({ builtinEvaluators: [], judges: { definitions: [passFail], modelId: MODEL } }).template;
    t.hasResourceProperties('AWS::BedrockAgentCore::Evaluator', {
      EvaluatorName: 'kit_prod_polite',
      Level: 'SESSION',
      EvaluatorConfig: { LlmAsAJudge: { RatingScale: { Categorical: [{ Label: 'Pass', Definition: 'polite' }, { Label: 'Fail', Definition: 'rude' }] } } },
    });
  });

  test('judges count towards the 10 evaluators of a config; the message says how to make room', () => {
    expect(() => build({ judges: { definitions: [...KIT_JUDGE_EVALUATORS, { ...GROUNDED_ANSWER_JUDGE, name: 'other' }], modelId: MODEL } })).toThrow(
      'evaluators: 11 per configuration; AgentCore allows 1–10 (built-ins 7 + 2 code-based + 2 judge + 0 additional); pass fewer builtinEvaluators to make room',
    );
  });

  test('bad judge definitions and a bad model id are all named at once', () => {
    const stack = testStack();
    expect(() => new JudgeEvaluators(stack, 'J', { namePrefix: 'kit', modelId: 'claude', judges: [{ ...GROUNDED_ANSWER_JUDGE, instructions: 'Rate {assistant_turn}.' }, GROUNDED_ANSWER_JUDGE] })).toThrow(
      /InvalidJudgeEvaluatorsProps\] 3 problems:[\s\S]*judges: names must be unique, got grounded_answer, grounded_answer[\s\S]*judges\.grounded_answer\.instructions: a TRACE judge needs the \{context\} placeholder[\s\S]*modelId: "claude" is not a Bedrock model id/,
    );
  });
});
