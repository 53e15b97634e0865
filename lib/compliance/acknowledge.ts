import { CfnResource, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Problems } from '../errors';
import { makePack, packOfRule } from './packs';

/** A finding a construct accepts, and why. */
export interface Acknowledgement {
  /**
   * Rule id as the rule pack reports it: `AwsSolutions-SQS3`, or one finding of a rule that reports
   * several, `AwsSolutions-IAM5[Resource::*]`.
   */
  readonly id: string;
  /** Why the finding does not apply or is accepted: at least 20 characters, read by auditors. */
  readonly reason: string;
}

const RULE_ID = /^[A-Za-z][\w.-]*-[A-Za-z0-9]+(\[.+\])?$/;
const MIN_REASON = 20;

/**
 * Acknowledge rule-pack findings on `scope` and everything below it, each with its reason.
 * Validates every entry first and throws one `KitError` (`InvalidAcknowledgement`) naming the bad ones,
 * so nothing is half-recorded.
 */
export function acknowledgeFindings(scope: IConstruct, acknowledgements: readonly Acknowledgement[]): void {
  const problems = new Problems('InvalidAcknowledgement');
  acknowledgements.forEach((a, i) => {
    problems.check(RULE_ID.test(a.id), `acknowledgements[${i}].id: expected a rule id such as "AwsSolutions-IAM5" or "AwsSolutions-IAM5[Resource::*]", got ${JSON.stringify(a.id)}`);
    problems.check(
      typeof a.reason === 'string' && a.reason.trim().length >= MIN_REASON,
      `acknowledgements[${i}].reason (${a.id}): expected a reason of at least ${MIN_REASON} characters saying why the finding is accepted, got ${JSON.stringify(a.reason)}`,
    );
  });
  problems.throwIfAny();
  for (const a of acknowledgements) Validations.of(scope).acknowledge({ id: a.id, reason: a.reason.trim() });
}

/** Acknowledge one finding on `scope`; see {@link acknowledgeFindings}. */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  acknowledgeFindings(scope, [{ id, reason }]);
}

/**
 * Acknowledge `AwsSolutions-IAM5` wildcard findings, one per finding (cdk-nag 3 matches each finding id exactly):
 * e.g. `['Resource::*', 'Action::s3:GetObject*']`.
 */
export function acknowledgeIamWildcards(scope: IConstruct, findings: readonly string[], reason: string): void {
  acknowledgeFindings(scope, findings.map((f) => ({ id: `AwsSolutions-IAM5[${f}]`, reason })));
}

/** CloudFormation Metadata key that exempts one resource from the customer-managed-key check, with the reason. */
export const ENCRYPTION_EXEMPTION_METADATA = 'agentcore-kit:cmk-exempt';

/**
 * Record, in the template, why a stateful resource is not encrypted with a customer-managed KMS key
 * (e.g. an S3 server-access-log bucket, which only accepts SSE-S3). The encryption check reads it.
 */
export function exemptFromCustomerManagedKey(resource: IConstruct, reason: string): void {
  const problems = new Problems('InvalidAcknowledgement');
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
  problems.check(!!cfn && CfnResource.isCfnResource(cfn), `exemptFromCustomerManagedKey: ${resource.node.path} is not a CloudFormation resource and has none as its default child`);
  problems.check(typeof reason === 'string' && reason.trim().length >= MIN_REASON, `exemptFromCustomerManagedKey(${resource.node.path}).reason: expected at least ${MIN_REASON} characters, got ${JSON.stringify(reason)}`);
  problems.throwIfAny();
  (cfn as CfnResource).cfnOptions.metadata = { ...(cfn as CfnResource).cfnOptions.metadata, [ENCRYPTION_EXEMPTION_METADATA]: reason.trim() };
}

/**
 * Acknowledge, with one reason, the findings a rule currently reports on resources *generated* inside
 * `scope` by a library the kit does not control (e.g. the CodeBuild roles of CDK Pipelines). Each finding
 * is acknowledged by its exact id on its own resource, so anything added later is still checked.
 * `match` narrows it to finding ids matching the pattern. Returns the acknowledged `ruleId at path` pairs, for review.
 */
export function acknowledgeGeneratedFindings(scope: IConstruct, rulePrefix: string, reason: string, match?: RegExp): string[] {
  const problems = new Problems('InvalidAcknowledgement');
  problems.check(RULE_ID.test(rulePrefix), `acknowledgeGeneratedFindings.rulePrefix: expected a rule id such as "AwsSolutions-IAM5", got ${JSON.stringify(rulePrefix)}`);
  problems.check(typeof reason === 'string' && reason.trim().length >= MIN_REASON, `acknowledgeGeneratedFindings.reason: expected at least ${MIN_REASON} characters, got ${JSON.stringify(reason)}`);
  problems.throwIfAny();
  // The pack the rule belongs to (AwsSolutions, NIST 800-53 R5, HIPAA Security, Serverless).
  const report = makePack(packOfRule(rulePrefix) ?? 'aws-solutions', undefined).validateScope(scope);
  const byPath = new Map(scope.node.findAll().map((c) => [c.node.path, c] as const));
  const done: string[] = [];
  for (const v of report.violations) {
    if (v.ruleName !== rulePrefix && !v.ruleName.startsWith(`${rulePrefix}[`)) continue;
    if (match && !match.test(v.ruleName)) continue;
    for (const r of v.violatingResources) {
      const target = r.constructPath ? byPath.get(r.constructPath) : undefined;
      if (!target) continue;
      Validations.of(target).acknowledge({ id: v.ruleName, reason: reason.trim() });
      done.push(`${v.ruleName} at ${r.constructPath}`);
    }
  }
  return done;
}
