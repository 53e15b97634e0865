import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AgentTrafficSplit } from '../../../lib/release/agent-traffic-split';
import { runtimeStack, splitStack } from './support';

describe('AgentTrafficSplit', () => {
  test('an HTTP gateway (no protocol type) with the JWT authorizer, encrypted with the customer-managed key', () => {
    const t = Template.fromStack(splitStack().stack);
    t.resourceCountIs('AWS::BedrockAgentCore::Gateway', 1);
    const [gateway] = Object.values(t.findResources('AWS::BedrockAgentCore::Gateway')) as Array<{ Properties: Record<string, unknown> }>;
    expect(gateway.Properties.ProtocolType).toBeUndefined();
    expect(gateway.Properties.ProtocolConfiguration).toBeUndefined();
    expect(gateway.Properties).toMatchObject({
      Name: 'supervisor-agents',
      AuthorizerType: 'CUSTOM_JWT',
      AuthorizerConfiguration: { CustomJWTAuthorizer: { DiscoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', AllowedClients: ['agents-app'] } },
      KmsKeyArn: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    });
  });

  test('behind a JWT authorizer, live and canary are agentcoreRuntime targets qualified by endpoint name that pass the caller\'s token through', () => {
    const t = Template.fromStack(splitStack().stack);
    const runtimeArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Runtime'), 'AgentRuntimeArn'] };
    for (const [name, qualifier] of [['agent-live', 'live'], ['agent-canary', 'canary']]) {
      t.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', {
        Name: name,
        GatewayIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SplitGateway'), 'GatewayIdentifier'] },
        TargetConfiguration: { Http: { AgentcoreRuntime: { Arn: runtimeArn, Qualifier: qualifier } } },
        // The runtime accepts the same JWTs: the agent acts for the verified caller, not for the gateway.
        CredentialProviderConfigurations: [{ CredentialProviderType: 'JWT_PASSTHROUGH' }],
      });
    }
    // Passing tokens through, the gateway role needs no right to invoke anything.
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('InvokeAgentRuntime');
  });

  test('clients call <gateway URL>/<live target>/invocations; the rule decides the endpoint', () => {
    const { stack, split } = splitStack();
    expect(stack.resolve(split.invocationUrl)).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^SplitGateway/), 'GatewayUrl'] }, '/agent-live/invocations']] });
  });

  describe('behind an IAM authorizer (an IAM-authorized runtime)', () => {
    const iamSplit = () => Template.fromStack(splitStack({ authorizer: agentcore.GatewayAuthorizer.usingAwsIam() }).stack);

    test('the targets sign with the gateway role', () => {
      const t = iamSplit();
      const targets = Object.values(t.findResources('AWS::BedrockAgentCore::GatewayTarget')) as Array<{ Properties: Record<string, unknown> }>;
      expect(targets.map((x) => x.Properties.CredentialProviderConfigurations)).toEqual([
        [{ CredentialProviderType: 'GATEWAY_IAM_ROLE', CredentialProvider: { IamCredentialProvider: { Service: 'bedrock-agentcore' } } }],
        [{ CredentialProviderType: 'GATEWAY_IAM_ROLE', CredentialProvider: { IamCredentialProvider: { Service: 'bedrock-agentcore' } } }],
      ]);
    });

    test('the gateway role may only InvokeAgentRuntime on the runtime and its two endpoints', () => {
      const t = iamSplit();
      const arn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Runtime'), 'AgentRuntimeArn'] };
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyName: Match.stringLikeRegexp('InvokeEndpoints'),
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'bedrock-agentcore:InvokeAgentRuntime',
              Resource: [arn, { 'Fn::Join': ['', [arn, '/runtime-endpoint/live']] }, { 'Fn::Join': ['', [arn, '/runtime-endpoint/canary']] }],
            },
          ],
        },
      });
      t.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Service: 'bedrock-agentcore.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock-agentcore:us-east-1:111111111111:gateway/*']] } } },
            }),
          ],
        },
      });
    });

    test('targets wait for the invoke policy (the gateway checks access when a target is created)', () => {
      const t = iamSplit();
      const policyId = Object.keys(t.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('InvokeEndpoints') } }))[0];
      const targets = Object.values(t.findResources('AWS::BedrockAgentCore::GatewayTarget')) as Array<{ DependsOn?: string[] }>;
      expect(targets).toHaveLength(2);
      for (const target of targets) expect(target.DependsOn).toContain(policyId);
    });
  });

  test('passing the caller\'s token through needs a JWT authorizer', () => {
    expect(() => splitStack({ authorizer: agentcore.GatewayAuthorizer.usingAwsIam(), runtimeAuthorization: 'jwt' })).toThrow(
      /\[InvalidAgentTrafficSplit\][\s\S]*runtimeAuthorization: "jwt" passes the caller's token to the runtime, so the authorizer must be a JWT one/,
    );
  });

  test('the template holds only the resting route: one rule, static, all traffic to live', () => {
    const t = Template.fromStack(splitStack().stack);
    t.resourceCountIs('AWS::BedrockAgentCore::GatewayRule', 1);
    t.hasResourceProperties('AWS::BedrockAgentCore::GatewayRule', {
      Priority: 100,
      Actions: [{ RouteToTarget: { StaticRoute: { TargetName: 'agent-live' } } }],
    });
    expect(JSON.stringify(t.toJSON())).not.toContain('WeightedRoute');
  });

  test('the rule is created after both targets exist', () => {
    const t = Template.fromStack(splitStack().stack);
    const targetIds = Object.keys(t.findResources('AWS::BedrockAgentCore::GatewayTarget'));
    const [rule] = Object.values(t.findResources('AWS::BedrockAgentCore::GatewayRule')) as Array<{ DependsOn?: string[] }>;
    expect(rule.DependsOn).toEqual(expect.arrayContaining(targetIds));
  });

  test('custom endpoint names, target prefix, priority and encryption key are honoured', () => {
    const s = runtimeStack();
    s.runtime.addEndpoint('blue', { version: '3' });
    s.runtime.addEndpoint('green', { version: '4' });
    new AgentTrafficSplit(s.stack, 'Split', {
      runtime: s.runtime,
      authorizer: agentcore.GatewayAuthorizer.usingAwsIam(),
      liveEndpointName: 'blue',
      canaryEndpointName: 'green',
      targetPrefix: 'hr',
      rulePriority: 500,
      gatewayName: 'hr-agents',
      encryptionKey: s.key,
    });
    const t = Template.fromStack(s.stack);
    t.hasResourceProperties('AWS::BedrockAgentCore::Gateway', { Name: 'hr-agents', AuthorizerType: 'AWS_IAM', KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    t.hasResourceProperties('AWS::BedrockAgentCore::GatewayTarget', { Name: 'hr-canary', TargetConfiguration: { Http: { AgentcoreRuntime: { Qualifier: 'green' } } } });
    t.hasResourceProperties('AWS::BedrockAgentCore::GatewayRule', { Priority: 500, Actions: [{ RouteToTarget: { StaticRoute: { TargetName: 'hr-live' } } }] });
  });

  test('bad props are all reported at once, naming each field', () => {
    const s = runtimeStack();
    expect(
      () =>
        new AgentTrafficSplit(s.stack, 'Split', {
          runtime: s.runtime,
          authorizer: agentcore.GatewayAuthorizer.withNoAuth(),
          liveEndpointName: 'same',
          canaryEndpointName: 'same',
          targetPrefix: 'bad prefix',
          rulePriority: 0,
          encryptionKey: s.key,
        }),
    ).toThrow(
      /\[InvalidAgentTrafficSplit\] 4 problems:[\s\S]*canaryEndpointName: must differ from liveEndpointName[\s\S]*targetPrefix: expected letters, digits and single dashes[\s\S]*rulePriority: expected an integer 1–1,000,000, got 0[\s\S]*authorizer: withNoAuth\(\) would let anyone call the agents/,
    );
  });

  test('the session header for stickiness is the runtime session id header', () => {
    expect(AgentTrafficSplit.SESSION_HEADER).toBe('X-Amzn-Bedrock-AgentCore-Runtime-Session-Id');
  });
});
