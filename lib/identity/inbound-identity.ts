import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';

/**
 * Who may call the gateway: an OIDC identity provider whose JWTs the gateway verifies. Make one with
 * {@link Identity.cognito} (embedded user pool) or {@link Identity.oidc} (any other IdP).
 */
export interface IInboundIdentity {
  /** `https://.../.well-known/openid-configuration` of the issuer. */
  readonly discoveryUrl: string;
  /** The gateway's inbound authorizer (custom JWT). */
  readonly authorizerConfiguration: agentcore.IGatewayAuthorizerConfig;
}
