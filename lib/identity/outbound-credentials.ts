import { SecretValue } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Problems } from '../errors';

export interface ApiKeyCredentialsProps {
  /** Token-vault name of the provider (letters, digits, `_`, `-`; 1–128). */
  readonly name: string;
  /** The secret holding the API key. Only a reference reaches the template, never the key. */
  readonly secret: secretsmanager.ISecret;
  /**
   * JSON field of the secret that holds the key.
   * @default - the whole secret string
   */
  readonly jsonField?: string;
}

export interface OAuth2CredentialsProps {
  /** Token-vault name of the provider (letters, digits, `_`, `-`; 1–128). */
  readonly name: string;
  /** The authorization server's discovery URL (`.../.well-known/openid-configuration`). */
  readonly discoveryUrl: string;
  /** OAuth2 client id (not a secret). */
  readonly clientId: string;
  /** The secret holding the client secret. Only a reference reaches the template. */
  readonly clientSecret: secretsmanager.ISecret;
  /**
   * JSON field of the secret that holds the client secret.
   * @default - the whole secret string
   */
  readonly jsonField?: string;
}

const PROVIDER_NAME = /^[A-Za-z0-9_-]{1,128}$/;

function secretReference(secret: secretsmanager.ISecret, jsonField?: string): SecretValue {
  return SecretValue.secretsManager(secret.secretArn, jsonField ? { jsonField } : {});
}

/**
 * Outbound credential providers for third-party tools (the gateway's MCP-server and OpenAPI
 * targets, or agents via their workload identity). Secrets are taken as Secrets Manager secrets
 * only, so the template carries a `{{resolve:secretsmanager:...}}` reference, never a value.
 */
export abstract class OutboundCredentials {
  /** An API-key provider in the AgentCore token vault. */
  static apiKey(scope: Construct, id: string, props: ApiKeyCredentialsProps): agentcore.ApiKeyCredentialProvider {
    const problems = new Problems('InvalidCredentialProviderProps');
    problems.check(PROVIDER_NAME.test(props.name), `name: expected 1–128 letters, digits, _ or -, got ${JSON.stringify(props.name)}`);
    problems.throwIfAny();
    return new agentcore.ApiKeyCredentialProvider(scope, id, { apiKeyCredentialProviderName: props.name, apiKey: secretReference(props.secret, props.jsonField) });
  }

  /** An OAuth2 client-credentials / authorization-code provider for any standards-compliant authorization server. */
  static oauth2(scope: Construct, id: string, props: OAuth2CredentialsProps): agentcore.OAuth2CredentialProvider {
    const problems = new Problems('InvalidCredentialProviderProps');
    problems.check(PROVIDER_NAME.test(props.name), `name: expected 1–128 letters, digits, _ or -, got ${JSON.stringify(props.name)}`);
    problems.check(/^https:\/\/\S+\/\.well-known\/openid-configuration$/.test(props.discoveryUrl), `discoveryUrl: expected https://<issuer>/.well-known/openid-configuration, got ${JSON.stringify(props.discoveryUrl)}`);
    problems.check(props.clientId.trim().length > 0, 'clientId: expected the OAuth2 client id');
    problems.throwIfAny();
    return agentcore.OAuth2CredentialProvider.usingCustom(scope, id, {
      oAuth2CredentialProviderName: props.name,
      discoveryUrl: props.discoveryUrl,
      clientId: props.clientId,
      clientSecret: secretReference(props.clientSecret, props.jsonField),
    });
  }
}
