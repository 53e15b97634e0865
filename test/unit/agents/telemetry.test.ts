/**
 * Agent telemetry: where spans go for a given environment, the request attributes on every span,
 * trace-context hand-off, untraced start-up when tracing is off or the environment is incomplete,
 * and the SigV4-signed OTLP exporter against a real HTTP server on loopback.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { backendFromSecret, injectTraceContext, OtlpSpanExporter, setupAgentTelemetry, tracingPlan, withRequestContext } from '../../../agents/telemetry';

/** What AgentCore Runtime sets for an agent process (observability enabled). */
const RUNTIME_ENV = {
  AGENT_OBSERVABILITY_ENABLED: 'true',
  AWS_REGION: 'eu-west-1',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://xray.eu-west-1.amazonaws.com/v1/traces',
  OTEL_RESOURCE_ATTRIBUTES: 'service.name=hr_policy_assistant.live,aws.log.group.names=/aws/bedrock-agentcore/runtimes/hr-abc123-live,cloud.resource_id=arn%3Aaws%3Abedrock-agentcore%3Aeu-west-1%3A111111111111%3Aruntime%2Fhr-abc123',
};

describe('tracingPlan', () => {
  test('on AgentCore Runtime: SigV4 to the X-Ray OTLP endpoint, the runtime service.name and log group kept', () => {
    const plan = tracingPlan(RUNTIME_ENV, 'hr');
    expect(plan).toEqual({
      enabled: true,
      exporters: [{ kind: 'xray', endpoint: 'https://xray.eu-west-1.amazonaws.com/v1/traces', region: 'eu-west-1' }],
      resource: {
        'service.name': 'hr_policy_assistant.live',
        'aws.log.group.names': '/aws/bedrock-agentcore/runtimes/hr-abc123-live',
        'cloud.resource_id': 'arn:aws:bedrock-agentcore:eu-west-1:111111111111:runtime/hr-abc123',
      },
      warnings: [],
    });
  });

  test('observability enabled without an endpoint: the X-Ray endpoint of AWS_REGION', () => {
    const plan = tracingPlan({ AGENT_OBSERVABILITY_ENABLED: 'true', AWS_REGION: 'us-west-2' }, 'it');
    expect(plan).toMatchObject({ enabled: true, exporters: [{ kind: 'xray', endpoint: 'https://xray.us-west-2.amazonaws.com/v1/traces', region: 'us-west-2' }], resource: { 'service.name': 'it' } });
  });

  test('AGENTCORE_KIT_TRACING=on asks for AgentCore Observability even when the runtime did not set AGENT_OBSERVABILITY_ENABLED', () => {
    expect(tracingPlan({ AGENTCORE_KIT_TRACING: 'on', AWS_REGION: 'ap-southeast-2' }, 'hr')).toMatchObject({ enabled: true, exporters: [{ kind: 'xray', endpoint: 'https://xray.ap-southeast-2.amazonaws.com/v1/traces', region: 'ap-southeast-2' }] });
  });

  test('OTEL_SERVICE_NAME wins over the runtime attributes and the agent id; OTEL_DEPLOYMENT_ENVIRONMENT becomes deployment.environment.name', () => {
    const plan = tracingPlan({ ...RUNTIME_ENV, OTEL_SERVICE_NAME: 'custom', OTEL_DEPLOYMENT_ENVIRONMENT: 'staging' }, 'hr');
    expect(plan).toMatchObject({ enabled: true, resource: { 'service.name': 'custom', 'deployment.environment.name': 'staging' } });
  });

  test('an existing backend: plain OTLP/HTTP to the collector endpoint (base endpoint + /v1/traces), unsigned', () => {
    expect(tracingPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D1,x-tenant=t1' }, 'supervisor')).toMatchObject({
      enabled: true,
      exporters: [{ kind: 'otlp', endpoint: 'http://collector:4318/v1/traces', headers: { 'x-api-key': 'abc=1', 'x-tenant': 't1' } }],
      resource: { 'service.name': 'supervisor' },
    });
  });

  test('an existing backend through AgentObservability: the OTLP export secret beside X-Ray; a malformed ARN is a warning', () => {
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:otlp-backend-AbCdEf';
    expect(tracingPlan({ ...RUNTIME_ENV, OTLP_EXPORT_SECRET_ARN: secretArn }, 'hr')).toMatchObject({ enabled: true, exporters: [{ kind: 'xray' }, { kind: 'otlp-secret', secretArn }], warnings: [] });
    expect(tracingPlan({ ...RUNTIME_ENV, OTLP_EXPORT_SECRET_ARN: 'otlp-backend' }, 'hr')).toMatchObject({
      exporters: [{ kind: 'xray' }],
      warnings: ['OTLP_EXPORT_SECRET_ARN: "otlp-backend" is not a Secrets Manager secret ARN'],
    });
  });

  test('console exporter for local runs, alone or beside OTLP', () => {
    expect(tracingPlan({ OTEL_TRACES_EXPORTER: 'console' }, 'hr')).toMatchObject({ enabled: true, exporters: [{ kind: 'console' }] });
    expect(tracingPlan({ ...RUNTIME_ENV, OTEL_TRACES_EXPORTER: 'otlp,console' }, 'hr')).toMatchObject({ enabled: true, exporters: [{ kind: 'xray' }, { kind: 'console' }] });
  });

  test.each([
    [{ ...RUNTIME_ENV, AGENTCORE_KIT_TRACING: 'off' }, 'AGENTCORE_KIT_TRACING=off'],
    [{ ...RUNTIME_ENV, OTEL_SDK_DISABLED: 'true' }, 'OTEL_SDK_DISABLED=true'],
    [{ ...RUNTIME_ENV, OTEL_TRACES_EXPORTER: 'none' }, 'OTEL_TRACES_EXPORTER=none'],
  ])('switched off: %j', (env, reason) => {
    expect(tracingPlan(env, 'hr')).toEqual({ enabled: false, switchedOff: true, reason, warnings: [] });
  });

  test('no observability and no endpoint: off without a warning (local runs)', () => {
    expect(tracingPlan({}, 'hr')).toMatchObject({ enabled: false, switchedOff: false, warnings: [] });
  });

  test('incomplete or malformed environment: warnings naming the variable, never a throw', () => {
    expect(tracingPlan({ AGENT_OBSERVABILITY_ENABLED: 'true' }, 'hr')).toMatchObject({
      enabled: false,
      warnings: ['AGENT_OBSERVABILITY_ENABLED (or AGENTCORE_KIT_TRACING=on) asks for spans but neither OTEL_EXPORTER_OTLP_TRACES_ENDPOINT nor AWS_REGION is set: cannot tell where to send them'],
    });
    expect(tracingPlan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'hr')).toMatchObject({ enabled: false, warnings: [expect.stringMatching(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" is not a URL/)] });
    const plan = tracingPlan({ ...RUNTIME_ENV, AGENTCORE_KIT_TRACING: 'maybe', OTEL_TRACES_EXPORTER: 'otlp,zipkin', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_RESOURCE_ATTRIBUTES: 'service.name=a,broken' }, 'hr');
    expect(plan.enabled).toBe(true);
    expect(plan.warnings).toEqual([
      'AGENTCORE_KIT_TRACING: "maybe" is neither on nor off; ignored',
      'OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL: "grpc" is not supported by the agents; spans are sent as http/protobuf',
      'OTEL_TRACES_EXPORTER: "zipkin" is not supported by the agents (otlp, console or none)',
      'OTEL_RESOURCE_ATTRIBUTES: ignored an entry without "=" (expected key=value)',
    ]);
  });
});

describe('setupAgentTelemetry', () => {
  const logs: string[] = [];
  const log = (level: string, message: string) => void logs.push(`${level}: ${message}`);
  beforeEach(() => logs.splice(0));

  test('switched off: untraced, nothing registered, the reason logged', async () => {
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: { ...RUNTIME_ENV, AGENTCORE_KIT_TRACING: 'off' }, log, flushOnExit: false });
    expect(telemetry.enabled).toBe(false);
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
    expect(logs).toEqual(['info: tracing off: AGENTCORE_KIT_TRACING=off']);
    await telemetry.shutdown();
  });

  test('incomplete runtime environment: a warning, the agent runs untraced, no throw', async () => {
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: { AGENT_OBSERVABILITY_ENABLED: 'true' }, log, flushOnExit: false });
    expect(telemetry.enabled).toBe(false);
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
    expect(logs).toEqual([
      'warn: tracing: AGENT_OBSERVABILITY_ENABLED (or AGENTCORE_KIT_TRACING=on) asks for spans but neither OTEL_EXPORTER_OTLP_TRACES_ENDPOINT nor AWS_REGION is set: cannot tell where to send them',
      expect.stringMatching(/^warn: tracing off: no span exporter configured/),
    ]);
  });

  test('the off switch also wins over an explicit exporter', async () => {
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: { OTEL_SDK_DISABLED: 'true' }, exporter: new InMemorySpanExporter(), log, flushOnExit: false });
    expect(telemetry.enabled).toBe(false);
  });

  describe('when on', () => {
    const exporter = new InMemorySpanExporter();
    let telemetry: Awaited<ReturnType<typeof setupAgentTelemetry>>;
    beforeAll(async () => {
      telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: { OTEL_RESOURCE_ATTRIBUTES: 'aws.log.group.names=/aws/x' }, exporter, log, flushOnExit: false });
    });
    afterAll(() => telemetry.shutdown());
    beforeEach(() => exporter.reset());

    test('registers a recording provider with the resource; a second set-up keeps the first', async () => {
      expect(telemetry).toMatchObject({ enabled: true, destinations: ['custom exporter'] });
      const again = await setupAgentTelemetry({ serviceName: 'other', exporter: new InMemorySpanExporter(), log, flushOnExit: false });
      expect(again).toBe(telemetry);
      expect(logs).toContain('warn: agent telemetry is already set up; keeping the first set-up');
      trace.getTracer('t').startSpan('probe').end();
      const [span] = exporter.getFinishedSpans();
      expect(span.resource.attributes).toMatchObject({ 'service.name': 'hr', 'aws.log.group.names': '/aws/x' });
    });

    test('session.id and user.id of the agent span reach every span below it; other attributes do not', () => {
      const tracer = trace.getTracer('t');
      const agentSpan = tracer.startSpan('invoke_agent hr', { attributes: { 'session.id': 's-1', 'user.id': 'alex', 'agent.id': 'hr' } });
      context.with(trace.setSpan(context.active(), agentSpan), () => {
        const cycle = tracer.startSpan('execute_event_loop_cycle');
        const tool = tracer.startSpan('execute_tool hr___checkVacationBalance', {}, trace.setSpan(context.active(), cycle));
        tool.end();
        cycle.end();
      });
      agentSpan.end();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => [s.name, s.attributes['session.id'], s.attributes['user.id'], s.attributes['agent.id']])).toEqual([
        ['execute_tool hr___checkVacationBalance', 's-1', 'alex', undefined],
        ['execute_event_loop_cycle', 's-1', 'alex', undefined],
        ['invoke_agent hr', 's-1', 'alex', 'hr'],
      ]);
    });

    test('a request context joins the caller trace (traceparent) and puts the verified ids on its spans; caller baggage is dropped', () => {
      const tracer = trace.getTracer('t');
      const headers = new Headers();
      const callerSpan = tracer.startSpan('execute_tool delegate_hr');
      const forged = propagation.setBaggage(trace.setSpan(context.active(), callerSpan), propagation.createBaggage({ 'session.id': { value: 'forged' } }));
      context.with(forged, () => injectTraceContext(headers));
      callerSpan.end();
      expect(headers.get('traceparent')).toBe(`00-${callerSpan.spanContext().traceId}-${callerSpan.spanContext().spanId}-01`);
      expect(headers.has('baggage')).toBe(false);

      withRequestContext({ headers: { traceparent: headers.get('traceparent')!, baggage: 'session.id=forged,user.id=mallory' }, sessionId: 's-2', userId: 'priya' }, () => {
        tracer.startSpan('invoke_agent hr').end();
      });
      const span = exporter.getFinishedSpans().find((s) => s.name === 'invoke_agent hr')!;
      expect(span.spanContext().traceId).toBe(callerSpan.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(callerSpan.spanContext().spanId);
      expect(span.attributes).toMatchObject({ 'session.id': 's-2', 'user.id': 'priya' });
    });

  });

  test('after shutdown nothing records and a new set-up may register again', async () => {
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
    const exporter = new InMemorySpanExporter();
    const telemetry = await setupAgentTelemetry({ serviceName: 'again', exporter, log, flushOnExit: false });
    trace.getTracer('t').startSpan('y').end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['y']);
    await telemetry.shutdown();
  });
});

