import * as http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { listen } from '../../../agents/shared/http';
import { modelSettingsFromEnv } from '../../../agents/shared/model';
import { scriptedModelFromEnv } from '../../../agents/shared/scripted-switch';
import { AgentCoreMemory } from '../../../agents/memory/agentcore-memory';
import { InProcessMemory } from '../../../agents/memory/in-process-memory';
import { memoryFromEnv, specialistEnv, specialistUrls, supervisorEnv, verifierFromEnv } from '../../../agents/shared/runtime-config';

describe('model settings from the environment', () => {
  test('defaults apply to temperature and max tokens', () => {
    expect(modelSettingsFromEnv({ MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' })).toEqual({
      modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      temperature: 0.2,
      maxTokens: 2048,
    });
  });

  test('strings from the runtime environment are parsed', () => {
    expect(modelSettingsFromEnv({ MODEL_ID: 'm-x', MODEL_TEMPERATURE: '0.7', MODEL_MAX_TOKENS: '512' })).toEqual({ modelId: 'm-x', temperature: 0.7, maxTokens: 512 });
  });

  test('every bad variable is named with what is expected', () => {
    expect(() => modelSettingsFromEnv({ MODEL_TEMPERATURE: '2', MODEL_MAX_TOKENS: '1.5' })).toThrow(
      'invalid model settings: MODEL_ID: required, a Bedrock model id or inference profile id; MODEL_TEMPERATURE: a number from 0 to 1; MODEL_MAX_TOKENS: a whole number from 1 to 64000',
    );
  });
});

describe('scripted stand-in switch (AGENTCORE_KIT_SCRIPTED_MODEL)', () => {
  test('unset means the real model; "keywords" the keyword-scripted stand-in', () => {
    expect(scriptedModelFromEnv({})).toBeUndefined();
    expect(scriptedModelFromEnv({ AGENTCORE_KIT_SCRIPTED_MODEL: 'keywords' })).toBe('keywords');
  });

  test('an unknown value is refused naming the variable and the allowed value', () => {
    expect(() => scriptedModelFromEnv({ AGENTCORE_KIT_SCRIPTED_MODEL: 'yes' })).toThrow('AGENTCORE_KIT_SCRIPTED_MODEL: expected "keywords" (the keyword-scripted stand-in) or unset, got "yes"');
  });

  test('refused on AgentCore Runtime (where AgentCore sets AGENTCORE_RUNTIME_URL)', () => {
    expect(() => scriptedModelFromEnv({ AGENTCORE_KIT_SCRIPTED_MODEL: 'keywords', AGENTCORE_RUNTIME_URL: 'https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/x/invocations' })).toThrow(
      /AGENTCORE_KIT_SCRIPTED_MODEL: refused on AgentCore Runtime/,
    );
  });
});

describe('agent runtime environment', () => {
  const common = { AGENT_REGION: 'eu-west-1', MEMORY_ID: 'agent_memory-abcdefghij', JWT_DISCOVERY_URL: 'https://idp.test/.well-known/openid-configuration', JWT_AUDIENCES: 'a, b' };

  test('the supervisor reads its specialists, orchestration and identity settings', () => {
    const env = supervisorEnv({ ...common, ORCHESTRATION: 'sequential', SPECIALIST_FINANCIAL_URL: 'https://f.test', SPECIALIST_HR_URL: 'https://h.test', SPECIALIST_IT_URL: 'https://i.test' });
    expect(env).toMatchObject({ AWS_REGION: 'eu-west-1', ORCHESTRATION: 'sequential', JWT_AUDIENCES: ['a', 'b'], USER_ID_CLAIM: 'sub' });
    expect(specialistUrls(env)).toEqual({ financial: 'https://f.test', hr: 'https://h.test', it: 'https://i.test' });
  });

  test('a specialist without a gateway URL, or with a malformed memory id, fails naming the variables', () => {
    expect(() => specialistEnv({ AWS_REGION: 'eu-west-1', JWT_DISCOVERY_URL: 'https://idp.test/x', MEMORY_ID: 'mem' })).toThrow(/MEMORY_ID: an AgentCore Memory id; GATEWAY_URL: an http\(s\) URL/);
  });

  test('MEMORY_ID is optional: AgentCore Memory with it, memory held in the process (the session’s microVM) without it', () => {
    const base = { AWS_REGION: 'eu-west-1', JWT_DISCOVERY_URL: 'https://idp.test/x', GATEWAY_URL: 'https://gw.test/mcp' };
    expect(memoryFromEnv(specialistEnv(base))).toBeInstanceOf(InProcessMemory);
    expect(memoryFromEnv(specialistEnv({ ...base, MEMORY_ID: 'agent_memory-abcdefghij' }))).toBeInstanceOf(AgentCoreMemory);
  });

  test('an identity provider must be named', () => {
    expect(() => specialistEnv({ AWS_REGION: 'eu-west-1', MEMORY_ID: 'agent_memory-abcdefghij', GATEWAY_URL: 'https://gw.test/mcp' })).toThrow(
      'invalid agent environment: set JWT_DISCOVERY_URL, or JWT_JWKS_URL and JWT_ISSUER',
    );
  });

  test('the verifier follows OIDC discovery to the JWKS and issuer', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' };
    let base = '';
    const server = await listen(
      http.createServer((req, res) => {
        const body = req.url === '/.well-known/openid-configuration' ? { issuer: `${base}/issuer`, jwks_uri: `${base}/jwks` } : { keys: [jwk] };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }),
      0,
      '127.0.0.1',
    );
    base = server.url;
    try {
      const verify = await verifierFromEnv(specialistEnv({ ...common, GATEWAY_URL: 'https://gw.test/mcp', JWT_DISCOVERY_URL: `${base}/.well-known/openid-configuration`, JWT_AUDIENCES: 'agents' }));
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setSubject('u1').setIssuer(`${base}/issuer`).setAudience('agents').setExpirationTime('5m').sign(privateKey);
      await expect(verify(token)).resolves.toMatchObject({ userId: 'u1' });
    } finally {
      await server.close();
    }
  });
});
