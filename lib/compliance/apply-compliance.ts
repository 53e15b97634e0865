import { Stage, Validations } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { KitError } from '../errors';
import { KitChecksPlugin } from './kit-checks-plugin';
import { acknowledgeInlinePolicies, makePack, validatePackNames, type CompliancePackName } from './packs';

export interface ComplianceOptions {
  /**
   * cdk-nag rule packs to run (the environment config's `compliance.packs`):
   * `aws-solutions`, `nist-800-53-r5`, `hipaa-security`, `serverless`.
   * @default ['aws-solutions']
   */
  readonly packs?: readonly (CompliancePackName | string)[];
  /**
   * Include each rule's explanation in the findings.
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * Also write acknowledgements into each resource's CloudFormation Metadata (`cdk_nag.rules_to_suppress`)
   * for audit tooling that reads templates.
   * @default false
   */
  readonly writeAcknowledgementsToTemplates?: boolean;
  /**
   * Also run the kit's own checks (least-privilege IAM, customer-managed keys, template limits) at synth.
   * @default true
   */
  readonly kitChecks?: boolean;
  /**
   * Extra actions the IAM check allows with `Resource: "*"`, each with its reason.
   * @default - only `WILDCARD_RESOURCE_ACTIONS`
   */
  readonly allowWildcardResource?: Readonly<Record<string, string>>;
}

const APPLIED = Symbol.for('agentcore-kit.compliance.applied');

/**
 * Run the chosen cdk-nag packs (`AwsSolutionsChecks` by default) and the kit's own checks ({@link KitChecksPlugin}) at synth over
 * the whole construct tree `scope` belongs to (registered once on the root App or Stage, whatever `scope`
 * is given; calling it again is a no-op).
 *
 * Findings land in the cloud assembly's `validation-report.json` next to the CloudFormation schema
 * validation that aws-cdk-lib runs by default; unacknowledged errors fail the synth.
 * Acknowledge a finding where it is decided, with a reason: `acknowledgeFinding(construct, id, reason)`.
 */
export function applyCompliance(scope: IConstruct, options: ComplianceOptions = {}): NagPack {
  const root = scope.node.root;
  if (!Stage.isStage(root)) {
    throw new KitError('InvalidComplianceScope', [`applyCompliance: the root of ${scope.node.path || '(root)'} must be an App or a Stage, got ${root.constructor.name}`]);
  }
  const names = validatePackNames(options.packs ?? ['aws-solutions'], 'applyCompliance: packs');
  const marked = root as unknown as Record<symbol, NagPack | undefined>;
  const existing = marked[APPLIED];
  if (existing) return existing;
  const packs = names.map((n) => makePack(n, root, { verbose: options.verbose ?? false, writeSuppressionsToCloudFormation: options.writeAcknowledgementsToTemplates ?? false }));
  Validations.of(root).addPlugins(...packs);
  acknowledgeInlinePolicies(root, names);
  const pack = packs[0];
  if (options.kitChecks ?? true) Validations.of(root).addPlugins(new KitChecksPlugin({ allowWildcardResource: options.allowWildcardResource }));
  Object.defineProperty(root, APPLIED, { value: pack, enumerable: false });
  return pack;
}
