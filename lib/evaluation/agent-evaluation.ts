/**
 * Online evaluation of every agent endpoint: one `OnlineEvaluationConfig` per agent and endpoint
 * (live and canary scored separately via `DataSourceConfig.fromAgentRuntimeEndpointName`), with the
 * built-in evaluators (tool selection, tool parameters, correctness, helpfulness, refusal,
 * harmfulness, goal success), the kit's code-based evaluators and custom LLM-as-judge evaluators; score metrics per endpoint; drift
 * alarms on the scores' moving average that a release rollback can consume.
 */
import { Arn, ArnFormat, Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeAlarmWithoutAction, acknowledgeIamWildcards } from '../compliance';
import { Problems } from '../errors';
import { EVALUATION_DIMENSION, EVALUATION_NAMESPACE } from '../observability/metric-names';
import { CodeEvaluators } from './code-evaluators';
import type { JudgeEvaluatorDefinition } from './judge-definitions';
import { JudgeEvaluators } from './judge-evaluators';

/** The built-in evaluators the kit scores with by default. */
export const DEFAULT_BUILTIN_EVALUATORS: readonly agentcore.BuiltinEvaluator[] = [
  agentcore.BuiltinEvaluator.TOOL_SELECTION_ACCURACY,
  agentcore.BuiltinEvaluator.TOOL_PARAMETER_ACCURACY,
  agentcore.BuiltinEvaluator.CORRECTNESS,
  agentcore.BuiltinEvaluator.HELPFULNESS,
  agentcore.BuiltinEvaluator.REFUSAL,
  agentcore.BuiltinEvaluator.HARMFULNESS,
  agentcore.BuiltinEvaluator.GOAL_SUCCESS_RATE,
];

/** Built-ins where a higher score is worse (they alarm above 1 − min, not below min). */
export const LOWER_IS_BETTER: readonly string[] = [agentcore.BuiltinEvaluator.HARMFULNESS.value, agentcore.BuiltinEvaluator.REFUSAL.value];

/** Online evaluations allow at most 10 evaluators per configuration. */
export const MAX_EVALUATORS_PER_CONFIG = 10;
/** CloudWatch evaluates at most 7 days (period × evaluation periods) per alarm. */
export const MAX_DRIFT_WINDOW_DAYS = 7;

export interface EvaluatedAgent {
  /** Short agent name, e.g. `financial`. */
  readonly name: string;
  readonly runtime: agentcore.IBedrockAgentRuntime;
  /**
   * Endpoints scored separately.
   * @default ['live', 'canary']
   */
  readonly endpoints?: readonly string[];
}

export interface DriftAlarmProps {
  /** The moving-average score below which the drift alarm fires, 0–1 (config `evaluation.driftScoreMin`). */
  readonly scoreMin: number;
  /**
   * Days the moving average spans (1–7: CloudWatch evaluates at most 7 days per alarm).
   * @default 7
   */
  readonly windowDays?: number;
  /**
   * Evaluators whose drift alarms (ids as in the score metrics, e.g. `Builtin.Correctness`).
   * @default - correctness, helpfulness, tool selection, tool parameters and goal success
   */
  readonly evaluators?: readonly string[];
  /**
   * Endpoints whose drift alarms.
   * @default ['live']
   */
  readonly endpoints?: readonly string[];
  /**
   * Where drift alarms notify.
   * @default - no action (the composite is exposed for the rollback)
   */
  readonly action?: cloudwatchActions.SnsAction;
}

