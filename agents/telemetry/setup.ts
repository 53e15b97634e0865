/**
 * OpenTelemetry for one agent process. Strands creates its GenAI spans (`invoke_agent <name>`,
 * `chat`, `execute_tool <tool>`) through the global OpenTelemetry API; this registers the provider
 * they reach: a `NodeTracerProvider` (async context, W3C trace-context propagation), the request
 * attributes processor, and a batch processor per exporter the environment selects (see
 * {@link tracingPlan}).
 *
 * ```ts
 * await setupAgentTelemetry({ serviceName: 'hr' });   // first thing in an agent entry point
 * ```
 */
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { evaluationSpansAllowed, resourceAttributes, tracingPlan, type ExporterPlan, type TelemetryEnv } from './config';
import { backendFromSecret, readSecretString, type SecretReader } from './otlp-secret';
import { OtlpSpanExporter } from './otlp-span-exporter';
import { EvaluationSpanCollector, registerEvaluationSpanCollector, type EvaluationSpanLimits } from './evaluation-spans';
import { RequestAttributesSpanProcessor } from './request-context';

export interface AgentTelemetryOptions {
  /** `service.name` when the environment names none (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES): the agent id. */
  readonly serviceName: string;
  /** @default process.env */
  readonly env?: TelemetryEnv;
  /**
   * Export to this exporter (e.g. an `InMemorySpanExporter` in tests) instead of the ones the
   * environment selects; the off switches still apply. Spans are handed over as each one ends.
   * @default - from the environment
   */
  readonly exporter?: SpanExporter;
  /**
   * Reads the OTLP export secret (`OTLP_EXPORT_SECRET_ARN`).
   * @default - Secrets Manager GetSecretValue with the runtime role (`AgentObservability.grantTelemetryExport`)
   */
  readonly readSecret?: SecretReader;
  /**
   * Bounds of the spans kept for evaluation requests (returned with their reply).
   * @default - 16 sessions, 256 spans each, dropped after 5 minutes
   */
  readonly evaluationSpans?: EvaluationSpanLimits;
  /** Flush spans on SIGTERM/SIGINT before the process exits. @default true */
  readonly flushOnExit?: boolean;
  /** @default - JSON lines on stderr */
  readonly log?: (level: 'info' | 'warn', message: string) => void;
}

export interface AgentTelemetry {
  readonly enabled: boolean;
  /** Where spans go, e.g. `xray https://xray.us-east-1.amazonaws.com/v1/traces`. */
  readonly destinations: readonly string[];
  /** Keeps the spans of sessions being evaluated (also reachable as `evaluationSpanCollector()`); undefined when tracing is off or AGENTCORE_KIT_EVALUATION_SPANS=off. */
  readonly evaluationSpans?: EvaluationSpanCollector;
  /** Export every ended span now. */
  forceFlush(): Promise<void>;
  /** Flush, stop exporting and unregister the global provider. */
  shutdown(): Promise<void>;
}

const SHUTDOWN_BUDGET_MS = 3_000;

const untraced: AgentTelemetry = { enabled: false, destinations: [], forceFlush: async () => {}, shutdown: async () => {} };
let current: Promise<AgentTelemetry> | undefined;

function jsonLog(level: 'info' | 'warn', message: string): void {
  console.error(JSON.stringify({ level, message, component: 'agent-telemetry' }));
}

/** An exporter and where it sends, for a plan entry; undefined (with a warning) when it cannot be built. */
async function exporterFor(plan: ExporterPlan, readSecret: SecretReader, log: NonNullable<AgentTelemetryOptions['log']>): Promise<{ exporter: SpanExporter; destination: string } | undefined> {
  switch (plan.kind) {
    case 'xray':
      return { exporter: new OtlpSpanExporter({ endpoint: plan.endpoint, signing: { region: plan.region, service: 'xray' } }), destination: `xray ${plan.endpoint}` };
    case 'otlp':
      return { exporter: new OtlpSpanExporter({ endpoint: plan.endpoint, headers: plan.headers }), destination: `otlp ${plan.endpoint}` };
    case 'otlp-secret':
      try {
        const backend = await backendFromSecret(plan.secretArn, readSecret);
        return { exporter: new OtlpSpanExporter(backend), destination: `otlp ${backend.endpoint} (from ${plan.secretArn})` };
      } catch (e) {
        log('warn', `tracing: no export to the existing backend: ${(e as Error).message}`);
        return undefined;
      }
    case 'console':
      return { exporter: new ConsoleSpanExporter(), destination: 'console' };
  }
}

