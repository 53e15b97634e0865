/**
 * What the runtime construct does for the agents' spans: the kit's tracing switch as an environment
 * variable (and none of the OpenTelemetry variables AgentCore Runtime sets itself), and exactly the
 * X-Ray span-upload rights, accepted by the kit's IAM check and the rule pack.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { applyCompliance, readValidationFindings } from '../../../lib/compliance';
import { statementProblems } from '../../../lib/compliance/iam-check';
import { WILDCARD_RESOURCE_ACTIONS } from '../../../lib/compliance/wildcard-actions';
import { AgentMemory } from '../../../lib/memory';
import { AGENT_TRACING_ENV, AgentCode, AgentRuntime, AgentRuntimePerms, type AgentRuntimeProps } from '../../../lib/runtime';
import { TRACING_SWITCH } from '../../../agents/telemetry/config';

const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-code-'));
fs.writeFileSync(path.join(codeDir, 'index.mjs'), 'export {};\n');
const DISCOVERY = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/openid-configuration';

function build(overrides: Partial<AgentRuntimeProps> = {}, stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } })) {
  new AgentRuntime(stack, 'Hr', {
    runtimeName: 'hr_policy_assistant',
    protocol: 'A2A',
    code: AgentCode.fromBundle(codeDir),
    model: { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 2048 },
    auth: { discoveryUrl: DISCOVERY, allowedClients: ['client123'] },
    memory: new AgentMemory(stack, 'Memory'),
    ...overrides,
  });
  return Template.fromStack(stack);
}

function statements(template: Template): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^HrRuntimeExecutionRole') }] } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement);
}

describe('AgentRuntime agent tracing', () => {
  test('the construct sets the same switch the agents read', () => {
    expect(AGENT_TRACING_ENV).toBe(TRACING_SWITCH);
  });

  test('by default: tracing on without a variable of its own, and none of the OpenTelemetry variables the runtime sets itself', () => {
    const template = build();
    const runtime = Object.values(template.findResources('AWS::BedrockAgentCore::Runtime'))[0] as { Properties: { EnvironmentVariables: Record<string, unknown> } };
    expect(Object.keys(runtime.Properties.EnvironmentVariables).filter((k) => k.startsWith('OTEL_') || k === 'AGENT_OBSERVABILITY_ENABLED' || k === AGENT_TRACING_ENV)).toEqual([]);
  });

  test('by default: the role may put spans to X-Ray (PutSpans, PutSpansForIndexing; no resource-level permissions exist)', () => {
    const spans = statements(build()).filter((s) => [s.Action].flat().some((a) => String(a).startsWith('xray:PutSpans')));
    expect(spans).toEqual([{ Sid: 'PublishAgentSpans', Effect: 'Allow', Action: ['xray:PutSpans', 'xray:PutSpansForIndexing'], Resource: '*' }]);
    expect(AgentRuntimePerms.SPANS_PUBLISH).toEqual(['xray:PutSpans', 'xray:PutSpansForIndexing']);
    // The kit's IAM check accepts "*" for these actions only because they are listed with a reason.
    expect(statementProblems(spans[0], WILDCARD_RESOURCE_ACTIONS)).toEqual([]);
    expect(statementProblems({ ...spans[0], Action: ['xray:PutSpans', 'xray:BatchGetTraces'] }, WILDCARD_RESOURCE_ACTIONS)).not.toEqual([]);
  });

  test('agentTracing: false → AGENTCORE_KIT_TRACING=off and no span-upload grant', () => {
    const template = build({ agentTracing: false });
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', { EnvironmentVariables: Match.objectLike({ AGENTCORE_KIT_TRACING: 'off' }) });
    expect(statements(template).filter((s) => s.Sid === 'PublishAgentSpans' || [s.Action].flat().some((a) => String(a).startsWith('xray:PutSpans')))).toEqual([]);
  });

  test('when set, the switch counts toward the 50-variable limit', () => {
    const environment = Object.fromEntries(Array.from({ length: 42 }, (_, i) => [`EXTRA_${i}`, 'x']));
    expect(() => build({ environment })).not.toThrow();
    expect(() => build({ environment, agentTracing: false })).toThrow(
      '[InvalidAgentRuntimeProps] environment: 51 variables (42 given + 9 set by the construct); AgentCore allows at most 50 — pass only what this agent reads',
    );
  });
});
