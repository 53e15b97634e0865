import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { gatewayToolName, type ToolDefinition } from '../../catalog/tool';
import { TABLES, type TableKey } from '../../lambda/shared/tables';
import { SUCCESS_OUTCOME, TOOL_INVOCATION_METRIC, TOOL_METRICS_NAMESPACE, toolServiceName } from '../../lambda/shared/telemetry';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { acknowledgeTracing, functionRole } from '../compliance/function-role';
import { acknowledgeFunctionBaseline } from '../compliance/packs';
import { Problems } from '../errors';
import { DEFAULT_LOG_RETENTION, DEFAULT_MEMORY_MB, DEFAULT_REMOVAL_POLICY, DEFAULT_TIMEOUT, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, LIVE_ALIAS, TOOL_ARCHITECTURE, TOOL_RUNTIME, toolCodeBundling } from './defaults';
import { kitLambdaCode, kitToolFunction, lambdaCodeFromEntry } from '../bundling';
import { PowertoolsSource } from './powertools';

/** Powertools log levels. */
export type ToolLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Function settings shared by every tool group of a catalog. */
export interface ToolFunctionOptions {
  /**
   * Memory of the function in MB (128–10240).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Function timeout (1 s – 15 min). Keep it below the gateway's own timeout.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Powertools log level.
   * @default 'INFO'
   */
  readonly logLevel?: ToolLogLevel;
  /**
   * Lambda active X-Ray tracing: a trace segment per invocation, and the trace id on every log line.
   * The kit's entries do not load the Powertools Tracer / X-Ray SDK (≈ 115 KB and ≈ 30 ms of cold
   * start); an `entry` of your own may, and gets the Powertools tracer settings below.
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * CloudWatch namespace of the per-tool metric.
   * @default 'AgentCoreKit/Tools'
   */
  readonly metricsNamespace?: string;
  /**
   * Where Powertools for AWS Lambda comes from. `PowertoolsSource.layerFromSsm()` keeps Powertools
   * out of the bundle (≈ 110 KB → ≈ 35 KB) but loads it as many small files, which measured slower
   * at init (see bench/tools.ts); bundling is the default for the faster cold start.
   * @default PowertoolsSource.bundled()
   */
  readonly powertools?: PowertoolsSource;
}

