export { OTLP_SECRET_ENV, parseKeyValues, resourceAttributes, tracingPlan, TRACING_SWITCH, XRAY_OTLP_ENDPOINT, type ExporterPlan, type TelemetryEnv, type TracingPlan } from './config';
export { backendFromSecret, readSecretString, type OtlpBackend, type SecretReader } from './otlp-secret';
export { OtlpSpanExporter, type OtlpSpanExporterOptions, type SigV4Signing } from './otlp-span-exporter';
export { injectTraceContext, RequestAttributesSpanProcessor, REQUEST_ATTRIBUTES, withRequestContext, type RequestIdentity } from './request-context';
export { setupAgentTelemetry, type AgentTelemetry, type AgentTelemetryOptions } from './setup';
export { toSpanRecord, type SpanRecord } from './span-record';
export {
  EVALUATION_METADATA_KEY,
  EvaluationSpanCollector,
  evaluationSpanCollector,
  isEvaluationContext,
  type EvaluationSpanLimits,
  type SessionSpanWatch,
} from './evaluation-spans';