export interface AgentEvaluationProps {
  /** Names of configs and evaluators start with it (letters, digits, _), e.g. `kit_prod`. */
  readonly namePrefix: string;
  readonly agents: readonly EvaluatedAgent[];
  /** Percentage of sessions scored, 0.01–100 (config `evaluation.samplingPercent`). */
  readonly samplingPercent: number;
  /**
   * Built-in evaluators.
   * @default DEFAULT_BUILTIN_EVALUATORS
   */
  readonly builtinEvaluators?: readonly agentcore.BuiltinEvaluator[];
  /**
   * Add the kit's code-based evaluators (refusal, tool parameters).
   * @default true
   */
  readonly codeEvaluators?: boolean;
  /**
   * Custom LLM-as-judge evaluators (instructions + rating scale), deployed as `Evaluator` resources
   * named `<namePrefix>_<name>` and scored in every config. `KIT_JUDGE_EVALUATORS` holds the kit's.
   * The same definitions judge offline: `npm run eval -- --judge <name>`.
   * @default - none
   */
  readonly judges?: { readonly definitions: readonly JudgeEvaluatorDefinition[]; readonly modelId: string; readonly temperature?: number };
  /**
   * More evaluators (e.g. an `Evaluator` made elsewhere).
   * @default - none
   */
  readonly additionalEvaluators?: readonly agentcore.IEvaluator[];
  /**
   * Drift alarms on the moving-average scores.
   * @default - no drift alarms
   */
  readonly drift?: DriftAlarmProps;
  /**
   * Inactivity after which a session is complete and scored.
   * @default Duration.minutes(15)
   */
  readonly sessionTimeout?: Duration;
  /**
   * Retention of the code-based evaluator functions' logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key for the evaluator functions' logs and environment.
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of created log groups and keys.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_DRIFT_EVALUATORS = [
  agentcore.BuiltinEvaluator.CORRECTNESS.value,
  agentcore.BuiltinEvaluator.HELPFULNESS.value,
  agentcore.BuiltinEvaluator.TOOL_SELECTION_ACCURACY.value,
  agentcore.BuiltinEvaluator.TOOL_PARAMETER_ACCURACY.value,
  agentcore.BuiltinEvaluator.GOAL_SUCCESS_RATE.value,
];

export class AgentEvaluation extends Construct {
  /** `configs[agent][endpoint]`. */
  readonly configs: Record<string, Record<string, agentcore.OnlineEvaluationConfig>> = {};
  readonly codeEvaluators?: CodeEvaluators;
  readonly judgeEvaluators?: JudgeEvaluators;
  /** Every drift alarm. */
  readonly driftAlarms: cloudwatch.Alarm[] = [];
  /** In ALARM when any drift alarm is (undefined without drift props). */
  readonly drift?: cloudwatch.CompositeAlarm;
  /** Evaluator ids scored in every config (built-in values and custom evaluator ids). */
  readonly evaluatorIds: readonly string[];
  /** The role AgentCore assumes to read traces, invoke judge models and write results (shared by the configs). */
  readonly executionRole: iam.Role;
  private readonly services: Record<string, Record<string, string>> = {};

