import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export function testStack(): Stack {
  return new Stack(undefined, 'Test', { env: { account: ACCOUNT, region: REGION } });
}

export function importedRuntime(stack: Stack, name: string): agentcore.IBedrockAgentRuntime {
  return agentcore.Runtime.fromAgentRuntimeAttributes(stack, `${name}Runtime`, {
    agentRuntimeArn: `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/${name}-AbCdEf1234`,
    agentRuntimeId: `${name}-AbCdEf1234`,
    agentRuntimeName: name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}-role`,
  });
}

export function importedGateway(stack: Stack): agentcore.IGateway {
  return agentcore.Gateway.fromGatewayAttributes(stack, 'Gateway', {
    gatewayArn: `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:gateway/tools-abcdefghij`,
    gatewayId: 'tools-abcdefghij',
    gatewayName: 'tools',
    role: iam.Role.fromRoleArn(stack, 'GatewayRole', `arn:aws:iam::${ACCOUNT}:role/gateway`),
  });
}

export function importedMemory(stack: Stack): agentcore.IMemory {
  return agentcore.Memory.fromMemoryAttributes(stack, 'Memory', {
    memoryArn: `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:memory/agents-abcdefghij`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/memory`,
  });
}

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; markdown?: string; [k: string]: unknown };
}

/** The widgets of the one dashboard whose name matches, with tokens rendered as "<token>". */
export function dashboardWidgets(template: Template, dashboardName: string): Widget[] {
  const dashboards = template.findResources('AWS::CloudWatch::Dashboard', { Properties: { DashboardName: dashboardName } });
  const [resource] = Object.values(dashboards) as { Properties: { DashboardBody: unknown } }[];
  if (!resource) throw new Error(`no dashboard ${dashboardName}`);
  const body = resource.Properties.DashboardBody as { 'Fn::Join'?: [string, unknown[]] } | string;
  const text = typeof body === 'string' ? body : (body['Fn::Join']![1].map((p) => (typeof p === 'string' ? p : '<token>')).join(''));
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** A widget by title. */
export function widget(widgets: Widget[], title: string | RegExp): Widget {
  const found = widgets.find((w) => (typeof title === 'string' ? w.properties.title === title : title.test(w.properties.title ?? '')));
  if (!found) throw new Error(`no widget titled ${title}; titles: ${widgets.map((w) => w.properties.title).filter(Boolean).join(' | ')}`);
  return found;
}
