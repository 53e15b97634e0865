/** Inbound identity (Cognito default, any OIDC IdP), workload identities, outbound credentials. */
import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CognitoIdentity, Identity, OutboundCredentials, ROLES, WorkloadIdentities } from '../../../lib/identity';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const renderAuthorizer = (a: { _render(): unknown }) => a._render();

describe('Identity.cognito', () => {
  let stack: Stack;
  let idp: CognitoIdentity;
  let template: Template;
  const invokeScope = () => ({ 'Fn::Join': ['', [{ Ref: stack.getLogicalId(idp.resourceServer.node.defaultChild as never) }, '/invoke']] });
  beforeAll(() => {
    stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Idp', { env: ENV });
    idp = Identity.cognito(stack, 'Identity', { kmsKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }), domainPrefix: 'acme-agents-dev', callbackUrls: ['https://agents.example.com/callback'] });
    template = Template.fromStack(stack);
  });

  test('user pool on the Plus plan with threat protection enforced, MFA required, strong passwords, no self sign-up', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true, RequireNumbers: true }) },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  test('one group per platform role, most privileged first', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', ROLES.length);
    ROLES.forEach((role, i) => template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: role, Precedence: i + 1 }));
    expect(ROLES).toEqual(['finance-admin', 'senior-analyst', 'analyst', 'hr-staff', 'it-staff', 'employee']);
  });

  test('a V2 pre-token-generation trigger adds the claims, with custom attributes to read them from', () => {
    const fnId = stack.getLogicalId(idp.tokenTrigger.node.defaultChild as never);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V2_0' } },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'department', Mutable: true }), Match.objectLike({ Name: 'region' }), Match.objectLike({ Name: 'employeeId' }), Match.objectLike({ Name: 'userId' })]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', KmsKeyArn: Match.anyValue(), TracingConfig: { Mode: 'Active' } });
  });

  test('user client: authorization code with PKCE (public, no secret); clients can never write the claim attributes', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'agent-users',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://agents.example.com/callback'],
      AllowedOAuthScopes: ['openid', 'email', 'profile', invokeScope()],
      WriteAttributes: ['name'],
      ReadAttributes: Match.arrayWith(['custom:department', 'custom:employeeId', 'custom:region', 'custom:userId']),
    });
  });

  test('machine client: client credentials with the resource server scope, with a secret', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'agentcore-tools', Scopes: [{ ScopeName: 'invoke', ScopeDescription: Match.anyValue() }] });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { ClientName: 'm2m-service', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: [invokeScope()] });
  });

  test('the gateway authorizer accepts tokens of these clients only, discovered from this pool', () => {
    const pool = stack.getLogicalId(idp.userPool.node.defaultChild as never);
    expect(stack.resolve(renderAuthorizer(idp.authorizerConfiguration as never))).toEqual({
      customJwtAuthorizer: {
        discoveryUrl: { 'Fn::Join': ['', ['https://cognito-idp.eu-west-1.amazonaws.com/', { Ref: pool }, '/.well-known/openid-configuration']] },
        allowedClients: [{ Ref: stack.getLogicalId(idp.userClient.node.defaultChild as never) }, { Ref: stack.getLogicalId(idp.machineClients.service.node.defaultChild as never) }],
      },
    });
    expect(stack.resolve(idp.discoveryUrl)).toEqual({ 'Fn::Join': ['', ['https://cognito-idp.eu-west-1.amazonaws.com/', { Ref: pool }, '/.well-known/openid-configuration']] });
  });

  test('bad props are reported together', () => {
    const s = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bad', { env: ENV });
    expect(() => Identity.cognito(s, 'Id', { kmsKey: new kms.Key(s, 'K'), callbackUrls: ['http://example.com/cb'], domainPrefix: 'My_Domain', machineClients: ['Bad Name'] })).toThrow(
      /InvalidIdentityProps[\s\S]*callbackUrls: "http:\/\/example.com\/cb" must use https[\s\S]*domainPrefix[\s\S]*machineClients: "Bad Name"/,
    );
  });
});

