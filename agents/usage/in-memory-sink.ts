import type { InvocationUsage, MetricsSink } from './recorder';

/** Keeps what it is given: local runs and tests. */
export class InMemoryMetricsSink implements MetricsSink {
  readonly published: InvocationUsage[] = [];

  async publish(usage: InvocationUsage): Promise<void> {
    this.published.push(usage);
  }

  /** What was published for one agent, in order. */
  of(agent: string): InvocationUsage[] {
    return this.published.filter((u) => u.agent === agent);
  }
}
