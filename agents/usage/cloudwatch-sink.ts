/**
 * Publishes invocation usage with CloudWatch `PutMetricData`: one call per invocation, three data
 * points (`InputTokens`, `OutputTokens` as Count, `Latency` in Milliseconds), namespace
 * `AgentCoreKit/Agents`, dimension `agent`. The runtime role may put metrics in that namespace only
 * (lib/runtime/agent-runtime.ts).
 */
import { CloudWatchClient, PutMetricDataCommand, type PutMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { AGENT_DIMENSION, AGENT_METRIC, AGENT_METRICS_NAMESPACE } from '../../lib/observability/metric-names';
import type { InvocationUsage, MetricsSink } from './recorder';

/** Duration of one agent invocation (model and tool calls), milliseconds, dimension `agent`. */
export const AGENT_LATENCY_METRIC = 'Latency';

/** The PutMetricData request of one invocation. */
export function putMetricDataInput(usage: InvocationUsage, namespace: string = AGENT_METRICS_NAMESPACE): PutMetricDataCommandInput {
  const Dimensions = [{ Name: AGENT_DIMENSION, Value: usage.agent }];
  const Timestamp = usage.at;
  return {
    Namespace: namespace,
    MetricData: [
      { MetricName: AGENT_METRIC.inputTokens, Dimensions, Timestamp, Value: usage.inputTokens, Unit: 'Count' },
      { MetricName: AGENT_METRIC.outputTokens, Dimensions, Timestamp, Value: usage.outputTokens, Unit: 'Count' },
      { MetricName: AGENT_LATENCY_METRIC, Dimensions, Timestamp, Value: usage.latencyMs, Unit: 'Milliseconds' },
    ],
  };
}

/** The slice of the CloudWatch client used here. */
export interface PutMetricDataClient {
  send(command: PutMetricDataCommand): Promise<unknown>;
}

export type CloudWatchMetricsSinkOptions =
  | {
      /** Region of the client built here. */
      readonly region: string;
      readonly client?: never;
      /** @default 'AgentCoreKit/Agents' */
      readonly namespace?: string;
    }
  | {
      /** A ready client (tests, or one shared by the process). */
      readonly client: PutMetricDataClient;
      readonly region?: never;
      /** @default 'AgentCoreKit/Agents' */
      readonly namespace?: string;
    };

/** A client that gives up quickly: metrics are not worth a slow retry loop. */
export function metricsClient(region: string): CloudWatchClient {
  return new CloudWatchClient({ region, maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 2500 } });
}

export class CloudWatchMetricsSink implements MetricsSink {
  private readonly client: PutMetricDataClient;
  private readonly namespace: string;

  constructor(options: CloudWatchMetricsSinkOptions) {
    this.client = options.client ?? metricsClient(options.region!);
    this.namespace = options.namespace ?? AGENT_METRICS_NAMESPACE;
  }

  async publish(usage: InvocationUsage): Promise<void> {
    await this.client.send(new PutMetricDataCommand(putMetricDataInput(usage, this.namespace)));
  }
}
