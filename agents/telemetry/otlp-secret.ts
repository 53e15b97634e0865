/**
 * The existing OTLP backend an `AgentObservability` with `otlpExportSecretArn` points the agents at:
 * its endpoint and headers live in a Secrets Manager secret (lib/observability/otlp-export.ts),
 * `{ "endpoint": "https://otlp.example.com:4318", "headers": { "Authorization": "..." }, "protocol": "http/protobuf" }`,
 * and the runtime gets the ARN (`OTLP_EXPORT_SECRET_ARN`) and read access. Read once at start-up.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';

/** Reads the string value of a secret (a narrow seam: Secrets Manager cannot run in tests). */
export type SecretReader = (secretArn: string) => Promise<string>;

export const readSecretString: SecretReader = async (secretArn) => {
  const region = secretArn.split(':')[3];
  const client = new SecretsManagerClient({ region, maxAttempts: 2 });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }), { abortSignal: AbortSignal.timeout(5_000) });
    if (out.SecretString === undefined) throw new Error('the secret has no string value');
    return out.SecretString;
  } finally {
    client.destroy();
  }
};

const secretSchema = z.object({
  endpoint: z.url({ error: 'endpoint: the OTLP/HTTP URL of the backend, e.g. https://otlp.example.com:4318' }),
  headers: z.record(z.string(), z.string(), { error: 'headers: an object of header names to string values' }).optional(),
  protocol: z.string().optional(),
});

export interface OtlpBackend {
  /** The traces URL (`<endpoint>/v1/traces` unless the secret already names it). */
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The backend in the secret, or an error naming the secret and what is wrong with its value (never the value). */
export async function backendFromSecret(secretArn: string, read: SecretReader): Promise<OtlpBackend> {
  let value: unknown;
  try {
    value = JSON.parse(await read(secretArn));
  } catch (e) {
    throw new Error(`OTLP export secret ${secretArn}: ${e instanceof SyntaxError ? 'the value is not JSON' : (e as Error).message}`);
  }
  const parsed = secretSchema.safeParse(value);
  if (!parsed.success) throw new Error(`OTLP export secret ${secretArn}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const { endpoint, headers, protocol } = parsed.data;
  if (protocol && protocol !== 'http/protobuf') throw new Error(`OTLP export secret ${secretArn}: protocol "${protocol}" is not supported by the agents (http/protobuf)`);
  const base = endpoint.replace(/\/+$/, '');
  return { endpoint: base.endsWith('/v1/traces') ? base : `${base}/v1/traces`, headers: headers ?? {} };
}