/**
 * Register the agent's tracer provider, or do nothing when tracing is off or the environment is
 * incomplete (a warning is logged; the agent runs untraced). Never rejects. Called again while
 * tracing is on, it returns the first registration.
 */
export function setupAgentTelemetry(options: AgentTelemetryOptions): Promise<AgentTelemetry> {
  const log = options.log ?? jsonLog;
  if (current) {
    log('warn', 'agent telemetry is already set up; keeping the first set-up');
    return current;
  }
  const started = start(options, log).catch((e: unknown) => {
    log('warn', `tracing off: set-up failed: ${(e as Error).message}`);
    return untraced;
  });
  current = started;
  void started.then((t) => {
    if (!t.enabled && current === started) current = undefined;
  });
  return started;
}

async function start(options: AgentTelemetryOptions, log: NonNullable<AgentTelemetryOptions['log']>): Promise<AgentTelemetry> {
  const env = options.env ?? process.env;
  const plan = tracingPlan(env, options.serviceName);
  for (const w of plan.warnings) log('warn', `tracing: ${w}`);
  if (!plan.enabled && (plan.switchedOff || !options.exporter)) {
    log(plan.warnings.length ? 'warn' : 'info', `tracing off: ${plan.reason}`);
    return untraced;
  }

  const exporting: SpanProcessor[] = [];
  const destinations: string[] = [];
  if (options.exporter) {
    exporting.push(new SimpleSpanProcessor(options.exporter));
    destinations.push('custom exporter');
  } else if (plan.enabled) {
    for (const e of plan.exporters) {
      const built = await exporterFor(e, options.readSecret ?? readSecretString, log);
      if (!built) continue;
      exporting.push(e.kind === 'console' ? new SimpleSpanProcessor(built.exporter) : new BatchSpanProcessor(built.exporter));
      destinations.push(built.destination);
    }
  }
  if (!exporting.length) {
    log('warn', 'tracing off: none of the configured span exporters could be set up');
    return untraced;
  }

  const resource = plan.enabled ? plan.resource : resourceAttributes(env, options.serviceName, []);
  // Keeps nothing unless an evaluation request watches its session (bounded; see EvaluationSpanCollector);
  // none at all where the environment turns returning spans off.
  const evaluationSpans = evaluationSpansAllowed(env) ? new EvaluationSpanCollector(options.evaluationSpans) : undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes(resource),
    // Every span of every request, as ADOT does for agent observability (a sampled-out caller would otherwise
    // silence the whole hand-off); OTEL_TRACES_SAMPLER still chooses another sampler.
    ...(env.OTEL_TRACES_SAMPLER ? {} : { sampler: new AlwaysOnSampler() }),
    // Request attributes first: the exporting processors and the evaluation collector see them on every span.
    spanProcessors: [new RequestAttributesSpanProcessor(), ...(evaluationSpans ? [evaluationSpans] : []), ...exporting],
  });
  // Registered through the global API Strands reads its tracer from (what its `setupTracer({ provider })` does),
  // plus the async-hooks context manager and W3C propagator that parenting and the A2A traceparent rely on.
  provider.register();
  registerEvaluationSpanCollector(evaluationSpans);
  // OpenTelemetry reports failed exports (e.g. a missing xray:PutSpans) through its diagnostics logger: surface them.
  const report = (message: string, ...args: unknown[]) => log('warn', `tracing: ${[message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' ')}`);
  const quiet = () => undefined;
  diag.setLogger({ error: report, warn: report, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);

  const onSignal = (signal: NodeJS.Signals) => {
    void telemetry.shutdown().finally(() => process.kill(process.pid, signal));
  };
  let stopped = false;
  const telemetry: AgentTelemetry = {
    enabled: true,
    destinations,
    evaluationSpans,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      current = undefined;
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
      registerEvaluationSpanCollector(undefined);
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_BUDGET_MS).unref()));
      await Promise.race([provider.shutdown().catch((e: unknown) => log('warn', `tracing: flush on shutdown failed: ${(e as Error).message}`)), budget]);
      clearTimeout(timer);
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
    },
  };
  if (options.flushOnExit ?? true) process.once('SIGTERM', onSignal).once('SIGINT', onSignal);
  log('info', `tracing on: service.name=${resource['service.name']}; spans to ${destinations.join(', ')}`);
  return telemetry;
}
