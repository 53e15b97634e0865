import type { Construct } from 'constructs';
import { CognitoIdentity, type CognitoIdentityProps } from './cognito-identity';
import { OidcIdentity, type OidcIdentityProps } from './oidc-identity';

/**
 * Factories for the gateway's inbound identity.
 *
 * ```ts
 * const idp = Identity.cognito(this, 'Identity', { kmsKey });               // embedded user pool
 * const idp = Identity.oidc({ discoveryUrl, allowedAudiences: ['api://tools'] }); // any OIDC IdP
 * new ToolGateway(this, 'Tools', { identity: idp, ... });
 * ```
 */
export abstract class Identity {
  /** An embedded Cognito user pool with the platform's groups, claims trigger and app clients. */
  static cognito(scope: Construct, id: string, props: CognitoIdentityProps): CognitoIdentity {
    return new CognitoIdentity(scope, id, props);
  }

  /** Tokens of an existing OIDC identity provider; creates no resources. */
  static oidc(props: OidcIdentityProps): OidcIdentity {
    return new OidcIdentity(props);
  }
}
