import { asList, resourcesOf, statementsOf, type SynthesizedTemplate } from './templates';
import { WILDCARD_RESOURCE_ACTIONS } from './wildcard-actions';

/** One IAM statement that grants more than least privilege allows. */
export interface IamFinding {
  readonly template: string;
  readonly logicalId: string;
  /** Where the document sits: `PolicyDocument` or `Policies[0].PolicyDocument`. */
  readonly location: string;
  readonly statement: number;
  readonly problem: string;
}

export interface IamCheckOptions {
  /**
   * Extra actions allowed with `Resource: "*"`, each with its reason.
   * @default - only {@link WILDCARD_RESOURCE_ACTIONS}
   */
  readonly allowWildcardResource?: Readonly<Record<string, string>>;
}

/** Identity policies inside IAM resources: `[location, document]`. */
function policyDocuments(type: string, props: Record<string, unknown>): Array<[string, unknown]> {
  switch (type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::RolePolicy':
    case 'AWS::IAM::UserPolicy':
    case 'AWS::IAM::GroupPolicy':
      return [['PolicyDocument', props.PolicyDocument]];
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return ((props.Policies as Array<{ PolicyDocument?: unknown }> | undefined) ?? []).map((p, i) => [`Policies[${i}].PolicyDocument`, p.PolicyDocument]);
    default:
      return [];
  }
}

/** Problems of one Allow statement; an empty list means least-privilege as far as the template shows. */
export function statementProblems(statement: Record<string, unknown>, allow: Readonly<Record<string, string>>): string[] {
  if (statement.Effect !== 'Allow') return [];
  const problems: string[] = [];
  if (statement.NotAction !== undefined) problems.push(`Allow with NotAction ${JSON.stringify(statement.NotAction)} grants every other action`);
  const actions = asList(statement.Action);
  for (const a of actions) {
    if (a === '*') problems.push('Action "*" grants every action of every service');
    else if (typeof a === 'string' && /^[\w-]+:\*$/.test(a)) problems.push(`service-wide wildcard action "${a}"; list the actions needed`);
  }
  if (statement.NotResource !== undefined) problems.push(`Allow with NotResource ${JSON.stringify(statement.NotResource)} grants every other resource`);
  if (asList(statement.Resource).includes('*')) {
    const unjustified = actions.filter((a) => typeof a !== 'string' || !(a in allow));
    if (unjustified.length) {
      problems.push(`Resource "*" for ${unjustified.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')}; scope it to ARNs (only actions in the wildcard allow-list may use "*")`);
    }
  }
  return problems;
}

/**
 * Walk every identity policy (inline policies of roles, users and groups; AWS::IAM::Policy,
 * ManagedPolicy, RolePolicy...) of every template and report statements that allow `Action: "*"`,
 * a service-wide wildcard such as `s3:*`, `NotAction`/`NotResource`, or `Resource: "*"` for an action
 * outside the allow-list.
 */
export function checkIamPolicies(templates: readonly SynthesizedTemplate[], options: IamCheckOptions = {}): IamFinding[] {
  const allow = { ...WILDCARD_RESOURCE_ACTIONS, ...options.allowWildcardResource };
  const findings: IamFinding[] = [];
  for (const [template, logicalId, resource] of resourcesOf(templates)) {
    for (const [location, doc] of policyDocuments(resource.Type, resource.Properties ?? {})) {
      statementsOf(doc).forEach((s, statement) => {
        for (const problem of statementProblems(s, allow)) findings.push({ template, logicalId, location, statement, problem });
      });
    }
  }
  return findings;
}

/** How many identity-policy statements the walk visited (to show the check saw the app). */
export function countIamStatements(templates: readonly SynthesizedTemplate[]): number {
  let n = 0;
  for (const [, , r] of resourcesOf(templates)) {
    for (const [, doc] of policyDocuments(r.Type, r.Properties ?? {})) n += statementsOf(doc).length;
  }
  return n;
}

export function formatIamFindings(findings: readonly IamFinding[]): string {
  return findings.map((f) => `${f.template}/${f.logicalId} ${f.location}.Statement[${f.statement}]: ${f.problem}`).join('\n');
}
