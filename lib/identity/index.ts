export * from './inbound-identity';
export * from './identity';
export * from './cognito-identity';
export * from './oidc-identity';
export * from './workload-identities';
export * from './outbound-credentials';
export { ROLES, CLAIMS, type Role, type CallerClaims } from '../../lambda/identity/claims';
export { personaClaims, PERSONA_CLAIM, PERSONA_METADATA_KEY, EVALUATION_CLIENT_NAME } from '../../lambda/identity/persona-tokens';
