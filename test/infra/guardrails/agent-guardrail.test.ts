import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { COMPENSATION_TERMS } from '../../../catalog/policy-text';
import { applyCompliance, checkEncryption, checkIamPolicies, collectTemplates, formatEncryptionFindings, formatIamFindings, formatValidationFindings, readValidationFindings } from '../../../lib/compliance';
import { resolveEnvironment, BUILT_IN_ENVIRONMENTS } from '../../../lib/config';
import { AgentGuardrail, COMPENSATION_TOPIC, type AgentGuardrailProps } from '../../../lib/guardrails';
import { AgentObservability } from '../../../lib/observability';
import { AgentCode, AgentRuntime } from '../../../lib/runtime';
import { importedRuntime } from '../observability/helpers';

const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-code-'));
fs.writeFileSync(path.join(codeDir, 'index.mjs'), 'export {};\n');
const ENV = { account: '111111111111', region: 'us-east-1' };

function build(props: Partial<AgentGuardrailProps> = {}, app = new App()) {
  const stack = new Stack(app, 'Test', { env: ENV });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const guardrail = new AgentGuardrail(stack, 'Guardrail', { guardrailName: 'agentcore-kit-dev', encryptionKey: key, ...props });
  const agent = new AgentRuntime(stack, 'Hr', {
    runtimeName: 'hr_dev',
    protocol: 'A2A',
    code: AgentCode.fromBundle(codeDir),
    model: { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', temperature: 0.2, maxTokens: 2048 },
    auth: { discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', allowedClients: ['c1'] },
    environment: guardrail.environment(),
    logEncryptionKey: key,
  });
  guardrail.applyTo(agent.runtime);
  return { stack, guardrail, agent, template: Template.fromStack(stack) };
}

function roleStatements(template: Template): Record<string, any>[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^HrRuntimeExecutionRole') }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('AgentGuardrail', () => {
  const { template } = build();

  test('content filters on prompts and answers, prompt attacks on prompts only, compensation denied, PII masked, with the key', () => {
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      Name: 'agentcore-kit-dev',
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      ContentPolicyConfig: {
        FiltersConfig: Match.arrayWith([
          { Type: 'HATE', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'MISCONDUCT', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' },
        ]),
      },
      TopicPolicyConfig: { TopicsConfig: Match.arrayWith([Match.objectLike({ Name: 'Compensation', Type: 'DENY' }), Match.objectLike({ Name: 'Investment advice', Type: 'DENY' })]) },
      SensitiveInformationPolicyConfig: { PiiEntitiesConfig: Match.arrayWith([{ Type: 'US_SOCIAL_SECURITY_NUMBER', Action: 'ANONYMIZE' }, { Type: 'AWS_SECRET_KEY', Action: 'ANONYMIZE' }]) },
    });
  });

  test('the compensation topic speaks of the terms the Cedar forbids refuse', () => {
    const text = [COMPENSATION_TOPIC.definition, ...(COMPENSATION_TOPIC.examples ?? [])].join(' ').toLowerCase();
    const covered = COMPENSATION_TERMS.filter((t) => text.includes(t));
    expect(covered).toEqual(expect.arrayContaining(['compensation', 'salar', 'payroll', 'bonus', 'wage', 'pay band', 'stock option', 'equity grant']));
  });

  test('a published version, retained so a rolled-back runtime version still finds its guardrail version', () => {
    template.hasResource('AWS::Bedrock::GuardrailVersion', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { GuardrailIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guardrail'), 'GuardrailId'] }, Description: Match.stringLikeRegexp('^configuration [0-9a-f]{12}$') },
    });
  });

  test('a changed configuration publishes a new version; the same configuration does not', () => {
    const description = (t: Template) => Object.values(t.findResources('AWS::Bedrock::GuardrailVersion'))[0].Properties.Description;
    expect(description(build().template)).toBe(description(template));
    expect(description(build({ contentFilterStrength: 'MEDIUM' }).template)).not.toBe(description(template));
  });

  test('the runtime gets the guardrail id and the published version number', () => {
    template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      EnvironmentVariables: Match.objectLike({
        GUARDRAIL_ID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guardrail'), 'GuardrailId'] },
        GUARDRAIL_VERSION: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardrailVersion'), 'Version'] },
      }),
    });
  });

  test('the role may apply this guardrail only, and every model call without one of its versions is denied', () => {
    const statements = roleStatements(template);
    const apply = statements.filter((s) => [s.Action].flat().includes('bedrock:ApplyGuardrail'));
    expect(apply).toEqual([{ Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Guardrail/), 'GuardrailArn'] } }]);
    const deny = statements.filter((s) => s.Effect === 'Deny');
    expect(deny).toEqual([
      {
        Sid: 'RequireAgentGuardrail',
        Effect: 'Deny',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*:*:*']] },
        Condition: { StringNotLike: { 'bedrock:GuardrailIdentifier': [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Guardrail/), 'GuardrailArn'] }, ':*']] }] } },
      },
    ]);
    // The guardrail's configuration is decrypted through Bedrock only.
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 'bedrock.us-east-1.amazonaws.com' } },
    });
  });

  test('zero compliance findings with the guardrail applied to a runtime', () => {
    const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    applyCompliance(app);
    build({}, app);
    const assembly = app.synth();
    expect(formatValidationFindings(readValidationFindings(assembly))).toBe('');
    const templates = collectTemplates(assembly);
    expect(formatIamFindings(checkIamPolicies(templates))).toBe('');
    expect(formatEncryptionFindings(checkEncryption(templates))).toBe('');
  });

  test('interventions and the intervention rate are on the environment dashboard', () => {
    const stack = new Stack(new App(), 'Obs', { env: ENV });
    const guardrail = new AgentGuardrail(stack, 'Guardrail', { guardrailName: 'g' });
    new AgentObservability(stack, 'Observability', {
      environmentName: 'dev',
      agents: [{ name: 'hr', runtime: importedRuntime(stack, 'hr_dev'), prices: { inputPricePer1k: 0.001, outputPricePer1k: 0.005 } }],
      logRetentionDays: 14,
      alarms: { errorRatePercent: 10, latencyP95Ms: 15000, throttles: 10, policyDenialsPer5Min: 50, evaluationScoreMin: 0.7, evaluationPeriods: 3 },
      guardrail: { invocations: guardrail.metricInvocations(), interventions: guardrail.metricInterventions() },
    });
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Guardrail interventions vs evaluations');
    expect(body).toContain('AWS/Bedrock/Guardrails');
    expect(body).toContain('InvocationsIntervened');
    expect(body).toContain('100 * intervened / evaluated');
  });

  test('bad props are refused together, naming each field', () => {
    expect(() =>
      build({
        guardrailName: 'bad name',
        deniedTopics: [{ name: 'Pay', definition: 'x'.repeat(201), examples: ['a', 'b', 'c', 'd', 'e', 'f'] }],
        piiEntities: ['SSN' as never],
      }),
    ).toThrow(/InvalidAgentGuardrailProps.*\n.*guardrailName: "bad name"[\s\S]*deniedTopics\[0\]\.definition: 201 characters; expected 1–200[\s\S]*deniedTopics\[0\]\.examples: 6 examples; at most 5[\s\S]*piiEntities: "SSN" is not a PII type/);
  });
});

