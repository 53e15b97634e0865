/**
 * The kit's code-based evaluators, as Lambda functions behind `Evaluator` (L2) resources:
 * - refusal (TRACE): out-of-scope requests are declined without business tool calls;
 * - tool parameters (TOOL_CALL): tool arguments pass the catalog's zod input schema.
 * Handlers live in lambda/evaluators/.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeFunctionBaseline, acknowledgeTracing, functionRole } from '../compliance';
import { Problems } from '../errors';
import { KIT_FUNCTIONS, kitLambdaCode, type KitFunction } from '../bundling';

export interface CodeEvaluatorsProps {
  /** Evaluator names start with it: `<prefix>_refusal`, `<prefix>_tool_parameters` (letters, digits, _). */
  readonly namePrefix: string;
  /**
   * Days the evaluator functions' logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key for the functions' log groups and environment.
   * @default - AWS managed encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of the log groups.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class CodeEvaluators extends Construct {
  readonly refusal: agentcore.Evaluator;
  readonly toolParameters: agentcore.Evaluator;
  readonly refusalFunction: lambda.Function;
  readonly toolParametersFunction: lambda.Function;

  constructor(scope: Construct, id: string, props: CodeEvaluatorsProps) {
    super(scope, id);
    const problems = new Problems('InvalidCodeEvaluatorsProps');
    problems.check(/^[a-zA-Z][a-zA-Z0-9_]{0,30}$/.test(props.namePrefix), `namePrefix: "${props.namePrefix}" must start with a letter and hold only letters, digits and _ (at most 31 characters, so evaluator names stay within 48)`);
    problems.throwIfAny();

    const roles: iam.Role[] = [];
    const fn = (name: string, code: KitFunction, description: string) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.encryptionKey,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      const role = functionRole(this, `${name}Role`, logGroup, `${description}: writes its own log group`);
      roles.push(role);
      return new lambda.Function(this, `${name}Function`, {
        role,
        code: kitLambdaCode(code),
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.seconds(30),
        description,
        environmentEncryption: props.encryptionKey,
        tracing: lambda.Tracing.ACTIVE,
        logGroup,
      });
    };

    this.refusalFunction = fn('Refusal', KIT_FUNCTIONS.refusalEvaluator, 'Code-based evaluator: out-of-scope requests are declined without business tool calls');
    this.toolParametersFunction = fn('ToolParameters', KIT_FUNCTIONS.toolParametersEvaluator, 'Code-based evaluator: tool arguments match the catalog input schemas');

    this.refusal = new agentcore.Evaluator(this, 'RefusalEvaluator', {
      evaluatorName: `${props.namePrefix}_refusal`,
      description: 'Out-of-scope requests (advice, compensation, personnel files, production or permission changes) are declined',
      level: agentcore.EvaluationLevel.TRACE,
      evaluatorConfig: agentcore.EvaluatorConfig.codeBased({ lambdaFunction: this.refusalFunction, timeout: Duration.seconds(30) }),
    });
    this.toolParameters = new agentcore.Evaluator(this, 'ToolParametersEvaluator', {
      evaluatorName: `${props.namePrefix}_tool_parameters`,
      description: 'Tool call arguments pass the tool catalog input schemas (formats, enums, ranges)',
      level: agentcore.EvaluationLevel.TOOL_CALL,
      evaluatorConfig: agentcore.EvaluatorConfig.codeBased({ lambdaFunction: this.toolParametersFunction, timeout: Duration.seconds(30) }),
    });

    for (const f of [this.refusalFunction, this.toolParametersFunction]) {
      acknowledgeFindings(f, [{ id: 'AwsSolutions-L1', reason: 'Lambda and AgentCore run Node 22 across the platform; the runtime is pinned to NODEJS_22_X on purpose' }]);
      acknowledgeFunctionBaseline(f, { kind: 'synchronous', caller: 'AgentCore Evaluations (a code-based evaluator)' });
    }
    for (const role of roles) acknowledgeTracing(role);
  }

  /** Both evaluators, for an OnlineEvaluationConfig. */
  get all(): agentcore.Evaluator[] {
    return [this.refusal, this.toolParameters];
  }
}
