/**
 * Where an agent's spans go, decided from its environment in one pure function.
 *
 * On AgentCore Runtime the service sets the OpenTelemetry variables of the agent process
 * (`AGENT_OBSERVABILITY_ENABLED=true`, `OTEL_RESOURCE_ATTRIBUTES` with the `service.name` and log
 * group online evaluations filter on, the traces endpoint). The kit adds only its own switch,
 * `AGENTCORE_KIT_TRACING`: `off` (set by `AgentRuntime({ agentTracing: false })`) or `on` (forces AgentCore Observability).
 *
 * | Variable | Effect |
 * |---|---|
 * | `AGENTCORE_KIT_TRACING=off` | no spans (the kit's switch; `AgentRuntime({ agentTracing: false })` sets it) |
 * | `OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER=none` | no spans (OpenTelemetry's own switches) |
 * | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT` | OTLP/HTTP protobuf there; SigV4-signed when it is the X-Ray OTLP endpoint, else with `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS` |
 * | `AGENT_OBSERVABILITY_ENABLED=true` (or `AGENTCORE_KIT_TRACING=on`) without an endpoint | `https://xray.<AWS_REGION>.amazonaws.com/v1/traces`, signed |
 * | `OTLP_EXPORT_SECRET_ARN` | also OTLP/HTTP protobuf to an existing backend: `{ endpoint, headers }` read from that secret at start-up |
 * | `OTEL_TRACES_EXPORTER=console` (or `otlp,console`) | spans printed to stdout (local runs) |
 * | `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_DEPLOYMENT_ENVIRONMENT` | resource attributes |
 *
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */

export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** The kit's own switch (`on` | `off`). */
export const TRACING_SWITCH = 'AGENTCORE_KIT_TRACING';

/**
 * Whether evaluation requests may get their spans back (`on` | `off`, default on). Spans hold the
 * system prompts and tool results, so environments without offline evaluation (prod) turn it off.
 */
export const EVALUATION_SPANS_SWITCH = 'AGENTCORE_KIT_EVALUATION_SPANS';

/** Whether {@link EVALUATION_SPANS_SWITCH} allows returning spans (anything but an explicit off does). */
export function evaluationSpansAllowed(env: TelemetryEnv): boolean {
  return !OFF.has(env[EVALUATION_SPANS_SWITCH]?.trim().toLowerCase() ?? '');
}

/** ARN of the secret with an existing backend's OTLP endpoint and headers (set by `AgentObservability.runtimeEnvironment()`). */
export const OTLP_SECRET_ENV = 'OTLP_EXPORT_SECRET_ARN';

/** The X-Ray OTLP traces endpoint (the one ADOT signs for); group 1 is the region. */
export const XRAY_OTLP_ENDPOINT = /^https:\/\/xray\.([a-z0-9-]+)\.amazonaws\.com\/v1\/traces$/;

export type ExporterPlan =
  /** SigV4-signed OTLP/HTTP protobuf to X-Ray (AgentCore Observability, Transaction Search). */
  | { readonly kind: 'xray'; readonly endpoint: string; readonly region: string }
  /** Plain OTLP/HTTP protobuf (a collector or another backend) with the OTEL_EXPORTER_OTLP_(TRACES_)HEADERS. */
  | { readonly kind: 'otlp'; readonly endpoint: string; readonly headers: Readonly<Record<string, string>> }
  /** An existing backend whose `{ endpoint, headers }` are in a Secrets Manager secret (`AgentObservability` with `otlpExportSecretArn`). */
  | { readonly kind: 'otlp-secret'; readonly secretArn: string }
  /** Human-readable spans on stdout. */
  | { readonly kind: 'console' };

export type TracingPlan =
  /** `switchedOff`: turned off on purpose (not merely unconfigured). */
  | { readonly enabled: false; readonly switchedOff: boolean; readonly reason: string; readonly warnings: readonly string[] }
  | { readonly enabled: true; readonly exporters: readonly ExporterPlan[]; readonly resource: Readonly<Record<string, string>>; readonly warnings: readonly string[] };

const OFF = new Set(['off', 'false', '0', 'no']);
const ON = new Set(['on', 'true', '1', 'yes']);

/**
 * `k1=v1,k2=v2` (values percent-encoded), as OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS;
 * malformed pairs are reported (by key only: header values may be secrets), not thrown.
 */
export function parseKeyValues(name: string, value: string | undefined, warnings: string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      warnings.push(`${name}: ignored an entry without "=" (expected key=value)`);
      continue;
    }
    const key = pair.slice(0, at).trim();
    try {
      pairs[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      warnings.push(`${name}: ignored ${key} (value is not percent-encoded correctly)`);
    }
  }
  return pairs;
}

