/**
 * OTLP/HTTP protobuf span exporter, optionally signing each request with SigV4 — what the X-Ray
 * OTLP endpoint (`https://xray.<region>.amazonaws.com/v1/traces`) requires. Signed, it does what the
 * AWS Distro for OpenTelemetry's `OTLPAwsSpanExporter` does (serialize, sign the body, POST) with
 * public APIs only: OpenTelemetry's protobuf serializer, `@smithy/signature-v4` and the AWS SDK's
 * default credential chain (on AgentCore Runtime: the runtime role). Unsigned, it sends to any OTLP
 * backend, with the headers it is given (OTEL_EXPORTER_OTLP_HEADERS).
 *
 * Signed exports need `xray:PutSpans` (and `xray:PutSpansForIndexing` for Transaction Search).
 * A failed export is reported to the span processor (which drops that batch); it is not retried.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface SigV4Signing {
  /** Signing region. */
  readonly region: string;
  /** Signing service. @default 'xray' */
  readonly service?: string;
  /** @default - the AWS SDK default credential chain (environment, container/instance role, profile) */
  readonly credentials?: Credentials;
}

export interface OtlpSpanExporterOptions {
  /** OTLP traces URL, e.g. `https://xray.us-east-1.amazonaws.com/v1/traces`. */
  readonly endpoint: string;
  /** Sign every request with SigV4. @default - unsigned */
  readonly signing?: SigV4Signing;
  /** More request headers (e.g. a backend's API key). @default - none */
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up on one export after this long. @default 10000 */
  readonly timeoutMillis?: number;
}

export class OtlpSpanExporter implements SpanExporter {
  private readonly url: URL;
  private readonly signer?: SignatureV4;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMillis: number;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(options: OtlpSpanExporterOptions) {
    this.url = new URL(options.endpoint);
    this.headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.timeoutMillis = options.timeoutMillis ?? 10_000;
    const s = options.signing;
    if (s) this.signer = new SignatureV4({ credentials: s.credentials ?? defaultProvider(), region: s.region, service: s.service ?? 'xray', sha256: Sha256 });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const sent = this.send(spans).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
  }

  private async send(spans: ReadableSpan[]): Promise<void> {
    const serialized = ProtobufTraceSerializer.serializeRequest(spans);
    if (!serialized) throw new Error('spans could not be serialized to OTLP protobuf');
    const body = new Uint8Array(serialized);
    const { url } = this;
    let headers: Record<string, string> = { ...this.headers, 'content-type': 'application/x-protobuf' };
    if (this.signer) {
      const request = new HttpRequest({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, headers: { ...headers, host: url.host }, body });
      // fetch sets Host itself, to the value that was signed.
      const { host: _host, ...signed } = (await this.signer.sign(request)).headers;
      headers = signed;
    }
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMillis) });
    if (!response.ok) throw new Error(`OTLP export to ${url.origin}${url.pathname}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    await response.arrayBuffer();
  }
}
