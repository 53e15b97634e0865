/**
 * Log and trace delivery for AgentCore resources: APPLICATION_LOGS (and USAGE_LOGS for runtimes)
 * to a KMS-encrypted log group with retention, TRACES to X-Ray — the CloudWatch Logs vended-log
 * deliveries (`AWS::Logs::DeliverySource` / `DeliveryDestination` / `Delivery`).
 *
 * Built on the L2's own delivery helpers (`configureLoggingDelivery`, `configureTracingDelivery`,
 * `LoggingDestination.cloudWatchLogs`), which also add the delivery resource policies. Runtimes
 * can instead take {@link TelemetryDelivery.runtimeProps} in their `Runtime` props; gateways and
 * memories have no such props, so {@link TelemetryDelivery.addGateway} / `addMemory` wire them.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Problems } from '../errors';

/** Retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = new Set<number>(Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'));

export interface TelemetryDeliveryProps {
  /** Prefix of the log group names: `/aws/vendedlogs/bedrock-agentcore/<prefix>/<kind>/<name>`. */
  readonly logGroupPrefix: string;
  /** Days logs are kept (a CloudWatch Logs retention value, e.g. 14, 90, 365). */
  readonly retentionDays: number;
  /**
   * Key that encrypts the log groups. The construct adds the key-policy statement CloudWatch Logs needs.
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to log groups (and a created key) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Deliver traces to X-Ray (Transaction Search then indexes them as spans).
   * @default true
   */
  readonly traces?: boolean;
}

export class TelemetryDelivery extends Construct {
  readonly encryptionKey: kms.IKey;
  /** Every log group this construct created, by `<kind>/<name>`. */
  readonly logGroups: Record<string, logs.LogGroup> = {};
  private readonly props: TelemetryDeliveryProps;

  constructor(scope: Construct, id: string, props: TelemetryDeliveryProps) {
    super(scope, id);
    const problems = new Problems('InvalidTelemetryDeliveryProps');
    problems.check(
      RETENTION_DAYS.has(props.retentionDays),
      `retentionDays: ${props.retentionDays} is not a CloudWatch Logs retention period; expected one of ${[...RETENTION_DAYS].filter((d) => d > 0).sort((a, b) => a - b).join(', ')}`,
    );
    problems.check(/^[A-Za-z0-9_/.-]{1,100}$/.test(props.logGroupPrefix), `logGroupPrefix: "${props.logGroupPrefix}" may only contain letters, digits, _ - / . (1–100 characters)`);
    problems.throwIfAny();
    this.props = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ?? new kms.Key(this, 'Key', { enableKeyRotation: true, description: `Encrypts AgentCore logs under ${props.logGroupPrefix}`, removalPolicy });
    const stack = Stack.of(this);
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsAgentCore',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/vendedlogs/bedrock-agentcore/${props.logGroupPrefix}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
  }

  /** The log group for one resource (created once). */
  logGroup(kind: 'runtime' | 'gateway' | 'memory', name: string): logs.LogGroup {
    const key = `${kind}/${name}`;
    const existing = this.logGroups[key];
    if (existing) return existing;
    const group = new logs.LogGroup(this, `${kind}-${name}-Logs`, {
      logGroupName: `/aws/vendedlogs/bedrock-agentcore/${this.props.logGroupPrefix}/${key}`,
      retention: this.props.retentionDays as logs.RetentionDays,
      encryptionKey: this.encryptionKey,
      removalPolicy: this.props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.logGroups[key] = group;
    return group;
  }

  /**
   * `tracingEnabled` + `loggingConfigs` for a `Runtime`'s props: application and usage logs to the
   * runtime's log group, traces to X-Ray.
   */
  runtimeProps(name: string): Pick<agentcore.RuntimeProps, 'tracingEnabled' | 'loggingConfigs'> {
    const destination = agentcore.LoggingDestination.cloudWatchLogs(this.logGroup('runtime', name));
    return {
      tracingEnabled: this.props.traces ?? true,
      loggingConfigs: [
        { logType: agentcore.LogType.APPLICATION_LOGS, destination },
        { logType: agentcore.LogType.USAGE_LOGS, destination },
      ],
    };
  }

  /** Deliveries for a runtime created without {@link runtimeProps} (e.g. imported). */
  addRuntime(name: string, runtime: agentcore.IBedrockAgentRuntime): void {
    this.addSource('runtime', name, runtime.agentRuntimeArn, [agentcore.LogType.APPLICATION_LOGS, agentcore.LogType.USAGE_LOGS]);
  }

  /** Application logs and traces of a gateway (an L2 gateway, or any with an ARN such as a `CfnGateway`'s). */
  addGateway(name: string, gateway: Pick<agentcore.IGateway, 'gatewayArn'>): void {
    this.addSource('gateway', name, gateway.gatewayArn, [agentcore.LogType.APPLICATION_LOGS]);
  }

  /** Application logs and traces of a memory. */
  addMemory(name: string, memory: agentcore.IMemory): void {
    this.addSource('memory', name, memory.memoryArn, [agentcore.LogType.APPLICATION_LOGS]);
  }

  private addSource(kind: 'runtime' | 'gateway' | 'memory', name: string, arn: string, logTypes: readonly agentcore.LogType[]): void {
    const scope = new Construct(this, `${kind}-${name}-Delivery`);
    const destination = agentcore.LoggingDestination.cloudWatchLogs(this.logGroup(kind, name));
    agentcore.configureLoggingDelivery(
      scope,
      arn,
      logTypes.map((logType) => ({ logType, destination })),
    );
    if (this.props.traces ?? true) agentcore.configureTracingDelivery(scope, arn);
  }
}
