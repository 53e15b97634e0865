/**
 * Names that must be unique per account and region, checked across the whole app at synth: two
 * runtimes, log groups, SSM parameters or IAM roles with one fixed name synthesize silently and then
 * fail at deploy time — one KitError names every such collision and both construct paths. Two
 * functions publishing metrics under one namespace and service deploy fine but count each other's
 * data in their alarms: a warning on the later construct, naming both (an error once the reference
 * pipeline's shared-account layout gives each environment its own metric dimensions).
 */
import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { KitError } from '../errors';

/** What must be unique, by CloudFormation type: the kind of name and how to read it from the resource's properties. */
const NAMED: Readonly<Record<string, { readonly kind: string; readonly severity?: Severity; readonly name: (props: Record<string, unknown>) => unknown }>> = {
  'AWS::BedrockAgentCore::Runtime': { kind: 'runtime name', name: (p) => p.agentRuntimeName },
  'AWS::Logs::LogGroup': { kind: 'log group name', name: (p) => p.logGroupName },
  'AWS::SSM::Parameter': { kind: 'SSM parameter name', name: (p) => p.name },
  'AWS::IAM::Role': { kind: 'IAM role name', name: (p) => p.roleName },
  'AWS::Lambda::Function': {
    kind: 'metric namespace and service (POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME)',
    severity: 'warning',
    name: (p) => {
      const env = ((p.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {}) as Record<string, unknown>;
      return env.POWERTOOLS_METRICS_NAMESPACE !== undefined && env.POWERTOOLS_SERVICE_NAME !== undefined ? `${env.POWERTOOLS_METRICS_NAMESPACE}/${env.POWERTOOLS_SERVICE_NAME}` : undefined;
    },
  },
};

/** An error fails synth; a warning is an annotation (`cdk synth` prints it, `--strict` fails on it). */
export type Severity = 'error' | 'warning';

interface Claim {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly construct: IConstruct;
  readonly severity: Severity;
}

const CLAIMS = Symbol.for('agentcore-kit.deploy-collisions.claims');

function claims(root: IConstruct): Claim[] {
  const marked = root as unknown as Record<symbol, Claim[] | undefined>;
  let list = marked[CLAIMS];
  if (!list) {
    list = [];
    Object.defineProperty(root, CLAIMS, { value: list, enumerable: false });
    const own = list;
    root.node.addValidation({ validate: () => throwOnCollisions(root, own) });
  }
  return list;
}

/** Where a stack deploys: its account and region, `*` for one the app leaves to the CLI (assumed shared). */
function target(scope: IConstruct): string {
  const stack = Stack.of(scope);
  const part = (v: string) => (Token.isUnresolved(v) ? '*' : v);
  return `${part(stack.account)}/${part(stack.region)}`;
}

/**
 * Check the whole app `scope` belongs to for deploy-time name collisions at synth (registered once per
 * app; the kit's runtime and gateway constructs call it, so any app using them is checked).
 */
export function checkDeployCollisions(scope: IConstruct): void {
  claims(scope.node.root);
}

/**
 * Claim a name no template shows (e.g. a metric namespace and dimension fixed in a function's code)
 * as unique per account and region in the app `scope` belongs to.
 */
export function claimDeployName(scope: IConstruct, kind: string, name: string, severity: Severity = 'error'): void {
  claims(scope.node.root).push({ kind, name: `${target(scope)} ${name}`, path: scope.node.path, construct: scope, severity });
}

function throwOnCollisions(root: IConstruct, claimed: readonly Claim[]): string[] {
  const all: Claim[] = [...claimed];
  for (const c of root.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    const named = NAMED[c.cfnResourceType];
    if (!named) continue;
    const stack = Stack.of(c);
    const name = named.name(stack.resolve((c as unknown as { cfnProperties: Record<string, unknown> }).cfnProperties) as Record<string, unknown>);
    // Generated names (tokens, intrinsics) are unique by construction.
    if (typeof name !== 'string' || Token.isUnresolved(name)) continue;
    all.push({ kind: named.kind, name: `${target(c)} ${name}`, path: c.node.path, construct: c, severity: named.severity ?? 'error' });
  }
  const first = new Map<string, Claim>();
  const problems: string[] = [];
  for (const claim of all) {
    const key = `${claim.kind}\u0000${claim.name}`;
    const earlier = first.get(key);
    if (!earlier) first.set(key, claim);
    else if (earlier.path !== claim.path) {
      const [where, ...name] = claim.name.split(' ');
      const message = `${claim.kind} ${JSON.stringify(name.join(' '))} is used twice in ${where === '*/*' ? 'one deployment environment' : where}: ${earlier.path} and ${claim.path}; give one of them another name`;
      if (claim.severity === 'error') problems.push(message);
      else Annotations.of(claim.construct).addWarningV2('agentcore-kit:deploy-collision', message);
    }
  }
  if (problems.length) throw new KitError('DeployCollision', problems);
  return [];
}