export interface ToolGroupProps extends ToolFunctionOptions {
  /** Gateway target name, e.g. `hr`: lower-case letters, digits and dashes. */
  readonly target: string;
  /** The definitions this function serves (all with `target` as their target). */
  readonly tools: readonly ToolDefinition[];
  /** Tables the function uses, by logical name (lambda/shared/tables.ts). */
  readonly tables: Readonly<Partial<Record<TableKey, dynamodb.ITable>>>;
  /** Exactly the DynamoDB actions the function gets on each of its tables (see `TARGET_TABLE_ACCESS`). */
  readonly access: Readonly<Partial<Record<TableKey, readonly string[]>>>;
  /**
   * Handler entry file (absolute path), bundled at synth with the app's esbuild (`npm install --save-dev esbuild`).
   * @default - the kit's function of a reference target (lambda/tools/<target>), pre-bundled in the package
   */
  readonly entry?: string;
  /**
   * Key the function's log group is encrypted with. Its key policy must let CloudWatch Logs use it
   * ({@link ToolCatalog} adds that statement to a key it can change).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
}

const TARGET_NAME = /^[a-z][a-z0-9-]{0,47}$/;

/**
 * One gateway Lambda target: a Node 22 function serving several tools, its `live` alias on a
 * published version, a log group with retention, and a role allowed exactly the table actions the
 * target needs (idempotency records only under `<target>.*`).
 *
 * Register it on a gateway with `ToolGateway` (lib/gateway), which also puts the alias' resource
 * permission in place before the target is created.
 */
export class ToolGroup extends Construct {
  readonly target: string;
  readonly tools: readonly ToolDefinition[];
  readonly function: lambda.Function;
  /** The alias the gateway invokes; put canary deployments on it. */
  readonly alias: lambda.Alias;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: ToolGroupProps) {
    super(scope, id);
    const memorySize = props.memorySize ?? DEFAULT_MEMORY_MB;
    const timeout = props.timeout ?? DEFAULT_TIMEOUT;
    const tracing = props.tracing ?? true;
    this.namespace = props.metricsNamespace ?? TOOL_METRICS_NAMESPACE;

    const problems = new Problems('InvalidToolGroup');
    problems.check(TARGET_NAME.test(props.target), `target: expected lower-case letters, digits and dashes (1–48, starting with a letter), got ${JSON.stringify(props.target)}`);
    problems.check(props.tools.length > 0, `tools: expected at least one tool definition for target ${props.target}`);
    for (const t of props.tools) problems.check(t.target === props.target, `tools: ${t.name} belongs to target ${t.target}, not ${props.target}`);
    if (!Token.isUnresolved(memorySize)) problems.check(memorySize >= 128 && memorySize <= 10240, `memorySize: expected 128–10240 MB, got ${memorySize}`);
    if (!timeout.isUnresolved()) problems.check(timeout.toSeconds() >= 1 && timeout.toSeconds() <= 900, `timeout: expected 1–900 seconds, got ${timeout.toSeconds()}`);
    for (const key of Object.keys(props.access) as TableKey[]) {
      problems.check(!!props.tables[key], `tables.${key}: the ${props.target} function needs the ${key} table (access lists it) but none was given`);
    }
    problems.throwIfAny();
    this.target = props.target;
    this.tools = props.tools;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: props.logRemovalPolicy ?? DEFAULT_REMOVAL_POLICY,
      encryptionKey: props.logEncryptionKey,
    });

    this.role = functionRole(this, 'Role', this.logGroup, `Tool function of gateway target ${props.target}: its own tables and log group only`);
    this.grantTables(props);

    const powertoolsLayer = (props.powertools ?? PowertoolsSource.bundled()).bind(this);
    const tableEnv = Object.fromEntries(
      (Object.keys(props.access) as TableKey[]).map((key) => [TABLES[key].envVar, props.tables[key]!.tableName]),
    );
    const bundling = toolCodeBundling(!!powertoolsLayer);
    this.function = new lambda.Function(this, 'Function', {
      code: props.entry ? lambdaCodeFromEntry(props.entry, bundling) : kitLambdaCode(kitToolFunction(props.target, !!powertoolsLayer)),
      handler: 'index.handler',
      runtime: TOOL_RUNTIME,
      architecture: TOOL_ARCHITECTURE,
      memorySize,
      timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      layers: powertoolsLayer ? [powertoolsLayer] : undefined,
      description: listTools(`Tools of gateway target ${props.target}: `, props.tools, 256),
      environment: {
        ...tableEnv,
        POWERTOOLS_SERVICE_NAME: toolServiceName(props.target),
        POWERTOOLS_METRICS_NAMESPACE: this.namespace,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        // Read by the Powertools Tracer of a custom entry; tool results can carry personal data: keep them out of traces.
        POWERTOOLS_TRACE_ENABLED: String(tracing),
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      },
    });
    this.alias = new lambda.Alias(this, 'Live', { aliasName: LIVE_ALIAS, version: this.function.currentVersion });

    if (tracing) acknowledgeTracing(this.role);
    acknowledgeFindings(this.function, [
      { id: 'AwsSolutions-L1', reason: 'Tool functions are pinned to Node.js 22, the runtime the platform standardises on and tests against.' },
    ]);
    acknowledgeFunctionBaseline(this.function, { kind: 'synchronous', caller: 'the AgentCore Gateway (a Lambda tool target, through its live alias)' });
  }

  /** Gateway names of the tools (`<target>___<tool>`): the Cedar action ids. */
  get gatewayToolNames(): string[] {
    return this.tools.map(gatewayToolName);
  }

  /** Lambda errors of the live alias (crashes and timeouts; tool failures are results, see {@link metricToolFailures}). */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricErrors(props);
  }

  /** Throttles of the live alias. */
  metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricThrottles(props);
  }

  /** Duration of the live alias. @default statistic p95 here, unlike the Lambda default */
  metricDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricDuration({ statistic: 'p95', ...props });
  }

  /** Invocations of the live alias. */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricInvocations(props);
  }

  /** The per-tool metric the handler emits: invocations of `tool` with `outcome` (SUCCESS or an error code). */
  metricToolInvocations(tool: string, outcome: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: TOOL_INVOCATION_METRIC,
      dimensionsMap: { service: toolServiceName(this.target), tool, outcome },
      statistic: 'Sum',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Server-side tool failures of every tool of the group: SERVICE_UNAVAILABLE plus INTERNAL_ERROR
   * results. Alarmable (a math expression over at most 10 metrics per group).
   */
  metricToolFailures(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    this.tools.forEach((t, i) => {
      usingMetrics[`u${i}`] = this.metricToolInvocations(t.name, 'SERVICE_UNAVAILABLE');
      usingMetrics[`i${i}`] = this.metricToolInvocations(t.name, 'INTERNAL_ERROR');
    });
    return new cloudwatch.MathExpression({
      expression: Object.keys(usingMetrics).map((k) => `FILL(${k}, 0)`).join(' + '),
      usingMetrics,
      label: `${this.target} tool failures`,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** Successful invocations of one tool. */
  metricToolSuccesses(tool: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricToolInvocations(tool, SUCCESS_OUTCOME, props);
  }

  private grantTables(props: ToolGroupProps): void {
    for (const [key, actions] of Object.entries(props.access) as [TableKey, readonly string[]][]) {
      const table = props.tables[key]!;
      const writes = actions.some((a) => !['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'].includes(a));
      const statement = new iam.PolicyStatement({ actions: [...actions], resources: [table.tableArn] });
      if (key === 'idempotency') {
        // Powertools keys are `<target>.<tool>#<hash>`: a target may only touch its own records.
        statement.addCondition('ForAllValues:StringLike', { 'dynamodb:LeadingKeys': [`${props.target}.*`] });
      }
      this.role.addToPrincipalPolicy(statement);
      table.encryptionKey?.grant(this.role, ...(writes ? KEY_WRITE_ACTIONS : KEY_READ_ACTIONS));
    }
  }
}

/** `prefix` and the tool names, cut to `max` characters (Lambda and gateway description limits) with a count of the rest. */
export function listTools(prefix: string, tools: readonly ToolDefinition[], max: number): string {
  const names = tools.map((t) => t.name);
  for (let shown = names.length; shown > 0; shown--) {
    const rest = names.length - shown;
    const text = `${prefix}${names.slice(0, shown).join(', ')}${rest ? ` and ${rest} more` : ''}`;
    if (text.length <= max) return text;
  }
  return `${prefix}${names.length} tools`.slice(0, max);
}
