/**
 * The narrow interfaces release code uses to reach AWS, and their SDK-backed implementations.
 * Tests swap the control plane, alarms, notifier and parameter store for fakes (they cannot run
 * locally); the state store runs against a real DynamoDB-compatible server.
 */
import {
  BedrockAgentCoreControlClient,
  GetAgentRuntimeEndpointCommand,
  GetGatewayRuleCommand,
  UpdateAgentRuntimeEndpointCommand,
  UpdateGatewayRuleCommand,
  type Action,
  type Condition,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/** A gateway rule as the release code needs it. */
export interface RuleSnapshot {
  readonly ruleId: string;
  readonly priority: number;
  readonly actions: Action[];
  readonly conditions?: Condition[];
  readonly description?: string;
  readonly status?: string;
}

/** A runtime endpoint: `liveVersion` serves traffic; `targetVersion` is set while an update is under way. */
export interface EndpointSnapshot {
  readonly name: string;
  readonly liveVersion?: string;
  readonly targetVersion?: string;
  readonly status: string;
}

/** The AgentCore control-plane calls a release makes, and nothing else. */
export interface ReleaseControlPlane {
  getRule(gatewayId: string, ruleId: string): Promise<RuleSnapshot>;
  /** Replace the rule's actions in one call, keeping its priority, conditions and description. */
  updateRuleActions(gatewayId: string, rule: RuleSnapshot, actions: Action[]): Promise<void>;
  getEndpoint(runtimeId: string, endpointName: string): Promise<EndpointSnapshot>;
  /** Point an endpoint at one runtime version. */
  pinEndpoint(runtimeId: string, endpointName: string, version: string): Promise<void>;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export interface AlarmState {
  readonly name: string;
  readonly state: AlarmStateValue;
  readonly reason?: string;
  /** Metric alarms: period of the metric (the longest, for metric math) and datapoints to alarm. */
  readonly periodSeconds?: number;
  readonly datapointsToAlarm?: number;
}
export interface AlarmReader {
  /** Current state of each named alarm (metric or composite); unknown names are left out. */
  states(names: readonly string[]): Promise<AlarmState[]>;
}

/** One CloudWatch metric, by namespace, name and dimensions. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}

export interface MetricReader {
  /** Average and number of samples of a metric between two times; `average` is undefined with no samples. */
  average(metric: MetricRef, from: Date, to: Date): Promise<{ average?: number; samples: number }>;
}

export interface Notifier {
  publish(subject: string, message: string): Promise<void>;
}

/** The live-version parameter: written by promotions and rollbacks, read to repair a write that was lost. */
export interface ParameterWriter {
  put(name: string, value: string): Promise<void>;
  /** The value, or undefined when the parameter does not exist. */
  get(name: string): Promise<string | undefined>;
}

/** Control plane over the AWS SDK. */
export function sdkControlPlane(client: BedrockAgentCoreControlClient): ReleaseControlPlane {
  return {
    async getRule(gatewayId, ruleId) {
      const r = await client.send(new GetGatewayRuleCommand({ gatewayIdentifier: gatewayId, ruleId }));
      return {
        ruleId: r.ruleId ?? ruleId,
        priority: r.priority ?? 0,
        actions: r.actions ?? [],
        conditions: r.conditions,
        description: r.description,
        status: r.status,
      };
    },
    async updateRuleActions(gatewayId, rule, actions) {
      await client.send(
        new UpdateGatewayRuleCommand({
          gatewayIdentifier: gatewayId,
          ruleId: rule.ruleId,
          priority: rule.priority,
          conditions: rule.conditions,
          description: rule.description,
          actions,
        }),
      );
    },
    async getEndpoint(runtimeId, endpointName) {
      const e = await client.send(new GetAgentRuntimeEndpointCommand({ agentRuntimeId: runtimeId, endpointName }));
      return { name: e.name ?? endpointName, liveVersion: e.liveVersion, targetVersion: e.targetVersion, status: e.status ?? 'UNKNOWN' };
    },
    async pinEndpoint(runtimeId, endpointName, version) {
      await client.send(new UpdateAgentRuntimeEndpointCommand({ agentRuntimeId: runtimeId, endpointName, agentRuntimeVersion: version }));
    },
  };
}

export function cloudWatchAlarms(client: CloudWatchClient): AlarmReader {
  return {
    async states(names) {
      if (names.length === 0) return [];
      const out: AlarmState[] = [];
      // DescribeAlarms takes at most 100 names per call.
      for (let i = 0; i < names.length; i += 100) {
        const r = await client.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
        for (const a of r.MetricAlarms ?? []) {
          const period = a.Period ?? Math.max(0, ...(a.Metrics ?? []).map((m) => m.MetricStat?.Period ?? m.Period ?? 0));
          out.push({ name: a.AlarmName ?? '?', state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue, reason: a.StateReason, periodSeconds: period || undefined, datapointsToAlarm: a.DatapointsToAlarm ?? a.EvaluationPeriods });
        }
        for (const a of r.CompositeAlarms ?? []) {
          out.push({ name: a.AlarmName ?? '?', state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue, reason: a.StateReason });
        }
      }
      return out;
    },
  };
}

export function cloudWatchMetrics(client: CloudWatchClient): MetricReader {
  return {
    async average(metric, from, to) {
      const period = Math.max(60, Math.ceil((to.getTime() - from.getTime()) / 60_000) * 60);
      const stat = (id: string, Stat: string) => ({
        Id: id,
        MetricStat: { Metric: { Namespace: metric.namespace, MetricName: metric.metricName, Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })) }, Period: period, Stat },
      });
      const r = await client.send(new GetMetricDataCommand({ StartTime: from, EndTime: to, MetricDataQueries: [stat('avg', 'Average'), stat('n', 'SampleCount')] }));
      const values = (id: string) => r.MetricDataResults?.find((m) => m.Id === id)?.Values ?? [];
      const samples = values('n').reduce((a, b) => a + b, 0);
      return { average: samples > 0 ? values('avg')[0] : undefined, samples };
    },
  };
}

export function snsNotifier(client: SNSClient, topicArn: string | undefined): Notifier {
  return {
    async publish(subject, message) {
      if (!topicArn) return;
      // SNS subjects: ASCII, at most 100 characters.
      await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.replace(/[^\x20-\x7e]/g, '-').slice(0, 100), Message: message }));
    },
  };
}

export function ssmParameters(client: SSMClient): ParameterWriter {
  return {
    async put(name, value) {
      await client.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
    },
    async get(name) {
      try {
        return (await client.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
      } catch (e) {
        if (e instanceof ParameterNotFound || (e as Error).name === 'ParameterNotFound') return undefined;
        throw e;
      }
    },
  };
}

/** SDK client settings for release code: adaptive retries on top of the explicit ones, short timeouts. */
export const SDK_CLIENT_DEFAULTS = { maxAttempts: 4, retryMode: 'adaptive' } as const;
