/**
 * Execution roles for the kit's Lambda functions. The AWS managed `AWSLambdaBasicExecutionRole`
 * (what a function gets by default) allows `logs:CreateLogGroup`, `CreateLogStream` and
 * `PutLogEvents` on `*`: every log group of the account, another environment's included. A kit
 * function always has its own log group (`logGroup` prop), so its role may write that group only.
 *
 * ```ts
 * const logGroup = new logs.LogGroup(this, 'Logs', { encryptionKey: key });
 * const fn = new nodejs.NodejsFunction(this, 'Fn', { entry, logGroup, role: functionRole(this, 'FnRole', logGroup, 'What the function does') });
 * ```
 *
 * Functions of lib/release are built the same way: create the log group first, pass
 * `role: functionRole(this, '<Name>Role', logGroup, '<purpose>')` and `logGroup` to the function,
 * drop the `AwsSolutions-IAM4[Policy::...AWSLambdaBasicExecutionRole]` acknowledgement, and move
 * the X-Ray `Resource::*` acknowledgement from the function to the role ({@link acknowledgeTracing}).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';

/** A Lambda execution role that may write log streams and events of `logGroup` only. */
export function functionRole(scope: Construct, id: string, logGroup: logs.ILogGroup, description: string): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
  logGroup.grantWrite(role);
  return role;
}

/**
 * Lambda active tracing adds `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*` to the
 * function's role: X-Ray has no resource-level permissions. Acknowledged on that role (and its
 * policies) only, not on the function's whole construct.
 */
export function acknowledgeTracing(role: iam.IRole): void {
  acknowledgeFindings(role, [{ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Lambda active tracing)' }]);
}
