import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { Token } from 'aws-cdk-lib';
import { Problems } from '../errors';
import type { IInboundIdentity } from './inbound-identity';

export interface OidcIdentityProps {
  /** The IdP's discovery document URL; must end with `/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /**
   * Accepted `aud` values.
   * @default - none (then `allowedClients` must be set)
   */
  readonly allowedAudiences?: readonly string[];
  /**
   * Accepted `client_id` values.
   * @default - none (then `allowedAudiences` must be set)
   */
  readonly allowedClients?: readonly string[];
  /**
   * Accepted scopes.
   * @default - no scope check
   */
  readonly allowedScopes?: readonly string[];
  /**
   * Claims a token must carry: claim name → accepted values. One value: the claim must equal it.
   * Several values: the (array) claim must contain at least one of them, e.g. `{ groups: ['finance', 'hr'] }`.
   * The gateway compares values, so an empty list (presence only) cannot be expressed and is rejected.
   * @default - no claim check
   */
  readonly requiredClaims?: Readonly<Record<string, readonly string[]>>;
}

const DISCOVERY = /^https:\/\/[^\s]+\/\.well-known\/openid-configuration$/;

/** Inbound JWT from any OIDC identity provider (Entra ID, Okta, Auth0, Cognito in another stack...). */
export class OidcIdentity implements IInboundIdentity {
  readonly discoveryUrl: string;
  readonly authorizerConfiguration: agentcore.IGatewayAuthorizerConfig;

  constructor(props: OidcIdentityProps) {
    const problems = new Problems('InvalidIdentityProps');
    if (!Token.isUnresolved(props.discoveryUrl)) {
      problems.check(DISCOVERY.test(props.discoveryUrl), `discoveryUrl: expected https://<issuer>/.well-known/openid-configuration, got ${JSON.stringify(props.discoveryUrl)}`);
    }
    const audiences = props.allowedAudiences ?? [];
    const clients = props.allowedClients ?? [];
    problems.check(
      audiences.length + clients.length > 0,
      'allowedAudiences / allowedClients: set at least one, otherwise any token of the identity provider would be accepted',
    );
    for (const [name, values] of Object.entries(props.requiredClaims ?? {})) {
      problems.check(values.length > 0, `requiredClaims.${name}: expected at least one accepted value; the gateway cannot check presence only`);
    }
    problems.throwIfAny();
    this.discoveryUrl = props.discoveryUrl;
    const customClaims = Object.entries(props.requiredClaims ?? {}).map(([name, values]) =>
      values.length === 1
        ? agentcore.GatewayCustomClaim.withStringValue(name, values[0])
        : agentcore.GatewayCustomClaim.withStringArrayValue(name, [...values], agentcore.CustomClaimOperator.CONTAINS_ANY),
    );
    this.authorizerConfiguration = agentcore.GatewayAuthorizer.usingCustomJwt({
      discoveryUrl: props.discoveryUrl,
      allowedAudience: audiences.length ? [...audiences] : undefined,
      allowedClients: clients.length ? [...clients] : undefined,
      allowedScopes: props.allowedScopes?.length ? [...props.allowedScopes] : undefined,
      customClaims: customClaims.length ? customClaims : undefined,
    });
  }
}
