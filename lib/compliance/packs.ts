/**
 * The cdk-nag rule packs an environment can run at synth, by the name the environment config uses
 * (`compliance.packs`). cdk-nag 3 registers packs as policy-validation plugins
 * (`Validations.of(app).addPlugins(pack)`) and takes acknowledgements through
 * `Validations.of(scope).acknowledge({ id, reason })`.
 */
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks, type NagPack, type NagPackProps } from 'cdk-nag';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { COMPLIANCE_PACK_NAMES, type CompliancePackName } from '../config/schema';
import { Problems } from '../errors';

export { COMPLIANCE_PACK_NAMES, type CompliancePackName };

const PACKS: Readonly<Record<CompliancePackName, { readonly make: (scope: IConstruct | undefined, props: NagPackProps) => NagPack; readonly rulePrefix: string }>> = {
  'aws-solutions': { make: (s, p) => new AwsSolutionsChecks(s, p), rulePrefix: 'AwsSolutions-' },
  'nist-800-53-r5': { make: (s, p) => new NIST80053R5Checks(s, p), rulePrefix: 'NIST.800.53.R5-' },
  'hipaa-security': { make: (s, p) => new HIPAASecurityChecks(s, p), rulePrefix: 'HIPAA.Security-' },
  serverless: { make: (s, p) => new ServerlessChecks(s, p), rulePrefix: 'Serverless-' },
};

/** Throws one KitError naming every unknown pack and the known ones. */
export function validatePackNames(names: readonly string[], field = 'compliance.packs'): CompliancePackName[] {
  const problems = new Problems('InvalidCompliancePacks');
  problems.check(names.length > 0, `${field}: expected at least one of ${COMPLIANCE_PACK_NAMES.join(', ')}`);
  for (const n of names) problems.check((COMPLIANCE_PACK_NAMES as readonly string[]).includes(n), `${field}: unknown compliance pack ${JSON.stringify(n)}; expected one of ${COMPLIANCE_PACK_NAMES.join(', ')}`);
  problems.check(new Set(names).size === names.length, `${field}: a pack is listed twice (${names.join(', ')})`);
  problems.throwIfAny();
  return names as CompliancePackName[];
}

/** A new pack of that name. */
export function makePack(name: CompliancePackName, scope: IConstruct | undefined, props: NagPackProps = {}): NagPack {
  return PACKS[name].make(scope, props);
}

/** The pack whose rule ids start like `ruleId` (`NIST.800.53.R5-IAMNoInlinePolicy` → nist-800-53-r5). */
export function packOfRule(ruleId: string): CompliancePackName | undefined {
  return (Object.keys(PACKS) as CompliancePackName[]).find((n) => ruleId.startsWith(PACKS[n].rulePrefix));
}

/** The rule ids a NIST 800-53 R5 / HIPAA Security / Serverless rule name has in each pack that holds it. */
function idsOf(rules: readonly { readonly rule: string; readonly packs: readonly CompliancePackName[] }[]): string[] {
  return rules.flatMap(({ rule, packs }) => packs.map((p) => `${PACKS[p].rulePrefix}${rule}`));
}
const NIST_HIPAA: readonly CompliancePackName[] = ['nist-800-53-r5', 'hipaa-security'];

/** How a kit function is invoked: decides whether a dead-letter queue could ever receive an event. */
export type FunctionInvocation =
  /** Called and awaited by `caller`: a failure returns to it, nothing is queued. */
  | { readonly kind: 'synchronous'; readonly caller: string }
  /** A CloudFormation custom-resource handler: the deployment waits for its response and fails without one. */
  | { readonly kind: 'custom-resource'; readonly caller: string }
  /** Invoked asynchronously; failed events go to `destination` (the event-invoke config's on-failure destination). */
  | { readonly kind: 'asynchronous'; readonly caller: string; readonly destination: string };

/**
 * Acknowledge, on one kit function, the findings of the NIST 800-53 R5, HIPAA Security and Serverless
 * packs that do not fit how the kit runs functions — with the reason specific to this function's
 * invocation. Acknowledging a rule of a pack that is not applied changes nothing.
 */
export function acknowledgeFunctionBaseline(fn: IConstruct, invocation: FunctionInvocation): void {
  const dlq =
    invocation.kind === 'synchronous'
      ? `Invoked synchronously by ${invocation.caller}: a failure is returned to the caller and nothing is queued, so a dead-letter queue would never receive an event`
      : invocation.kind === 'custom-resource'
        ? `Custom-resource handler of ${invocation.caller}: CloudFormation waits for its response, and a failed or lost invocation fails the deployment, which is the alert; a dead-letter queue would hold an event nobody replays`
        : `Invoked asynchronously by ${invocation.caller}; failed events go to the on-failure destination of its event-invoke config (${invocation.destination}), which also keeps the response context a dead-letter queue drops`;
  const entries = [
    ...idsOf([{ rule: 'LambdaDLQ', packs: [...NIST_HIPAA, 'serverless'] }]).map((id) => ({ id, reason: dlq })),
    ...idsOf([{ rule: 'LambdaConcurrency', packs: NIST_HIPAA }]).map((id) => ({
      id,
      reason: `No reserved concurrency: a reservation is taken from the account's shared pool (every environment in the account) and caps the function; its load is bounded by its caller (${invocation.caller})`,
    })),
    ...idsOf([{ rule: 'LambdaInsideVPC', packs: NIST_HIPAA }]).map((id) => ({
      id,
      reason: 'The function reaches only AWS service APIs over IAM-signed TLS and no private network resource; a VPC would add NAT or endpoints without narrowing what it can reach (its own role does)',
    })),
    ...idsOf([{ rule: 'LambdaLatestVersion', packs: ['serverless'] }]).map((id) => ({
      id,
      reason: 'Pinned to NODEJS_22_X on purpose: the agents run on AgentCore NODE_22 and the kit moves every runtime together, tested',
    })),
  ];
  for (const e of entries) Validations.of(fn).acknowledge(e);
}

/**
 * Acknowledge the "alarm has no action" finding on an alarm whose consequence is elsewhere: e.g. a
 * CodeDeploy rollback alarm, or a member of a composite alarm that notifies.
 */
export function acknowledgeAlarmWithoutAction(alarm: IConstruct, why: string): void {
  for (const id of idsOf([{ rule: 'CloudWatchAlarmAction', packs: NIST_HIPAA }])) Validations.of(alarm).acknowledge({ id, reason: why });
}

/**
 * cdk-nag's NIST/HIPAA `IAMNoInlinePolicy` reports every role policy CDK grants write
 * (`AWS::IAM::Policy` attached to its one role). The kit grants per role, least privilege, from the
 * construct that owns the resource; a customer-managed policy could be attached to other principals
 * and would outlive the role. Acknowledged once, at the root, when those packs run.
 */
export const INLINE_POLICY_REASON =
  'Every kit role gets its own least-privilege grants from the construct that owns each resource (CDK role policies); a customer-managed policy could be attached to other principals and would outlive the role';
export function acknowledgeInlinePolicies(root: IConstruct, packs: readonly CompliancePackName[]): void {
  for (const id of idsOf([{ rule: 'IAMNoInlinePolicy', packs: NIST_HIPAA.filter((p) => packs.includes(p)) }])) Validations.of(root).acknowledge({ id, reason: INLINE_POLICY_REASON });
}
