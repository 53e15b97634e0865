/**
 * The evaluation span collector: keeps spans only of watched sessions (and users), within its
 * bounds, and hands them over once. Real OpenTelemetry spans from a real tracer provider.
 */
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { EvaluationSpanCollector, evaluationSpanCollector, setupAgentTelemetry } from '../../../agents/telemetry';

function tracing(collector: EvaluationSpanCollector) {
  const provider = new BasicTracerProvider({ spanProcessors: [collector] });
  const tracer = provider.getTracer('test');
  /** End one span of `session` (and `user`). */
  const span = (name: string, session: string, user = 'u1') => tracer.startSpan(name, { attributes: { 'session.id': session, 'user.id': user } }).end();
  return { provider, span };
}

describe('EvaluationSpanCollector', () => {
  test('keeps nothing for sessions nobody watches', () => {
    const collector = new EvaluationSpanCollector();
    const { span } = tracing(collector);
    for (let i = 0; i < 50; i++) span(`chat ${i}`, `s${i}`);
    expect(collector.size).toBe(0);
    expect(collector.keptSpans).toBe(0);
  });

  test("keeps the watched session's spans of that user only, hands them over once as records in start order", () => {
    const collector = new EvaluationSpanCollector();
    const { span } = tracing(collector);
    span('before the watch', 's1');
    const watch = collector.watch('s1', 'u1');
    span('invoke_agent hr', 's1');
    span('same session, other user', 's1', 'u2');
    span('other session', 's2');
    span('execute_tool hr___checkVacationBalance', 's1');
    expect(collector.keptSpans).toBe(2);

    const records = watch.collect();
    expect(records.map((r) => r.name)).toEqual(['invoke_agent hr', 'execute_tool hr___checkVacationBalance']);
    expect(records[0]).toMatchObject({ attributes: { 'session.id': 's1', 'user.id': 'u1' }, kind: 'INTERNAL', status: { code: 'UNSET' } });
    expect(records[0].spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(records[0].startTimeUnixNano).toBeLessThanOrEqual(records[1].startTimeUnixNano);
    expect(collector.size).toBe(0);
    span('after the collection', 's1');
    expect(collector.keptSpans).toBe(0);
    expect(watch.collect()).toEqual([]);
  });

  test('without a user, every span of the session; two watches of one session each get the spans', () => {
    const collector = new EvaluationSpanCollector();
    const { span } = tracing(collector);
    const outer = collector.watch('s1');
    span('a', 's1', 'u1');
    const inner = collector.watch('s1', 'u2');
    span('b', 's1', 'u2');
    expect(inner.collect().map((r) => r.name)).toEqual(['b']);
    span('c', 's1', 'u3');
    expect(outer.collect().map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  test('caps the spans per session: later ones are dropped and counted', () => {
    const collector = new EvaluationSpanCollector({ maxSpansPerSession: 3 });
    const { span } = tracing(collector);
    const watch = collector.watch('s1', 'u1');
    for (let i = 0; i < 5; i++) span(`span ${i}`, 's1');
    expect(collector.keptSpans).toBe(3);
    expect(watch.dropped).toBe(2);
    expect(watch.collect().map((r) => r.name)).toEqual(['span 0', 'span 1', 'span 2']);
  });

  test('caps the sessions watched: the oldest watch is dropped with its spans', () => {
    const collector = new EvaluationSpanCollector({ maxSessions: 2 });
    const { span } = tracing(collector);
    const a = collector.watch('a', 'u1');
    span('a1', 'a');
    const b = collector.watch('b', 'u1');
    const c = collector.watch('c', 'u1');
    expect(collector.size).toBe(2);
    span('a2', 'a');
    span('b1', 'b');
    span('c1', 'c');
    expect(collector.keptSpans).toBe(2);
    expect(a.dropped).toBe(1);
    expect(a.collect()).toEqual([]);
    expect(b.collect().map((r) => r.name)).toEqual(['b1']);
    expect(c.collect().map((r) => r.name)).toEqual(['c1']);
  });

  test('a watch never collected is dropped after the timeout', () => {
    let now = 1_000;
    const collector = new EvaluationSpanCollector({ ttlMillis: 60_000 }, () => now);
    const { span } = tracing(collector);
    const abandoned = collector.watch('s1', 'u1');
    span('kept', 's1');
    now += 59_999;
    expect(collector.size).toBe(1);
    now += 1;
    span('late', 's1');
    expect(collector.size).toBe(0);
    expect(collector.keptSpans).toBe(0);
    expect(abandoned.dropped).toBe(1); // the kept span, freed; the late one was never kept
    expect(abandoned.collect()).toEqual([]);
  });

  test('shutdown drops every watch', async () => {
    const collector = new EvaluationSpanCollector();
    const { provider, span } = tracing(collector);
    const watch = collector.watch('s1');
    span('x', 's1');
    await provider.shutdown();
    expect(collector.size).toBe(0);
    expect(watch.collect()).toEqual([]);
  });

  test('limits must be positive whole numbers, named in the error', () => {
    expect(() => new EvaluationSpanCollector({ maxSessions: 0 })).toThrow('evaluation spans: maxSessions must be a positive integer, got 0');
    expect(() => new EvaluationSpanCollector({ maxSpansPerSession: 2.5 })).toThrow('evaluation spans: maxSpansPerSession must be a positive integer, got 2.5');
    expect(() => new EvaluationSpanCollector({ ttlMillis: -1 })).toThrow('evaluation spans: ttlMillis must be a positive integer, got -1');
  });
});

describe('setupAgentTelemetry and the evaluation span collector', () => {
  const quiet = { flushOnExit: false, log: () => undefined } as const;

  test('tracing off: no collector', async () => {
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: {}, ...quiet });
    expect(telemetry.enabled).toBe(false);
    expect(telemetry.evaluationSpans).toBeUndefined();
    expect(evaluationSpanCollector()).toBeUndefined();
  });

  test('tracing on: the registered provider feeds the collector (with the configured limits) and the exporter; shutdown unregisters it', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: {}, exporter, evaluationSpans: { maxSpansPerSession: 1 }, ...quiet });
    try {
      const collector = evaluationSpanCollector()!;
      expect(collector).toBe(telemetry.evaluationSpans);
      expect(collector.maxSpansPerSession).toBe(1);
      const watch = collector.watch('s1');
      for (const name of ['one', 'two']) trace.getTracer('t').startSpan(name, { attributes: { 'session.id': 's1' } }).end();
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['one', 'two']);
      expect(watch.collect().map((r) => r.name)).toEqual(['one']);
    } finally {
      await telemetry.shutdown();
    }
    expect(evaluationSpanCollector()).toBeUndefined();
  });

  test('AGENTCORE_KIT_EVALUATION_SPANS=off (prod): tracing stays on, but no span is ever kept for a reply', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: { AGENTCORE_KIT_EVALUATION_SPANS: 'off' }, exporter, ...quiet });
    try {
      expect(telemetry.enabled).toBe(true);
      expect(telemetry.evaluationSpans).toBeUndefined();
      expect(evaluationSpanCollector()).toBeUndefined();
      trace.getTracer('t').startSpan('exported', { attributes: { 'session.id': 's1' } }).end();
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['exported']);
    } finally {
      await telemetry.shutdown();
    }
  });
});
