/**
 * The CloudWatch sink with the real SDK client against a loopback endpoint that speaks the
 * CloudWatch wire protocol (AWS JSON 1.0): what goes over the wire is what the dashboards read.
 */
import * as http from 'node:http';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { CloudWatchMetricsSink, UsageRecorder, type InvocationUsage } from '../../../agents/usage';
import { listen, type RunningServer } from '../../../agents/shared/http';
import { AgentMetrics } from '../../../lib/observability/agent-metrics';

interface Received {
  readonly target: string | undefined;
  readonly body: { Namespace: string; MetricData: { MetricName: string; Dimensions: { Name: string; Value: string }[]; Value: number; Unit: string; Timestamp: number }[] };
}

describe('CloudWatch metrics sink', () => {
  const received: Received[] = [];
  let fail = false;
  let server: RunningServer;
  let sink: CloudWatchMetricsSink;

  beforeAll(async () => {
    server = await listen(
      http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ target: req.headers['x-amz-target'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          res.writeHead(fail ? 500 : 200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(fail ? JSON.stringify({ __type: 'InternalServiceFault', message: 'metrics backend unavailable' }) : '{}');
        });
      }),
      0,
      '127.0.0.1',
    );
    const client = new CloudWatchClient({ region: 'eu-west-1', endpoint: server.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    sink = new CloudWatchMetricsSink({ client });
  });

  afterAll(async () => {
    await server?.close();
  });

  const usage: InvocationUsage = { agent: 'financial', inputTokens: 2490, outputTokens: 47, latencyMs: 812, at: new Date('2026-11-26T09:00:00Z') };

  test('one PutMetricData per invocation: input and output tokens (Count) and latency (ms), dimension agent', async () => {
    received.length = 0;
    await sink.publish(usage);

    expect(received).toHaveLength(1);
    expect(received[0].target).toBe('GraniteServiceVersion20100801.PutMetricData');
    const dims = [{ Name: 'agent', Value: 'financial' }];
    const at = Date.parse('2026-11-26T09:00:00Z') / 1000;
    expect(received[0].body).toEqual({
      Namespace: 'AgentCoreKit/Agents',
      MetricData: [
        { MetricName: 'InputTokens', Dimensions: dims, Timestamp: at, Value: 2490, Unit: 'Count' },
        { MetricName: 'OutputTokens', Dimensions: dims, Timestamp: at, Value: 47, Unit: 'Count' },
        { MetricName: 'Latency', Dimensions: dims, Timestamp: at, Value: 812, Unit: 'Milliseconds' },
      ],
    });
  });

  test('namespace, metric names and dimension are exactly what the dashboards graph', async () => {
    received.length = 0;
    await sink.publish(usage);
    const dashboards = new AgentMetrics({ name: 'financial', runtime: {} as agentcore.IBedrockAgentRuntime, prices: { inputPricePer1k: 0.003, outputPricePer1k: 0.015 } });
    const published = received[0].body;
    for (const metric of [dashboards.inputTokens(), dashboards.outputTokens()]) {
      const datum = published.MetricData.find((d) => d.MetricName === metric.metricName);
      expect({ namespace: published.Namespace, dimensions: datum?.Dimensions }).toEqual({
        namespace: metric.namespace,
        dimensions: Object.entries(metric.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
      });
    }
  });

  test('a CloudWatch error rejects the publish; through the recorder it is logged and the caller is unaffected', async () => {
    fail = true;
    try {
      await expect(sink.publish(usage)).rejects.toThrow('metrics backend unavailable');
      const logs: unknown[] = [];
      const recorder = new UsageRecorder(sink, { log: (e) => logs.push(e) });
      expect(recorder.record(usage)).toBeUndefined();
      await recorder.flush();
      expect(logs).toEqual([expect.objectContaining({ level: 'error', agent: 'financial', error: 'metrics backend unavailable' })]);
    } finally {
      fail = false;
    }
  });
});
