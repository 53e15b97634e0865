/** ToolPolicyEngine: Cedar files → PolicyEngine + Policy resources, validated at synth. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { toolCatalog } from '../../../catalog';
import { ToolPolicyEngine } from '../../../lib/policy';

const dirWith = (files: Record<string, string>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cedar-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
};
const permitGrowth = 'permit (principal is AgentCore::OAuthUser, action == AgentCore::Action::"financial___calculateGrowth", resource == AgentCore::Gateway::"{{gatewayArn}}");';

function imported(stack: Stack, id = 'Gw') {
  return agentcore.Gateway.fromGatewayAttributes(stack, id, {
    gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/gw-1',
    gatewayId: 'gw-1',
    gatewayName: 'gw',
    role: iam.Role.fromRoleArn(stack, `${id}Role`, 'arn:aws:iam::111122223333:role/gw'),
  });
}

describe('ToolPolicyEngine', () => {
  test('encrypts the engine, binds each statement to the gateway ARN, named after its file', () => {
    const stack = new Stack(new App(), 'P');
    const engine = new ToolPolicyEngine(stack, 'Policy', { tools: toolCatalog, kmsKey: new kms.Key(stack, 'K'), policyDir: dirWith({ 'growth.cedar': permitGrowth, 'z-forbid.cedar': `@reason("no growth on Sundays") forbid (principal, action == AgentCore::Action::"financial___calculateGrowth", resource) when { context.input.currentValue.greaterThan(decimal("1000000.0")) };` }) });
    engine.bindTo(imported(stack));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::BedrockAgentCore::PolicyEngine', { EncryptionKeyArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('K').node.defaultChild as kms.CfnKey), 'Arn'] } });
    t.hasResourceProperties('AWS::BedrockAgentCore::Policy', {
      Name: 'growth_1',
      Definition: { Cedar: { Statement: permitGrowth.replace('{{gatewayArn}}', 'arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/gw-1') } },
    });
    // Annotations are the kit's (reasons for callers); they are not sent to the service.
    t.hasResourceProperties('AWS::BedrockAgentCore::Policy', { Name: 'z_forbid_1', Description: 'z-forbid: no growth on Sundays', Definition: { Cedar: { Statement: Match.stringLikeRegexp('^forbid \\(principal') } } });
    expect(engine.gatewayConfiguration().mode).toBe(agentcore.PolicyEngineMode.ENFORCE);
  });

  test('LOG_ONLY maps to the gateway mode', () => {
    const stack = new Stack(new App(), 'P');
    expect(new ToolPolicyEngine(stack, 'Policy', { tools: toolCatalog, mode: 'LOG_ONLY' }).gatewayConfiguration().mode).toBe(agentcore.PolicyEngineMode.LOG_ONLY);
  });

  test('a policy naming a tool the catalog does not have fails at synth, naming policy and tool', () => {
    const stack = new Stack(new App(), 'P');
    const dir = dirWith({ 'payroll.cedar': 'permit (principal, action == AgentCore::Action::"hr___getSalary", resource);' });
    expect(() => new ToolPolicyEngine(stack, 'Policy', { tools: toolCatalog, policyDir: dir })).toThrow(/InvalidCedarPolicy[\s\S]*payroll_1[\s\S]*hr___getSalary/);
  });

  test('a policy reading an input the tool does not have fails at synth', () => {
    const stack = new Stack(new App(), 'P');
    const dir = dirWith({ 'typo.cedar': 'permit (principal, action == AgentCore::Action::"financial___getQuarterlyRevenue", resource) when { context.input.regoin == "EMEA" };' });
    expect(() => new ToolPolicyEngine(stack, 'Policy', { tools: toolCatalog, policyDir: dir })).toThrow(/typo_1[\s\S]*regoin/);
  });

  test('a directory without policies, a bad engine name and an unknown mode are refused', () => {
    const stack = new Stack(new App(), 'P');
    expect(() => new ToolPolicyEngine(stack, 'A', { tools: toolCatalog, policyDir: dirWith({ 'readme.txt': 'x' }) })).toThrow(/holds no \*\.cedar file/);
    expect(() => new ToolPolicyEngine(stack, 'B', { tools: toolCatalog, policyDir: dirWith({ 'deny.cedar': '// comments only' }) })).toThrow(/no policy statements found/);
    expect(() => new ToolPolicyEngine(stack, 'C', { tools: toolCatalog, policyEngineName: '1-bad', mode: 'AUDIT' as never })).toThrow(/mode: expected ENFORCE or LOG_ONLY, got "AUDIT"[\s\S]*policyEngineName/);
  });

  test('policies are bound once', () => {
    const stack = new Stack(new App(), 'P');
    const engine = new ToolPolicyEngine(stack, 'Policy', { tools: toolCatalog, policyDir: dirWith({ 'growth.cedar': permitGrowth }) });
    engine.bindTo(imported(stack));
    expect(() => engine.bindTo(imported(stack, 'Other'))).toThrow(/already bound/);
  });
});