  constructor(scope: Construct, id: string, props: AgentEvaluationProps) {
    super(scope, id);
    const builtins = props.builtinEvaluators ?? DEFAULT_BUILTIN_EVALUATORS;
    const withCode = props.codeEvaluators ?? true;
    const judgeCount = props.judges?.definitions.length ?? 0;
    const evaluatorCount = builtins.length + (withCode ? 2 : 0) + judgeCount + (props.additionalEvaluators?.length ?? 0);
    const windowDays = props.drift?.windowDays ?? MAX_DRIFT_WINDOW_DAYS;
    const problems = new Problems('InvalidAgentEvaluationProps');
    problems.check(/^[a-zA-Z][a-zA-Z0-9_]{0,30}$/.test(props.namePrefix), `namePrefix: "${props.namePrefix}" must start with a letter and hold only letters, digits and _ (at most 31 characters)`);
    problems.check(props.agents.length > 0, 'agents: expected at least one agent');
    problems.check(props.samplingPercent >= 0.01 && props.samplingPercent <= 100, `samplingPercent: ${props.samplingPercent} is out of range; expected 0.01–100`);
    problems.check(evaluatorCount >= 1 && evaluatorCount <= MAX_EVALUATORS_PER_CONFIG, `evaluators: ${evaluatorCount} per configuration; AgentCore allows 1–${MAX_EVALUATORS_PER_CONFIG} (built-ins ${builtins.length}${withCode ? ' + 2 code-based' : ''}${judgeCount ? ` + ${judgeCount} judge` : ''} + ${props.additionalEvaluators?.length ?? 0} additional); pass fewer builtinEvaluators to make room`);
    for (const a of props.agents) {
      problems.check(/^[a-z][a-z0-9_]{0,15}$/.test(a.name), `agents.${a.name}: agent names are lower-case letters, digits and _ (at most 16)`);
      for (const e of a.endpoints ?? ['live', 'canary']) problems.check(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/.test(e), `agents.${a.name}.endpoints: "${e}" is not an endpoint name`);
    }
    if (props.drift) {
      problems.check(props.drift.scoreMin >= 0 && props.drift.scoreMin <= 1, `drift.scoreMin: ${props.drift.scoreMin} is out of range; expected 0–1`);
      problems.check(Number.isInteger(windowDays) && windowDays >= 1 && windowDays <= MAX_DRIFT_WINDOW_DAYS, `drift.windowDays: ${windowDays}; expected a whole number of days from 1 to ${MAX_DRIFT_WINDOW_DAYS} (CloudWatch evaluates at most 7 days per alarm)`);
    }
    problems.throwIfAny();

    if (withCode) {
      this.codeEvaluators = new CodeEvaluators(this, 'CodeEvaluators', {
        namePrefix: props.namePrefix,
        logRetention: props.logRetention,
        encryptionKey: props.encryptionKey ?? new kms.Key(this, 'Key', { enableKeyRotation: true, description: `Encrypts the ${props.namePrefix} evaluator functions' logs`, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN }),
        removalPolicy: props.removalPolicy,
      });
    }
    if (props.judges?.definitions.length) {
      this.judgeEvaluators = new JudgeEvaluators(this, 'Judges', { namePrefix: props.namePrefix, judges: props.judges.definitions, modelId: props.judges.modelId, temperature: props.judges.temperature });
    }
    this.executionRole = this.createExecutionRole(props.agents);
    const custom: agentcore.IEvaluator[] = [...(this.codeEvaluators?.all ?? []), ...(this.judgeEvaluators?.all ?? []), ...(props.additionalEvaluators ?? [])];
    const selectors = [...builtins.map((b) => agentcore.EvaluatorSelector.builtin(b)), ...custom.map((e) => agentcore.EvaluatorSelector.custom(e))];
    this.evaluatorIds = [...builtins.map((b) => b.value), ...custom.map((e) => e.evaluatorId)];

    for (const agent of props.agents) {
      this.configs[agent.name] = {};
      this.services[agent.name] = {};
      for (const endpoint of agent.endpoints ?? ['live', 'canary']) {
        const dataSource = agentcore.DataSourceConfig.fromAgentRuntimeEndpointName(agent.runtime, endpoint);
        this.services[agent.name][endpoint] = dataSource.cloudWatchLogsConfig.serviceNames[0];
        this.configs[agent.name][endpoint] = new agentcore.OnlineEvaluationConfig(this, `${agent.name}-${endpoint}`, {
          onlineEvaluationConfigName: `${props.namePrefix}_${agent.name}_${endpoint}`.slice(0, 48),
          description: `Scores ${props.samplingPercent}% of ${agent.name} sessions on the ${endpoint} endpoint`,
          evaluators: selectors,
          dataSource,
          samplingPercentage: props.samplingPercent,
          sessionTimeout: props.sessionTimeout,
          executionRole: this.executionRole,
        });
      }
    }

    if (props.drift) {
      const watched = props.drift.evaluators ?? DEFAULT_DRIFT_EVALUATORS.filter((e) => this.evaluatorIds.includes(e));
      const unknown = watched.filter((e) => !this.evaluatorIds.includes(e));
      if (unknown.length) new Problems('InvalidAgentEvaluationProps').add(`drift.evaluators: ${unknown.join(', ')} not scored by these configs; scored: ${this.evaluatorIds.join(', ')}`).throwIfAny();
      for (const agent of props.agents) {
        for (const endpoint of props.drift.endpoints ?? ['live']) {
          if (!this.configs[agent.name][endpoint]) continue;
          for (const evaluator of watched) {
            const lowerIsBetter = LOWER_IS_BETTER.includes(evaluator);
            const threshold = lowerIsBetter ? Math.round((1 - props.drift.scoreMin) * 1e6) / 1e6 : props.drift.scoreMin;
            const short = evaluator.replace(/^Builtin\./, '');
            const alarm = new cloudwatch.Alarm(this, `Drift-${agent.name}-${endpoint}-${short}`, {
              alarmName: `${props.namePrefix}-${agent.name}-${endpoint}-${short}-drift`,
              alarmDescription: `${windowDays}-day average ${evaluator} score of ${agent.name} ${endpoint} ${lowerIsBetter ? 'above' : 'below'} ${threshold}: quality is drifting (e.g. 92% → 84% over two weeks)`,
              metric: this.metricScore(agent.name, endpoint, evaluator, { period: Duration.days(windowDays) }),
              threshold,
              comparisonOperator: lowerIsBetter ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              evaluationPeriods: 1,
              treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            });
            if (props.drift.action) alarm.addAlarmAction(props.drift.action);
            this.driftAlarms.push(alarm);
          }
        }
      }
      if (this.driftAlarms.length) {
        this.drift = new cloudwatch.CompositeAlarm(this, 'Drift', {
          compositeAlarmName: `${props.namePrefix}-evaluation-drift`,
          alarmDescription: 'An online evaluation score moving average drifted past its threshold',
          alarmRule: cloudwatch.AlarmRule.anyOf(...this.driftAlarms.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
        });
        if (props.drift.action) this.drift.addAlarmAction(props.drift.action);
        for (const alarm of this.driftAlarms) {
          acknowledgeAlarmWithoutAction(alarm, `Member of the composite alarm ${props.namePrefix}-evaluation-drift, which notifies (one page per drift, not one per evaluator and endpoint)`);
        }
      }
    }
  }

  /**
   * One least-privilege role for every config: the same grants the L2 would create per config, with
   * log-group listing scoped to this account and region instead of `*`.
   */
  private createExecutionRole(agents: readonly EvaluatedAgent[]): iam.Role {
    const stack = Stack.of(this);
    const logGroup = (name: string) => Arn.format({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
    const role = new iam.Role(this, 'ExecutionRole', {
      description: 'AgentCore online evaluation: reads agent traces, invokes judge models, writes results',
      assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:ResourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': [
              Arn.format({ service: 'bedrock-agentcore', resource: 'evaluator', resourceName: '*' }, stack),
              Arn.format({ service: 'bedrock-agentcore', resource: 'online-evaluation-config', resourceName: '*' }, stack),
            ],
          },
        },
      }),
    });
    // Runtime log groups are `/aws/bedrock-agentcore/runtimes/<runtimeName>-<10-char id>-<endpoint>`; the id is
    // a deploy-time value (often another stack's export), so scope by runtime name.
    const sources = [...new Set(agents.map((a) => `/aws/bedrock-agentcore/runtimes/${Token.isUnresolved(a.runtime.agentRuntimeName) ? '' : `${a.runtime.agentRuntimeName}-`}*`))];
    // DescribeLogGroups, DescribeIndexPolicies and PutIndexPolicy have no resource-level permissions
    // (Service Authorization Reference): a log-group ARN would grant nothing.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'DescribeLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'QueryAgentTraces', actions: ['logs:StartQuery', 'logs:GetQueryResults'], resources: [...sources.flatMap((n) => [logGroup(n), logGroup(`${n}:*`)]), logGroup('aws/spans'), logGroup('aws/spans:*')] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'WriteResults', actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup('/aws/bedrock-agentcore/evaluations/*')] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'SpansIndexPolicy', actions: ['logs:DescribeIndexPolicies', 'logs:PutIndexPolicy'], resources: ['*'] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeJudgeModels',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [`arn:${Aws.PARTITION}:bedrock:*::foundation-model/*`, Arn.format({ service: 'bedrock', resource: 'inference-profile', resourceName: '*', region: '*' }, stack)],
      }),
    );
    // Finding ids as cdk-nag renders them: unresolved region/account become <AWS::Region>/<AWS::AccountId>.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const logArn = (name: string) => `Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:${name}`;
    acknowledgeIamWildcards(
      role,
      [
        'Resource::*',
        ...sources.flatMap((n) => [logArn(n), logArn(`${n}:*`)]),
        logArn('aws/spans:*'),
        logArn('/aws/bedrock-agentcore/evaluations/*'),
        'Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/*',
        `Resource::arn:<AWS::Partition>:bedrock:*:${account}:inference-profile/*`,
      ],
      'Online evaluation lists this account-region log groups and sets the aws/spans index policy (actions without resource-level permissions), reads the log streams of the scored runtime endpoints and aws/spans, writes result log groups the service names per config, and invokes the judge models (cross-region inference profiles) the built-in evaluators choose. ' +
        'Not narrower per environment (Service Authorization Reference): aws/spans is the one Transaction Search log group of the account and region, and logs:StartQuery/GetQueryResults take no condition key; the result groups are named by the service, and logs:CreateLogStream/PutLogEvents take no condition key (CreateLogGroup only aws:RequestTag, which the service sets, not the kit)',
    );
    return role;
  }

  /**
   * The score of one evaluator on one agent endpoint (namespace `Bedrock-AgentCore/Evaluations`,
   * metric name = evaluator id, dimensions `service.name` and `onlineEvaluationConfigId`).
   * Average over an hour by default.
   */
  metricScore(agent: string, endpoint: string, evaluatorId: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    const config = this.configs[agent]?.[endpoint];
    if (!config) {
      new Problems('UnknownEvaluationTarget').add(`metricScore: no online evaluation for agent "${agent}" endpoint "${endpoint}"; configured: ${Object.entries(this.configs).flatMap(([a, eps]) => Object.keys(eps).map((e) => `${a}/${e}`)).join(', ')}`).throwIfAny();
    }
    return new cloudwatch.Metric({
      namespace: EVALUATION_NAMESPACE,
      metricName: evaluatorId,
      dimensionsMap: { [EVALUATION_DIMENSION.serviceName]: this.services[agent][endpoint], [EVALUATION_DIMENSION.configId]: config!.onlineEvaluationConfigId },
      statistic: 'Average',
      period: Duration.hours(1),
      label: `${agent} ${endpoint} ${evaluatorId.replace(/^Builtin\./, '')}`,
      ...options,
    });
  }

  /** Score metrics of the given evaluators on every agent endpoint, labelled, for dashboards and alarms. */
  scoreMetrics(evaluatorIds: readonly string[] = DEFAULT_DRIFT_EVALUATORS): { label: string; metric: cloudwatch.Metric }[] {
    return Object.entries(this.configs).flatMap(([agent, eps]) =>
      Object.keys(eps).flatMap((endpoint) =>
        evaluatorIds.filter((e) => this.evaluatorIds.includes(e)).map((e) => {
          const metric = this.metricScore(agent, endpoint, e);
          return { label: metric.label as string, metric };
        }),
      ),
    );
  }
}
