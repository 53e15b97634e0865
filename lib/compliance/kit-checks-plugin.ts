import * as path from 'node:path';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { checkEncryption } from './encryption-check';
import { checkIamPolicies, type IamCheckOptions } from './iam-check';
import { checkIamReference, checkResourcePolicyReference } from './iam-reference-check';
import { checkResourcePolicies } from './resource-policy-check';
import { CFN_LIMITS, templateSizes } from './template-limits';
import { loadTemplates, type SynthesizedTemplate } from './templates';

/**
 * The kit's own synth-time checks, next to cdk-nag and the CloudFormation schema validation in the
 * validation report: least-privilege IAM (no `Action: "*"`, no `service:*`, no `Resource: "*"` outside
 * the allow-list), IAM statements against the Service Authorization Reference (iam-reference-check.ts), resource policies closed to unnamed callers, customer-managed KMS keys on stateful resources, and the CloudFormation template limits.
 * Findings are `fatal`, which `Validations.acknowledge` cannot suppress: extend the IAM allow-list through
 * the options, or exempt a resource from the key check with a reason (`exemptFromCustomerManagedKey`).
 * The compliance tests run the same checks directly.
 */
export class KitChecksPlugin implements IPolicyValidationPlugin {
  readonly name = 'AgentCoreKit';
  readonly ruleIds = ['IamLeastPrivilege', 'IamReference', 'ResourcePolicy', 'CustomerManagedKey', 'TemplateLimits'];

  constructor(private readonly options: IamCheckOptions = {}) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const templates = loadTemplates(context.stackTemplates.map((s) => ({ file: s.templatePath, name: path.basename(s.templatePath, '.template.json') })));
    const fileOf = new Map(templates.map((t) => [t.name, t.file] as const));
    const violations: PolicyViolation[] = [];
    const add = (ruleName: string, description: string, template: string, logicalId?: string, location = 'Properties') => {
      const existing = violations.find((v) => v.ruleName === ruleName && v.description === description);
      const resource = { templatePath: fileOf.get(template), resourceLogicalId: logicalId, locations: [location] };
      if (existing) existing.violatingResources.push(resource);
      else violations.push({ ruleName, description, severity: 'fatal', violatingResources: [resource] });
    };
    for (const f of checkIamPolicies(templates, this.options)) add('IamLeastPrivilege', f.problem, f.template, f.logicalId, `Properties.${f.location}.Statement.${f.statement}`);
    for (const f of [...checkIamReference(templates), ...checkResourcePolicyReference(templates)]) add('IamReference', `${f.kind}: ${f.location ? `${f.location}: ` : ''}${f.detail}`, f.template, f.resource);
    for (const f of checkResourcePolicies(templates)) add('ResourcePolicy', f.problem, f.template, f.logicalId, f.statement === undefined ? 'Properties' : `Properties.${f.location}.Statement.${f.statement}`);
    for (const f of checkEncryption(templates)) add('CustomerManagedKey', f.problem, f.template, f.logicalId);
    for (const s of templateSizes(templates as SynthesizedTemplate[])) {
      if (s.resources > CFN_LIMITS.resources) add('TemplateLimits', `${s.resources} resources; CloudFormation allows ${CFN_LIMITS.resources} per template`, s.name, undefined, 'Resources');
      if (s.bytes > CFN_LIMITS.bytes) add('TemplateLimits', `${s.bytes} bytes; CloudFormation allows ${CFN_LIMITS.bytes} per template`, s.name, undefined, 'Resources');
    }
    return { success: violations.length === 0, violations };
  }
}