/** `service.name` and the other resource attributes of the agent's spans. */
export function resourceAttributes(env: TelemetryEnv, serviceName: string, warnings: string[]): Record<string, string> {
  const fromEnv = parseKeyValues('OTEL_RESOURCE_ATTRIBUTES', env.OTEL_RESOURCE_ATTRIBUTES, warnings);
  const deployment = env.OTEL_DEPLOYMENT_ENVIRONMENT?.trim();
  return {
    ...(deployment ? { 'deployment.environment.name': deployment } : {}),
    ...fromEnv,
    // The runtime's service.name (`<runtime>.<endpoint>`) is what online evaluations filter on: it wins over the agent id.
    'service.name': env.OTEL_SERVICE_NAME?.trim() || fromEnv['service.name'] || serviceName,
  };
}

function tracesEndpoint(env: TelemetryEnv, observability: boolean, warnings: string[]): string | undefined {
  const explicit = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (explicit) return explicit;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (base) return `${base.replace(/\/+$/, '')}/v1/traces`;
  if (!observability) return undefined;
  const region = (env.AWS_REGION || env.AWS_DEFAULT_REGION || env.AGENT_REGION)?.trim();
  if (region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) return `https://xray.${region}.amazonaws.com/v1/traces`;
  warnings.push('AGENT_OBSERVABILITY_ENABLED (or AGENTCORE_KIT_TRACING=on) asks for spans but neither OTEL_EXPORTER_OTLP_TRACES_ENDPOINT nor AWS_REGION is set: cannot tell where to send them');
  return undefined;
}

function otlpExporter(endpoint: string, env: TelemetryEnv, warnings: string[]): ExporterPlan | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    warnings.push(`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "${endpoint}" is not a URL (expected e.g. https://xray.us-east-1.amazonaws.com/v1/traces)`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    warnings.push(`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "${endpoint}" must be an http(s) URL`);
    return undefined;
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol && protocol !== 'http/protobuf') warnings.push(`OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL: "${protocol}" is not supported by the agents; spans are sent as http/protobuf`);
  const xray = XRAY_OTLP_ENDPOINT.exec(endpoint.toLowerCase());
  if (xray) return { kind: 'xray', endpoint: endpoint.toLowerCase(), region: xray[1] };
  const headersVar = env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS' : 'OTEL_EXPORTER_OTLP_HEADERS';
  return { kind: 'otlp', endpoint, headers: parseKeyValues(headersVar, env[headersVar], warnings) };
}

/**
 * What to do with spans in this environment. Never throws: anything incomplete or malformed is a
 * warning, and without a usable exporter the agent runs untraced.
 *
 * @param serviceName `service.name` when the environment names none (the agent id).
 */
export function tracingPlan(env: TelemetryEnv, serviceName: string): TracingPlan {
  const warnings: string[] = [];
  const kitSwitch = env[TRACING_SWITCH]?.trim().toLowerCase();
  if (kitSwitch && OFF.has(kitSwitch)) return { enabled: false, switchedOff: true, reason: `${TRACING_SWITCH}=${env[TRACING_SWITCH]}`, warnings };
  if (kitSwitch && !ON.has(kitSwitch)) warnings.push(`${TRACING_SWITCH}: "${env[TRACING_SWITCH]}" is neither on nor off; ignored`);
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { enabled: false, switchedOff: true, reason: 'OTEL_SDK_DISABLED=true', warnings };

  const listed = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
  const names = listed.length ? listed : ['otlp'];
  if (names.includes('none')) return { enabled: false, switchedOff: true, reason: 'OTEL_TRACES_EXPORTER=none', warnings };
  // An explicit AGENTCORE_KIT_TRACING=on asks for AgentCore Observability as AGENT_OBSERVABILITY_ENABLED=true does.
  const observability = env.AGENT_OBSERVABILITY_ENABLED?.trim().toLowerCase() === 'true' || (kitSwitch !== undefined && ON.has(kitSwitch));

  const exporters: ExporterPlan[] = [];
  for (const name of new Set(names)) {
    if (name === 'console') exporters.push({ kind: 'console' });
    else if (name === 'otlp') {
      const endpoint = tracesEndpoint(env, observability, warnings);
      const plan = endpoint ? otlpExporter(endpoint, env, warnings) : undefined;
      if (plan) exporters.push(plan);
    } else warnings.push(`OTEL_TRACES_EXPORTER: "${name}" is not supported by the agents (otlp, console or none)`);
  }
  const secretArn = env[OTLP_SECRET_ENV]?.trim();
  if (secretArn && names.includes('otlp')) {
    if (/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(secretArn)) exporters.push({ kind: 'otlp-secret', secretArn });
    else warnings.push(`${OTLP_SECRET_ENV}: "${secretArn}" is not a Secrets Manager secret ARN`);
  }
  if (!exporters.length) {
    return { enabled: false, switchedOff: false, reason: 'no span exporter configured (AGENT_OBSERVABILITY_ENABLED is not true, no OTLP traces endpoint, no console exporter)', warnings };
  }

  return { enabled: true, exporters, resource: resourceAttributes(env, serviceName, warnings), warnings };
}