describe('guardrail in the environment config', () => {
  test('on in every built-in environment, stricter filters outside dev', () => {
    const cfg = (n: string) => resolveEnvironment(BUILT_IN_ENVIRONMENTS[n]);
    expect(cfg('dev').guardrail).toMatchObject({ enabled: true, contentFilterStrength: 'MEDIUM', promptAttackStrength: 'HIGH', piiAction: 'ANONYMIZE', extraDeniedTopics: [] });
    expect(cfg('prod').guardrail).toMatchObject({ enabled: true, contentFilterStrength: 'HIGH' });
  });

  test('a wrong value names the field and what is allowed', () => {
    const bad = { ...BUILT_IN_ENVIRONMENTS.dev, guardrail: { enabled: true, contentFilterStrength: 'EXTREME', promptAttackStrength: 'HIGH', piiAction: 'ANONYMIZE', piiEntities: ['SSN'] } };
    expect(() => resolveEnvironment(bad)).toThrow(/guardrail\.contentFilterStrength: .*"LOW"\|"MEDIUM"\|"HIGH"|guardrail\.contentFilterStrength: .*LOW.*MEDIUM.*HIGH/);
    expect(() => resolveEnvironment(bad)).toThrow(/guardrail\.piiEntities\.0: expected one of ADDRESS, .*got "SSN"/);
  });
});

describe('no Browser for the reference agents', () => {
  test('a config asking for one is refused, saying why and what to do instead', () => {
    const bad = { ...BUILT_IN_ENVIRONMENTS.staging, agents: { orchestration: 'hierarchical', codeInterpreter: true, browser: 'PUBLIC' } };
    expect(() => resolveEnvironment(bad)).toThrow(/agents\.browser: the reference agents have no browser tool, so no AgentCore Browser is provisioned; expected "off", got "PUBLIC" \(give your own agent a Browser with the AgentRuntime construct's browser prop/);
  });

  test('configs that say off, or say nothing, stay valid', () => {
    const { browser: _omitted, ...agents } = BUILT_IN_ENVIRONMENTS.staging.agents as Record<string, unknown>;
    expect(resolveEnvironment({ ...BUILT_IN_ENVIRONMENTS.staging, agents }).agents.browser).toBe('off');
    expect(resolveEnvironment(BUILT_IN_ENVIRONMENTS.staging).agents.browser).toBe('off');
  });
});
