/**
 * Optional OpenTelemetry export to an existing backend (Datadog, Dynatrace, Langfuse, an OTel
 * collector...). The endpoint and headers live in a Secrets Manager secret; runtimes get the
 * secret's ARN as an environment variable and read access to it, never the values at synth time.
 *
 * Secret value (JSON):
 * `{ "endpoint": "https://otlp.example.com:4318", "headers": { "Authorization": "Bearer ..." }, "protocol": "http/protobuf" }`
 */
import { Arn, ArnFormat, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Problems } from '../errors';

/** Environment variable that carries the secret ARN to the agent. */
export const OTLP_SECRET_ENV = 'OTLP_EXPORT_SECRET_ARN';

export interface OtlpExportProps {
  /** ARN of the secret holding `{ endpoint, headers, protocol? }`. */
  readonly secretArn: string;
}

export class OtlpExport extends Construct {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: OtlpExportProps) {
    super(scope, id);
    const problems = new Problems('InvalidOtlpExportProps');
    if (!Token.isUnresolved(props.secretArn)) {
      const ok = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(props.secretArn);
      problems.check(ok, `secretArn: "${props.secretArn}" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)`);
      if (ok) {
        const resource = Arn.split(props.secretArn, ArnFormat.COLON_RESOURCE_NAME).resourceName ?? '';
        problems.check(resource.length > 0, `secretArn: "${props.secretArn}" names no secret`);
      }
    }
    problems.throwIfAny();
    // A complete ARN ends with the 6-character suffix Secrets Manager appends; a partial one does not.
    const complete = Token.isUnresolved(props.secretArn) || /-[A-Za-z0-9]{6}$/.test(props.secretArn);
    this.secret = complete
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'Secret', props.secretArn)
      : secretsmanager.Secret.fromSecretPartialArn(this, 'Secret', props.secretArn);
  }

  /** Environment variables for a runtime or function that exports telemetry. */
  environment(): Record<string, string> {
    return { [OTLP_SECRET_ENV]: this.secret.secretArn };
  }

  /** Read access to the secret (secretsmanager:GetSecretValue/DescribeSecret on this secret only). */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }
}