describe('Identity.oidc', () => {
  test('a custom JWT authorizer with discovery URL, audiences, clients, scopes and required claims', () => {
    const idp = Identity.oidc({
      discoveryUrl: 'https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration',
      allowedAudiences: ['api://agent-tools'],
      allowedClients: ['0f1e2d'],
      allowedScopes: ['tools.invoke'],
      requiredClaims: { tid: ['tenant'], groups: ['finance', 'hr'] },
    });
    expect(renderAuthorizer(idp.authorizerConfiguration as never)).toEqual({
      customJwtAuthorizer: {
        discoveryUrl: 'https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration',
        allowedAudience: ['api://agent-tools'],
        allowedClients: ['0f1e2d'],
        allowedScopes: ['tools.invoke'],
        customClaims: [
          { inboundTokenClaimName: 'tid', inboundTokenClaimValueType: 'STRING', authorizingClaimMatchValue: { claimMatchOperator: 'EQUALS', claimMatchValue: { matchValueString: 'tenant' } } },
          { inboundTokenClaimName: 'groups', inboundTokenClaimValueType: 'STRING_ARRAY', authorizingClaimMatchValue: { claimMatchOperator: 'CONTAINS_ANY', claimMatchValue: { matchValueStringList: ['finance', 'hr'] } } },
        ],
      },
    });
  });

  test('refuses an IdP config that would accept any token or cannot be checked', () => {
    expect(() => Identity.oidc({ discoveryUrl: 'http://idp.example.com/openid', requiredClaims: { groups: [] } })).toThrow(
      /discoveryUrl: expected https:\/\/<issuer>\/\.well-known\/openid-configuration[\s\S]*allowedAudiences \/ allowedClients: set at least one[\s\S]*requiredClaims\.groups: expected at least one accepted value/,
    );
  });
});

describe('WorkloadIdentities', () => {
  test('one workload identity per agent, and grantUse scopes the grant to it', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Wi', { env: ENV });
    const wi = new WorkloadIdentities(stack, 'Agents', { agents: ['supervisor', 'financial', 'hr', 'it'], namePrefix: 'dev-', allowedOauth2ReturnUrls: ['https://agents.example.com/oauth'] });
    const role = new iam.Role(stack, 'RuntimeRole', { assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com') });
    wi.grantUse('financial', role);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::BedrockAgentCore::WorkloadIdentity', 4);
    t.hasResourceProperties('AWS::BedrockAgentCore::WorkloadIdentity', { Name: 'dev-financial', AllowedResourceOauth2ReturnUrls: ['https://agents.example.com/oauth'] });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(JSON.stringify(statements)).toContain(stack.getLogicalId(wi.of('financial').node.defaultChild as never));
    expect(JSON.stringify(statements)).not.toContain(stack.getLogicalId(wi.of('hr').node.defaultChild as never));
    expect(() => wi.of('payroll')).toThrow(/agent: "payroll" has no workload identity; known: supervisor, financial, hr, it/);
  });

  test('duplicate agents and bad names are refused', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'WiBad', { env: ENV });
    expect(() => new WorkloadIdentities(stack, 'A', { agents: ['hr', 'hr', 'x y'] })).toThrow(/"hr" is listed twice[\s\S]*"x y" must be/);
  });
});

describe('OutboundCredentials', () => {
  test('API key and OAuth2 providers carry Secrets Manager references, never the secret', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Out', { env: ENV });
    const secret = new secretsmanager.Secret(stack, 'Key', { secretStringValue: SecretValue.unsafePlainText('sk-live-THIS-MUST-NOT-LEAK') });
    OutboundCredentials.apiKey(stack, 'Crm', { name: 'crm', secret, jsonField: 'apiKey' });
    OutboundCredentials.oauth2(stack, 'Wiki', { name: 'wiki', discoveryUrl: 'https://auth.example.com/.well-known/openid-configuration', clientId: 'wiki-client', clientSecret: secret });
    const t = Template.fromStack(stack);
    const providers = JSON.stringify({ ...t.findResources('AWS::BedrockAgentCore::ApiKeyCredentialProvider'), ...t.findResources('AWS::BedrockAgentCore::OAuth2CredentialProvider') });
    expect(providers).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:apiKey::\}\}/);
    expect(providers.match(/\{\{resolve:secretsmanager:/g)).toHaveLength(2);
    expect(providers).not.toContain('sk-live');
  });

  test('bad provider props name the field', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'OutBad', { env: ENV });
    const secret = new secretsmanager.Secret(stack, 'S');
    expect(() => OutboundCredentials.oauth2(stack, 'W', { name: 'has space', discoveryUrl: 'https://x', clientId: ' ', clientSecret: secret })).toThrow(/name: expected 1–128[\s\S]*discoveryUrl[\s\S]*clientId/);
  });
});
