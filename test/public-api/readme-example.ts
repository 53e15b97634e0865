/** The construct example of the README, kept compiling and compliant by readme-example.test.ts. */
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { AgentCode, AgentMemory, AgentRuntime, Identity, ToolCatalog, ToolGateway } from '../../lib';

export class HrAssistantStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true });
    const identity = Identity.oidc({ discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', allowedAudiences: ['api://agents'] });
    const tools = new ToolCatalog(this, 'Tools', { encryptionKey: key });
    const gateway = new ToolGateway(this, 'Gateway', { tools: tools.tools, targetFunctions: tools.aliases, identity, kmsKey: key, rateLimitPerUserPerMinute: 60 });
    const memory = new AgentMemory(this, 'Memory', { encryptionKey: key });
    new AgentRuntime(this, 'HrAgent', {
      runtimeName: 'hr_assistant',
      protocol: 'A2A',
      code: AgentCode.fromKit('hr'), // the kit's reference HR agent; your own: AgentCode.fromEntry('../agents/hr.ts')
      model: { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', temperature: 0.2, maxTokens: 2048 },
      auth: { discoveryUrl: identity.discoveryUrl, allowedAudiences: ['api://agents'] },
      gatewayUrl: gateway.url,
      memory,
      logEncryptionKey: key,
    });
  }
}
