/**
 * Evaluates tool calls against the Cedar policies with the real Cedar engine
 * (`@cedar-policy/cedar-wasm`), building the request the way AgentCore Gateway does: principal
 * from the JWT `sub` with the claims as tags, action = gateway tool name, resource = the gateway,
 * `context.input` = the tool arguments.
 *
 * Plain code (no aws-cdk-lib): used by the policy tests and the local tool server.
 */
import { findToolIn, type ToolDefinition } from './catalog-lookup';
import { ACTION_TYPE, PRINCIPAL_TYPE, RESOURCE_TYPE, cedarActionId, cedarContextFor, cedarSchemaFor } from './cedar-schema';
import { bindGateway, loadPolicyFiles, type CedarPolicy, type PolicyFile } from './policy-files';
import { KitError } from '../errors';
import { foldArgumentsForPolicy } from '../../catalog/policy-text';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cedar = (): typeof import('@cedar-policy/cedar-wasm/nodejs') => require('@cedar-policy/cedar-wasm/nodejs');

/** Claims of a verified JWT: strings become tags; string arrays are joined with spaces (like `scope`). */
export type Claims = Record<string, unknown>;

export interface AuthorizationRequest {
  readonly claims: Claims;
  /** Gateway tool name, `<target>___<tool>`. */
  readonly toolName: string;
  readonly input: Record<string, unknown>;
}

export interface AuthorizationResult {
  readonly decision: 'allow' | 'deny';
  /** Ids of the policies that determined the decision (forbids on deny, permits on allow). */
  readonly policies: readonly string[];
  /** A sentence for the caller: why the call was denied, or that it was allowed. */
  readonly message: string;
  /** Evaluation errors (a policy that failed to evaluate is ignored by Cedar). */
  readonly errors: readonly string[];
}

export interface CedarAuthorizerProps {
  readonly tools: readonly ToolDefinition[];
  /** @default - the kit's `policies/` directory */
  readonly policyFiles?: readonly PolicyFile[];
  /** @default 'arn:aws:bedrock-agentcore:local:000000000000:gateway/local' */
  readonly gatewayArn?: string;
  /**
   * Fold the arguments the kit's gateway interceptor folds (catalog/policy-text.ts) before
   * evaluating, so a decision here is the decision behind that interceptor. Off: the policies see
   * the arguments exactly as given (what a gateway without the interceptor would evaluate).
   * @default true
   */
  readonly foldArguments?: boolean;
}

let authorizerCount = 0;

export const LOCAL_GATEWAY_ARN = 'arn:aws:bedrock-agentcore:local:000000000000:gateway/local';

/** Tags of the principal entity. */
export function claimsToTags(claims: Claims): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (typeof v === 'string') tags[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') tags[k] = String(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) tags[k] = v.join(' ');
  }
  return tags;
}

export class CedarAuthorizer {
  readonly schema: string;
  readonly policies: readonly CedarPolicy[];
  readonly gatewayArn: string;
  private readonly tools: readonly ToolDefinition[];
  private readonly foldArguments: boolean;
  private readonly policySet: Record<string, string>;
  /** Ids of the schema and policy set preparsed in the Cedar engine's cache (one pair per authorizer). */
  private readonly cacheId: string;

  constructor(props: CedarAuthorizerProps) {
    this.tools = props.tools;
    this.gatewayArn = props.gatewayArn ?? LOCAL_GATEWAY_ARN;
    this.foldArguments = props.foldArguments ?? true;
    this.schema = cedarSchemaFor(props.tools);
    this.policies = (props.policyFiles ?? loadPolicyFiles()).flatMap((f) => f.policies);
    this.policySet = Object.fromEntries(this.policies.map((p) => [p.id, bindGateway(p.text, this.gatewayArn)]));
    const check = cedar().validate({ schema: this.schema, policies: { staticPolicies: this.policySet }, validationSettings: { mode: 'strict' } });
    if (check.type === 'failure') throw new KitError('InvalidCedarPolicy', check.errors.map((e) => e.message));
    if (check.validationErrors.length) throw new KitError('InvalidCedarPolicy', check.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`));
    // Parse once, evaluate many: schema and policies are cached in the engine under this id.
    this.cacheId = `authorizer-${++authorizerCount}`;
    const schemaAnswer = cedar().preparseSchema(this.cacheId, this.schema);
    const policyAnswer = cedar().preparsePolicySet(this.cacheId, { staticPolicies: this.policySet });
    for (const answer of [schemaAnswer, policyAnswer]) {
      if (answer.type === 'failure') throw new KitError('InvalidCedarPolicy', answer.errors.map((e) => e.message));
    }
  }

  authorize(req: AuthorizationRequest): AuthorizationResult {
    const tool = findToolIn(this.tools, req.toolName);
    if (!tool) return { decision: 'deny', policies: [], errors: [], message: `Denied: ${req.toolName} is not a tool of this gateway.` };
    const sub = typeof req.claims.sub === 'string' && req.claims.sub ? req.claims.sub : undefined;
    if (!sub) return { decision: 'deny', policies: [], errors: [], message: 'Denied: the token carries no subject (sub) claim.' };
    const answer = cedar().statefulIsAuthorized({
      principal: { type: PRINCIPAL_TYPE, id: sub },
      action: { type: ACTION_TYPE, id: cedarActionId(tool) },
      resource: { type: RESOURCE_TYPE, id: this.gatewayArn },
      context: cedarContextFor(tool, this.foldArguments ? foldArgumentsForPolicy(cedarActionId(tool), req.input) : req.input) as unknown as Record<string, never>,
      preparsedSchemaName: this.cacheId,
      validateRequest: true,
      preparsedPolicySetId: this.cacheId,
      entities: [{ uid: { type: PRINCIPAL_TYPE, id: sub }, attrs: { id: sub }, parents: [], tags: claimsToTags(req.claims) }],
    });
    if (answer.type === 'failure') {
      return { decision: 'deny', policies: [], errors: answer.errors.map((e) => e.message), message: `Denied: the request does not fit the policy schema (${answer.errors.map((e) => e.message).join('; ')}).` };
    }
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
    if (decision === 'allow') return { decision, policies: diagnostics.reason, errors, message: `Allowed by ${diagnostics.reason.join(', ')}.` };
    const role = typeof req.claims.role === 'string' ? req.claims.role : '(no role claim)';
    if (diagnostics.reason.length) {
      const reasons = diagnostics.reason.map((id) => this.policies.find((p) => p.id === id)?.reason ?? id);
      return { decision, policies: diagnostics.reason, errors, message: `Denied by policy: ${reasons.join(' ')}` };
    }
    return {
      decision,
      policies: [],
      errors,
      message: `Denied by policy: no policy permits role ${role} to call ${req.toolName} with these arguments.`,
    };
  }
}
