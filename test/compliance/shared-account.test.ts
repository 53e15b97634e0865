/**
 * dev and prod deployed into one account: every IAM statement of one environment must stay on its
 * own resources. A grant on a wildcard resource must carry the environment's name (runtime names,
 * table and function names carry it) or point at a resource of its own stack; what cannot be scoped
 * is listed below with the reason, so any new unscoped grant fails here.
 */
import { App } from 'aws-cdk-lib';
import { AgentPlatform } from '../../lib/app/platform';
import { collectTemplates, type SynthesizedTemplate } from '../../lib/compliance';
import { loadEnvironment } from '../../lib/config';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

/** Wildcard grants no environment prefix or tag can narrow, each with why (action list → resource). */
const UNSCOPABLE: Record<string, string> = {
  's3:GetObject*,s3:GetBucket*,s3:List* → arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-111111111111-us-east-1/*':
    'read of the CDK bootstrap asset bucket every environment of the account deploys from (Runtime L2 code assets); read-only, no environment data',
  'bedrock:InvokeModel,bedrock:InvokeModelWithResponseStream → arn:<AWS::Partition>:bedrock:*:111111111111:inference-profile/*': 'judge models the built-in evaluators choose; models hold no environment data',
  'bedrock:InvokeModel,bedrock:InvokeModelWithResponseStream → arn:<AWS::Partition>:bedrock:*::foundation-model/*': 'judge models the built-in evaluators choose; models hold no environment data',
  'logs:CreateLogGroup,logs:CreateLogStream,logs:PutLogEvents → arn:<AWS::Partition>:logs:us-east-1:111111111111:log-group:/aws/bedrock-agentcore/evaluations/*':
    'online evaluation result log groups are named by the service per configuration id, not by the kit: NOT separated between environments of one account',
  'logs:StartQuery,logs:GetQueryResults → arn:<AWS::Partition>:logs:us-east-1:111111111111:log-group:aws/spans:*':
    'aws/spans is one log group per account and region for every environment (Transaction Search): NOT separated between environments of one account',
};

/** A resource as one string: Refs and GetAtts as `<LogicalId>`, joins joined. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v && 'Ref' in v) return `<${String(v.Ref)}>`;
  if (v && 'Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[])[0]}>`;
  if (v && 'Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  return JSON.stringify(value);
}

interface Grant {
  readonly env: string;
  readonly stack: string;
  readonly actions: string;
  readonly resource: string;
  /** The statement's Condition, rendered. */
  readonly condition: string;
}

function grantsOf(t: SynthesizedTemplate, env: string): Grant[] {
  const grants: Grant[] = [];
  for (const r of Object.values(t.template.Resources ?? {})) {
    const props = (r.Properties ?? {}) as { PolicyDocument?: { Statement: unknown[] }; Policies?: Array<{ PolicyDocument: { Statement: unknown[] } }> };
    const docs = [...(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) && props.PolicyDocument ? [props.PolicyDocument] : []), ...(r.Type === 'AWS::IAM::Role' ? (props.Policies ?? []).map((p) => p.PolicyDocument) : [])];
    for (const doc of docs) {
      for (const st of doc.Statement as Array<{ Effect?: string; Action?: unknown; Resource?: unknown; Condition?: unknown }>) {
        // A deny grants nothing (e.g. the guardrail requirement on every Bedrock resource): only allows can cross environments.
        if (st.Effect === 'Deny') continue;
        const condition = st.Condition === undefined ? '' : JSON.stringify(st.Condition);
        for (const res of [st.Resource ?? []].flat()) grants.push({ env, stack: t.name, actions: [st.Action].flat().join(','), resource: render(res), condition });
      }
    }
  }
  return grants;
}

/**
 * Scoped: no wildcard, or the environment's name in it, or a resource of the template itself (`<Id>`, `<Id>/*`, `<Id>:*`),
 * or a resource-tag condition naming the environment (A/B tests: `aws:ResourceTag/agentcore-kit:release` = `<env>-<agent>`).
 */
function scoped(g: Grant): boolean {
  if (g.resource === '*' || !g.resource.includes('*')) return true; // bare "*" is the IAM check's business (allow-list)
  if ([`_${g.env}`, `-${g.env}`, `${g.env}-`, `${g.env}_`].some((m) => g.resource.includes(m))) return true;
  if (/aws:ResourceTag\//.test(g.condition) && g.condition.includes(`"${g.env}-`)) return true;
  return /^<\w+>([/:].*)?$/.test(g.resource);
}

let grants: Grant[];
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  for (const name of ['dev', 'prod']) new AgentPlatform(app, { config: { ...loadEnvironment(name), account: ACCOUNT, region: REGION } });
  const templates = collectTemplates(app.synth());
  grants = templates.flatMap((t) => grantsOf(t, /-dev-/.test(t.name) ? 'dev' : /-prod-/.test(t.name) ? 'prod' : 'unknown'));
}, 600_000);

test('both environments synthesize into the one account and every template belongs to one of them', () => {
  expect(grants.length).toBeGreaterThan(100);
  expect(grants.filter((g) => g.env === 'unknown')).toEqual([]);
});

test('no grant of one environment names the other', () => {
  const crossing = grants.filter((g) => [`_${g.env === 'dev' ? 'prod' : 'dev'}`, `-${g.env === 'dev' ? 'prod' : 'dev'}-`].some((m) => g.resource.includes(m)));
  expect(crossing).toEqual([]);
});

test('every wildcard grant is scoped to its environment, except the listed unscopable ones', () => {
  const unscoped = [...new Set(grants.filter((g) => !scoped(g)).map((g) => `${g.actions} → ${g.resource}`))].sort();
  expect(unscoped).toEqual(Object.keys(UNSCOPABLE).sort());
});

test('runtime log groups and workload identities are per runtime (hence per environment)', () => {
  const runtimeGrants = grants.filter((g) => /bedrock-agentcore\/runtimes\/|workload-identity\//.test(g.resource) && g.resource.includes('*'));
  expect(runtimeGrants.length).toBeGreaterThan(0);
  expect(runtimeGrants.filter((g) => /runtimes\/\*|workload-identity\/\*/.test(g.resource))).toEqual([]);
});
