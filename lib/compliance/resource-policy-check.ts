/**
 * Resource-based policies (key, bucket, topic, queue, secret and log-group policies, role trust
 * policies and Lambda permissions): who may act on a resource. The identity-policy walk cannot see
 * these, and the mistakes differ: an open principal is the danger here, `Resource: "*"` is not (in a
 * key policy it means "this key").
 */
import { asList, resourcesOf, statementsOf, type SynthesizedTemplate } from './templates';

/** One resource-policy statement that lets in more callers or actions than it should. */
export interface ResourcePolicyFinding {
  readonly template: string;
  readonly logicalId: string;
  /** Where the document sits, e.g. `KeyPolicy` or `AssumeRolePolicyDocument`. */
  readonly location: string;
  /** Index of the statement, or undefined for a Lambda permission (no statements). */
  readonly statement?: number;
  readonly problem: string;
}

/** Resource policies inside resources: `[location, document]`. Log-group policies are JSON strings. */
export function resourcePolicies(type: string, props: Record<string, unknown>): Array<[string, unknown]> {
  switch (type) {
    case 'AWS::KMS::Key':
      return [['KeyPolicy', props.KeyPolicy]];
    case 'AWS::S3::BucketPolicy':
    case 'AWS::SNS::TopicPolicy':
    case 'AWS::SQS::QueuePolicy':
      return [['PolicyDocument', props.PolicyDocument]];
    case 'AWS::SecretsManager::ResourcePolicy':
      return [['ResourcePolicy', props.ResourcePolicy]];
    case 'AWS::Logs::ResourcePolicy':
      return [['PolicyDocument', typeof props.PolicyDocument === 'string' ? parseJson(props.PolicyDocument) : props.PolicyDocument]];
    case 'AWS::IAM::Role':
      return [['AssumeRolePolicyDocument', props.AssumeRolePolicyDocument]];
    default:
      return [];
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether a principal block lets in everyone: `"*"` or `{ AWS: "*" }` (also inside a list). */
function isOpenPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') return asList((principal as Record<string, unknown>).AWS).includes('*');
  return false;
}

/**
 * Whether the principal is the root of the template's own account: `arn:<partition>:iam::<account>:root`
 * with the `AWS::AccountId` pseudo parameter, or with the stack's account. When the stack's account is
 * not known (a template read without its assembly), a written-out account is taken for the own one.
 */
function isOwnAccountRoot(principal: unknown, account: string | undefined): boolean {
  const aws = principal && typeof principal === 'object' ? asList((principal as Record<string, unknown>).AWS) : [];
  if (aws.length !== 1) return false;
  const value = aws[0];
  const parts = typeof value === 'string' ? [value] : (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  if (!Array.isArray(parts)) return false;
  const rendered = parts
    .map((p) => (typeof p === 'string' ? p : (p as { Ref?: string }).Ref === 'AWS::AccountId' ? '<own>' : (p as { Ref?: string }).Ref === 'AWS::Partition' ? 'aws' : '?'))
    .join('');
  const match = /^arn:aws[\w-]*:iam::(<own>|\d{12}):root$/.exec(rendered);
  return !!match && (match[1] === '<own>' || account === undefined || match[1] === account);
}

/** Problems of one statement of a resource policy at `location` of a resource of `type`. */
export function resourceStatementProblems(type: string, location: string, statement: Record<string, unknown>, account?: string): string[] {
  if (statement.Effect !== 'Allow') return [];
  const problems: string[] = [];
  if (statement.NotPrincipal !== undefined) problems.push(`Allow with NotPrincipal ${JSON.stringify(statement.NotPrincipal)} lets in every other principal`);
  if (isOpenPrincipal(statement.Principal) && statement.Condition === undefined) {
    problems.push('Principal "*" without a Condition: anyone, in any account, may use this resource');
  }
  // The AWS default key policy gives the key's own account root every key action, so that IAM
  // policies can grant access; that is the one place a service-wide wildcard belongs.
  const defaultKeyPolicy = type === 'AWS::KMS::Key' && location === 'KeyPolicy' && isOwnAccountRoot(statement.Principal, account);
  for (const a of asList(statement.Action)) {
    if (a === '*') problems.push('Action "*" grants every action on the resource');
    else if (typeof a === 'string' && /^[\w-]+:\*$/.test(a) && !(defaultKeyPolicy && a === 'kms:*')) problems.push(`service-wide wildcard action "${a}"; list the actions needed`);
  }
  if (statement.NotAction !== undefined) problems.push(`Allow with NotAction ${JSON.stringify(statement.NotAction)} grants every other action`);
  return problems;
}

/**
 * Walk every resource policy of every template and report Allow statements open to any principal
 * without a condition, with `Action: "*"`, a service-wide wildcard (except `kms:*` for the key's own
 * account root, the AWS default key policy), `NotAction` or `NotPrincipal`; and Lambda permissions
 * that let any principal, or a service without a source account or ARN, invoke a function.
 */
export function checkResourcePolicies(templates: readonly SynthesizedTemplate[]): ResourcePolicyFinding[] {
  const findings: ResourcePolicyFinding[] = [];
  for (const t of templates) {
    for (const [template, logicalId, resource] of resourcesOf([t])) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::Lambda::Permission') {
        for (const problem of lambdaPermissionProblems(props)) findings.push({ template, logicalId, location: 'Properties', problem });
        continue;
      }
      for (const [location, doc] of resourcePolicies(resource.Type, props)) {
        statementsOf(doc).forEach((s, statement) => {
          for (const problem of resourceStatementProblems(resource.Type, location, s, t.account)) findings.push({ template, logicalId, location, statement, problem });
        });
      }
    }
  }
  return findings;
}

/** A Lambda permission must name who may invoke, and a service principal must be bound to a source. */
export function lambdaPermissionProblems(props: Record<string, unknown>): string[] {
  const principal = props.Principal;
  const bound = props.SourceArn !== undefined || props.SourceAccount !== undefined || props.PrincipalOrgID !== undefined;
  if (principal === '*' && !bound) return ['Principal "*" without SourceArn, SourceAccount or PrincipalOrgID: anyone may invoke the function'];
  if (typeof principal === 'string' && principal.endsWith('.amazonaws.com') && !bound) {
    return [`service principal ${principal} without SourceArn or SourceAccount: any account's ${principal.split('.')[0]} resource may invoke the function (confused deputy)`];
  }
  return [];
}

/** How many resource-policy statements and Lambda permissions the walk visited. */
export function countResourcePolicyStatements(templates: readonly SynthesizedTemplate[]): number {
  let n = 0;
  for (const [, , r] of resourcesOf(templates)) {
    if (r.Type === 'AWS::Lambda::Permission') n += 1;
    for (const [, doc] of resourcePolicies(r.Type, r.Properties ?? {})) n += statementsOf(doc).length;
  }
  return n;
}

export function formatResourcePolicyFindings(findings: readonly ResourcePolicyFinding[]): string {
  return findings.map((f) => `${f.template}/${f.logicalId} ${f.location}${f.statement === undefined ? '' : `.Statement[${f.statement}]`}: ${f.problem}`).join('\n');
}
