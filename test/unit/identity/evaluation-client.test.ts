/** CognitoIdentity's evaluation client: persona tokens for the offline evaluation gate. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CognitoIdentity, Identity, type CognitoIdentityProps } from '../../../lib/identity';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function build(props: Partial<CognitoIdentityProps> = {}) {
  const stack = new Stack(new App(), 'Idp', { env: ENV });
  const idp = Identity.cognito(stack, 'Identity', { kmsKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }), ...props });
  return { stack, idp, template: Template.fromStack(stack) };
}
const ref = (stack: Stack, c: { node: { defaultChild?: unknown } }) => ({ Ref: stack.getLogicalId(c.node.defaultChild as never) });

describe('without an evaluation client (default)', () => {
  const { idp, template } = build();

  test('no evaluation client, no persona settings, trigger stays V2_0 (machine tokens never reach it)', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
    expect(JSON.stringify(template.findResources('AWS::Cognito::UserPoolClient'))).not.toContain('m2m-evaluation');
    template.hasResourceProperties('AWS::Cognito::UserPool', { LambdaConfig: { PreTokenGenerationConfig: Match.objectLike({ LambdaVersion: 'V2_0' }) } });
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    expect(idp.evaluationClientsParameterName).toBeUndefined();
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    expect(idp.evaluationClient).toBeUndefined();
    expect(idp.evaluationPersonas).toEqual([]);
    expect(idp.tokenEndpoint).toBeUndefined();
    const env = Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment;
    expect(JSON.stringify(env ?? {})).not.toMatch(/EVALUATION_/);
  });

  test('grantReadEvaluationClientSecret says the client is missing', () => {
    const role = new iam.Role(Stack.of(idp), 'Gate', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    expect(() => idp.grantReadEvaluationClientSecret(role)).toThrow(/NoEvaluationClient.*evaluationClient: this identity has no evaluation client; set evaluationClient: true/);
  });
});

describe('with an evaluation client', () => {
  let stack: Stack;
  let idp: CognitoIdentity;
  let template: Template;
  let gate: iam.Role;
  beforeAll(() => {
    stack = new Stack(new App(), 'Idp', { env: ENV });
    idp = Identity.cognito(stack, 'Identity', { kmsKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }), evaluationClient: true });
    gate = new iam.Role(stack, 'Gate', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    idp.grantReadEvaluationClientSecret(gate);
    template = Template.fromStack(stack);
  });
  const invokeScope = () => ({ 'Fn::Join': ['', [ref(stack, idp.resourceServer), '/invoke']] });

  test('m2m-evaluation: client credentials only, invoke scope only, secret generated, 15-minute tokens', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 3);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'm2m-evaluation',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [invokeScope()],
      AccessTokenValidity: 15,
      TokenValidityUnits: Match.objectLike({ AccessToken: 'minutes' }),
      EnableTokenRevocation: true,
    });
    expect(idp.evaluationPersonas).toEqual(['alex', 'sam', 'fran', 'priya', 'hana', 'ivan']);
  });

  test('the token trigger runs as V3_0, so client-credentials grants reach it', () => {
    const fnId = stack.getLogicalId(idp.tokenTrigger.node.defaultChild as never);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V3_0' } },
    });
  });

  test('the trigger learns the client id from an SSM parameter it may read (and nothing else in SSM)', () => {
    const parameterName = idp.evaluationClientsParameterName!;
    expect(parameterName).toMatch(/^\/agentcore-kit\/identity\/Idp-IdpIdentity[0-9A-F]{8}\/evaluation-clients$/);
    template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Name: parameterName, Value: ref(stack, idp.evaluationClient!) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVALUATION_CLIENTS_PARAMETER: parameterName, EVALUATION_PERSONAS: 'alex,sam,fran,priya,hana,ivan' }) },
    });
    const triggerRole = stack.getLogicalId(idp.tokenTrigger.role!.node.defaultChild as never);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(triggerRole));
    const ssmStatements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('ssm:'));
    expect(ssmStatements).toEqual([
      {
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-west-1:111122223333:parameter${parameterName}`]] },
      },
    ]);
  });

  test('no circular dependency: the trigger (which the pool waits for) never refers to the client', () => {
    // Template.fromStack refuses a cyclic template; this pins the reason there is none.
    const clientId = stack.getLogicalId(idp.evaluationClient!.node.defaultChild as never);
    const trigger = template.toJSON().Resources[stack.getLogicalId(idp.tokenTrigger.node.defaultChild as never)];
    expect(JSON.stringify(trigger)).not.toContain(clientId);
    expect(JSON.stringify(trigger.DependsOn ?? [])).not.toMatch(/EvaluationClients/);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('the gateway authorizer (and allowedClients) accept the evaluation client', () => {
    expect(idp.allowedClients).toEqual([idp.userClient, idp.machineClients.service, idp.evaluationClient]);
    const rendered = stack.resolve((idp.authorizerConfiguration as unknown as { _render(): unknown })._render()) as { customJwtAuthorizer: { allowedClients: unknown[] } };
    expect(rendered.customJwtAuthorizer.allowedClients).toContainEqual(ref(stack, idp.evaluationClient!));
  });

  test('a hosted domain unique to the stack provides the token endpoint', () => {
    const uuid = { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] };
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['agentcore-', { 'Fn::Select': [0, uuid] }, { 'Fn::Select': [1, uuid] }, '-', { 'Fn::Select': [4, uuid] }]] },
      ManagedLoginVersion: 2,
    });
    expect(stack.resolve(idp.tokenEndpoint)).toEqual({ 'Fn::Join': ['', ['https://', ref(stack, idp.domain!), '.auth.eu-west-1.amazoncognito.com/oauth2/token']] });
  });

  test('the gate may read the client secret: DescribeUserPoolClient on this pool only', () => {
    const gateRole = stack.getLogicalId(gate.node.defaultChild as never);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(gateRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'cognito-idp:DescribeUserPoolClient', Resource: { 'Fn::GetAtt': [stack.getLogicalId(idp.userPool.node.defaultChild as never), 'Arn'] } }]);
  });

  test('the secret never appears in the template or its outputs', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(/ClientSecret/);
  });

  test('no production warning outside production', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('impersonation'))).toEqual([]);
  });
});

describe('evaluation client options', () => {
  test('a configured domain prefix is used for the token endpoint', () => {
    const { stack, idp, template } = build({ evaluationClient: true, domainPrefix: 'acme-agents-staging' });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-agents-staging' });
    expect(stack.resolve(idp.tokenEndpoint)).toEqual({ 'Fn::Join': ['', ['https://', ref(stack, idp.domain!), '.auth.eu-west-1.amazoncognito.com/oauth2/token']] });
  });

  test('a subset of personas and a custom token lifetime', () => {
    const { idp, template } = build({ evaluationClient: { personas: ['alex', 'priya'], accessTokenValidity: Duration.minutes(5) } });
    expect(idp.evaluationPersonas).toEqual(['alex', 'priya']);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ EVALUATION_PERSONAS: 'alex,priya' }) } });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { ClientName: 'm2m-evaluation', AccessTokenValidity: 5 });
  });

  test('in production the construct warns that persona tokens are an impersonation risk (a warning, not an error)', () => {
    const { stack } = build({ evaluationClient: { production: true } });
    Annotations.fromStack(stack).hasWarning('/Idp/Identity', Match.stringLikeRegexp('evaluationClient: persona tokens in a production user pool are an impersonation risk'));
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('bad options are reported together, naming the field and the allowed values', () => {
    const stack = new Stack(new App(), 'Bad', { env: ENV });
    expect(() =>
      Identity.cognito(stack, 'Id', {
        kmsKey: new kms.Key(stack, 'K'),
        machineClients: ['service', 'evaluation'],
        evaluationClient: { personas: ['alex', 'mallory', 'alex'], accessTokenValidity: Duration.hours(2) },
      }),
    ).toThrow(
      /InvalidIdentityProps[\s\S]*machineClients: "evaluation" is reserved for the evaluation client \(m2m-evaluation\)[\s\S]*evaluationClient\.personas: unknown persona "mallory"; expected one of alex, sam, fran, priya, hana, ivan[\s\S]*evaluationClient\.personas: a persona is listed twice[\s\S]*evaluationClient\.accessTokenValidity: expected 5–60 minutes .*got 120 minutes/,
    );
  });

  test('an empty persona list is refused', () => {
    const stack = new Stack(new App(), 'Empty', { env: ENV });
    expect(() => Identity.cognito(stack, 'Id', { kmsKey: new kms.Key(stack, 'K'), evaluationClient: { personas: [] } })).toThrow(/evaluationClient\.personas: expected at least one of alex/);
  });
});