/** Minimal protobuf wire reader: enough of ExportTraceServiceRequest to read span names, trace ids and string attributes. */
function fields(buf: Uint8Array): { field: number; bytes?: Uint8Array }[] {
  const out: { field: number; bytes?: Uint8Array }[] = [];
  let i = 0;
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      out.push({ field: key >>> 3, bytes: buf.subarray(i, i + len) });
      i += len;
      continue;
    } else throw new Error(`unexpected wire type ${wire}`);
    out.push({ field: key >>> 3 });
  }
  return out;
}
const sub = (buf: Uint8Array, field: number) => fields(buf).filter((f) => f.field === field && f.bytes).map((f) => f.bytes!);
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function decodeSpans(body: Uint8Array) {
  // ExportTraceServiceRequest.resource_spans(1) → ScopeSpans(2) → Span(2): trace_id(1), name(5), attributes(9: key 1, value 2 → string 1)
  return sub(body, 1).flatMap((rs) =>
    sub(rs, 2).flatMap((ss) =>
      sub(ss, 2).map((span) => ({
        traceId: Buffer.from(sub(span, 1)[0]).toString('hex'),
        name: text(sub(span, 5)[0]),
        attributes: Object.fromEntries(sub(span, 9).map((kv) => [text(sub(kv, 1)[0]), sub(sub(kv, 2)[0], 1).map(text)[0]])),
      })),
    ),
  );
}

describe('OtlpSpanExporter against a real HTTP server', () => {
  const received: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  let status = 200;
  let server: http.Server;
  let endpoint: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'session-token-example' });
    delete process.env.AWS_PROFILE;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end(status === 200 ? '' : 'AccessDeniedException: not authorized to perform xray:PutSpans');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  });
  afterAll(async () => {
    process.env = saved;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received.splice(0);
    status = 200;
  });

  /** Real spans from a provider, exported through `exporter`. */
  async function exportSpans(exporter: OtlpSpanExporter): Promise<{ code: number; error?: Error; traceId: string }> {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('strands-agents');
    const root = tracer.startSpan('invoke_agent hr_policy_assistant', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'session.id': 'sess-1' } });
    tracer.startSpan('execute_tool hr___checkVacationBalance', { attributes: { 'gen_ai.tool.name': 'hr___checkVacationBalance' } }, trace.setSpan(context.active(), root)).end();
    root.end();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
    await provider.shutdown();
    return { ...result, traceId: root.spanContext().traceId };
  }

  test('POSTs OTLP protobuf signed with SigV4 for xray (a signature the server can recompute)', async () => {
    const result = await exportSpans(new OtlpSpanExporter({ endpoint, signing: { region: 'us-west-2' } }));
    expect(result.code).toBe(0);
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req).toMatchObject({ method: 'POST', url: '/v1/traces' });
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    expect(req.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(req.headers['x-amz-security-token']).toBe('session-token-example');
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/xray\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);

    // The server side of SigV4: the same request, key and date give the same signature.
    const signedNames = /SignedHeaders=([^,]+)/.exec(req.headers.authorization!)![1].split(';');
    const headers = Object.fromEntries(signedNames.map((n) => [n, String(req.headers[n])]));
    const signer = new SignatureV4({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-example' }, region: 'us-west-2', service: 'xray', sha256: Sha256 });
    const amzDate = req.headers['x-amz-date'] as string;
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const expected = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: '/v1/traces', headers, body: new Uint8Array(req.body) }), { signingDate });
    expect(req.headers.authorization).toBe(expected.headers.authorization);

    const spans = decodeSpans(new Uint8Array(req.body));
    expect(spans.map((s) => s.name).sort()).toEqual(['execute_tool hr___checkVacationBalance', 'invoke_agent hr_policy_assistant']);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([result.traceId]));
    expect(spans.find((s) => s.name.startsWith('invoke_agent'))!.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'session.id': 'sess-1' });
  });

  test('a rejected export fails with the HTTP status and the service message', async () => {
    status = 403;
    const result = await exportSpans(new OtlpSpanExporter({ endpoint, signing: { region: 'us-west-2' } }));
    expect(result.code).toBe(1);
    expect(result.error?.message).toBe(`OTLP export to ${new URL(endpoint).origin}/v1/traces: HTTP 403 AccessDeniedException: not authorized to perform xray:PutSpans`);
  });

  test('an existing backend: set up from the environment, unsigned OTLP protobuf to the endpoint on flush; a sampled-out caller still gets its spans recorded', async () => {
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=secret-1' }, flushOnExit: false, log: () => undefined });
    expect(telemetry).toMatchObject({ enabled: true, destinations: [`otlp ${endpoint}`] });
    withRequestContext({ headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' }, sessionId: 's-3' }, () => trace.getTracer('t').startSpan('invoke_agent hr').end());
    await telemetry.forceFlush();
    await telemetry.shutdown();
    expect(received).toHaveLength(1);
    expect(received[0].headers.authorization).toBeUndefined();
    expect(received[0].headers['x-api-key']).toBe('secret-1');
    expect(received[0].headers['content-type']).toBe('application/x-protobuf');
    expect(decodeSpans(new Uint8Array(received[0].body))).toEqual([{ traceId: '0af7651916cd43dd8448eb211c80319c', name: 'invoke_agent hr', attributes: { 'session.id': 's-3' } }]);
  });

  test('the OTLP export secret: spans go to its endpoint with its headers', async () => {
    const secretArn = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:otlp-backend-AbCdEf';
    const read = jest.fn(async (_arn: string) => JSON.stringify({ endpoint: endpoint.replace('/v1/traces', '/'), headers: { Authorization: 'Bearer backend-token' }, protocol: 'http/protobuf' }));
    const telemetry = await setupAgentTelemetry({ serviceName: 'hr', env: { OTLP_EXPORT_SECRET_ARN: secretArn }, readSecret: read, flushOnExit: false, log: () => undefined });
    expect(read).toHaveBeenCalledWith(secretArn);
    expect(telemetry.destinations).toEqual([`otlp ${endpoint} (from ${secretArn})`]);
    trace.getTracer('t').startSpan('invoke_agent hr').end();
    await telemetry.shutdown();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ url: '/v1/traces', headers: { authorization: 'Bearer backend-token', 'content-type': 'application/x-protobuf' } });
    expect(decodeSpans(new Uint8Array(received[0].body)).map((s) => s.name)).toEqual(['invoke_agent hr']);
  });

  test('a bad OTLP export secret: a warning naming the secret and the field, X-Ray still on', async () => {
    const secretArn = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:otlp-backend-AbCdEf';
    const logs: string[] = [];
    const telemetry = await setupAgentTelemetry({
      serviceName: 'hr',
      env: { ...RUNTIME_ENV, OTLP_EXPORT_SECRET_ARN: secretArn },
      readSecret: async () => JSON.stringify({ headers: { Authorization: 'Bearer x' } }),
      flushOnExit: false,
      log: (level, message) => void logs.push(`${level}: ${message}`),
    });
    expect(telemetry.destinations).toEqual(['xray https://xray.eu-west-1.amazonaws.com/v1/traces']);
    expect(logs).toContain(`warn: tracing: no export to the existing backend: OTLP export secret ${secretArn}: endpoint: the OTLP/HTTP URL of the backend, e.g. https://otlp.example.com:4318`);
    expect(logs.join('\n')).not.toContain('Bearer x');
    await telemetry.shutdown();
  });

  test('the secret endpoint: a base URL gets /v1/traces, a traces URL is kept; a secret that is not JSON or names another protocol is refused', async () => {
    const arn = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:b';
    await expect(backendFromSecret(arn, async () => '{"endpoint":"https://otlp.example.com:4318"}')).resolves.toEqual({ endpoint: 'https://otlp.example.com:4318/v1/traces', headers: {} });
    await expect(backendFromSecret(arn, async () => '{"endpoint":"https://otlp.example.com/v1/traces/"}')).resolves.toEqual({ endpoint: 'https://otlp.example.com/v1/traces', headers: {} });
    await expect(backendFromSecret(arn, async () => 'endpoint=x')).rejects.toThrow(`OTLP export secret ${arn}: the value is not JSON`);
    await expect(backendFromSecret(arn, async () => '{"endpoint":"https://o.example.com","protocol":"grpc"}')).rejects.toThrow(`OTLP export secret ${arn}: protocol "grpc" is not supported by the agents (http/protobuf)`);
    await expect(backendFromSecret(arn, async () => Promise.reject(new Error('AccessDeniedException')))).rejects.toThrow(`OTLP export secret ${arn}: AccessDeniedException`);
  });

  test('after shutdown exports fail without a request', async () => {
    const exporter = new OtlpSpanExporter({ endpoint, signing: { region: 'us-west-2' } });
    await exporter.shutdown();
    const result = await exportSpans(exporter);
    expect(result).toMatchObject({ code: 1, error: new Error('exporter is shut down') });
    expect(received).toHaveLength(0);
  });
});
