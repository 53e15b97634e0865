import { Stack, Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Problems } from '../errors';
import { GATEWAY_INVOKE_RUNTIME } from './perms';

export interface AgentTrafficSplitProps {
  /** The agent runtime whose `live` and `canary` endpoints receive the traffic. Any runtime works, imported ones too. */
  readonly runtime: agentcore.IBedrockAgentRuntime;
  /**
   * Runtime endpoint that serves the last good version.
   * @default 'live'
   */
  readonly liveEndpointName?: string;
  /**
   * Runtime endpoint that serves the release candidate.
   * @default 'canary'
   */
  readonly canaryEndpointName?: string;
  /**
   * Inbound authorization of the agent gateway (the L2 `GatewayAuthorizer` factories:
   * `usingCognito`, `usingCustomJwt`, `usingAwsIam`). `withNoAuth` is refused.
   */
  readonly authorizer: agentcore.IGatewayAuthorizerConfig;
  /**
   * Gateway name: letters, digits and single dashes, up to 100 characters.
   * @default - `<runtime name>-agents`, cut to 100 characters
   */
  readonly gatewayName?: string;
  /**
   * Prefix of the two target names (`<prefix>-live`, `<prefix>-canary`); clients address the agent at `/<target>/...`.
   * @default 'agent'
   */
  readonly targetPrefix?: string;
  /**
   * Priority of the routing rule, 1–1,000,000; lower numbers win. Leave room for debugging rules before it.
   * @default 100
   */
  readonly rulePriority?: number;
  /** Customer-managed key for the gateway's data. */
  readonly encryptionKey: kms.IKey;
  /**
   * How the runtime authorizes the gateway's calls. `jwt`: the runtime accepts the same JWTs as the
   * gateway (the kit's runtimes do), so the gateway passes the caller's token through and the agent
   * acts for the verified caller. `iam`: the runtime is IAM-authorized and the gateway signs with its
   * own role, which may invoke only this runtime's two endpoints.
   * @default - `jwt` behind a JWT authorizer, `iam` behind an IAM authorizer
   */
  readonly runtimeAuthorization?: 'jwt' | 'iam';
}

/**
 * An HTTP gateway in front of one agent runtime, with its `live` and `canary` endpoints as targets and
 * one routing rule.
 *
 * The template declares only the resting state of the rule: every request to `live` (a static route).
 * Weighted splits (two entries, weights 1–99, sticky per runtime session) are applied through the API by
 * the release controller and always end back in that resting state, through promotion or rollback. So a
 * deploy never opens a canary, and a deploy after a rollback finds nothing to undo.
 *
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-rules-session-stickiness.html
 */
export class AgentTrafficSplit extends Construct {
  /**
   * Header that keeps a conversation on one variant: the gateway stores the variant chosen for a session
   * id and reuses it, for runtime targets keyed by this header (at least 33 characters).
   */
  static readonly SESSION_HEADER = 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id';

  readonly gateway: agentcore.CfnGateway;
  readonly gatewayId: string;
  readonly gatewayArn: string;
  readonly gatewayUrl: string;
  readonly role: iam.Role;
  readonly liveTarget: agentcore.CfnGatewayTarget;
  readonly canaryTarget: agentcore.CfnGatewayTarget;
  readonly liveTargetName: string;
  readonly canaryTargetName: string;
  readonly rule: agentcore.CfnGatewayRule;
  readonly ruleId: string;
  readonly liveEndpointName: string;
  readonly canaryEndpointName: string;
  readonly runtime: agentcore.IBedrockAgentRuntime;
  readonly runtimeAuthorization: 'jwt' | 'iam';

  constructor(scope: Construct, id: string, props: AgentTrafficSplitProps) {
    super(scope, id);
    const liveEndpointName = props.liveEndpointName ?? 'live';
    const canaryEndpointName = props.canaryEndpointName ?? 'canary';
    const targetPrefix = props.targetPrefix ?? 'agent';
    const priority = props.rulePriority ?? 100;
    const runtimeName = props.runtime.agentRuntimeName;
    const gatewayName = props.gatewayName ?? (Token.isUnresolved(runtimeName) ? `${Stack.of(this).stackName}-agents` : `${runtimeName}-agents`).replace(/_/g, '-').slice(0, 100);

    const problems = new Problems('InvalidAgentTrafficSplit');
    const endpointName = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;
    for (const [field, v] of [['liveEndpointName', liveEndpointName], ['canaryEndpointName', canaryEndpointName]] as const) {
      if (!Token.isUnresolved(v)) problems.check(endpointName.test(v), `${field}: expected a runtime endpoint name (a letter, then up to 47 letters, digits or "_"), got ${JSON.stringify(v)}`);
    }
    problems.check(liveEndpointName !== canaryEndpointName, `canaryEndpointName: must differ from liveEndpointName (both ${JSON.stringify(liveEndpointName)}); a split needs two endpoints`);
    const targetName = /^([0-9a-zA-Z][-]?){1,90}$/;
    problems.check(targetName.test(targetPrefix), `targetPrefix: expected letters, digits and single dashes (at most 90 characters), got ${JSON.stringify(targetPrefix)}`);
    if (!Token.isUnresolved(gatewayName)) problems.check(/^([0-9a-zA-Z][-]?){1,100}$/.test(gatewayName), `gatewayName: expected letters, digits and single dashes (at most 100 characters), got ${JSON.stringify(gatewayName)}`);
    problems.check(Number.isInteger(priority) && priority >= 1 && priority <= 1_000_000, `rulePriority: expected an integer 1–1,000,000, got ${priority}`);
    problems.check(props.authorizer.authorizerType !== agentcore.GatewayAuthorizerType.NONE, 'authorizer: withNoAuth() would let anyone call the agents; use GatewayAuthorizer.usingCognito, usingCustomJwt or usingAwsIam');
    const jwtAuthorizer = props.authorizer.authorizerType === agentcore.GatewayAuthorizerType.CUSTOM_JWT;
    const runtimeAuthorization = props.runtimeAuthorization ?? (jwtAuthorizer ? 'jwt' : 'iam');
    problems.check(
      runtimeAuthorization !== 'jwt' || jwtAuthorizer,
      `runtimeAuthorization: "jwt" passes the caller's token to the runtime, so the authorizer must be a JWT one (usingCognito or usingCustomJwt), got ${props.authorizer.authorizerType}`,
    );
    problems.throwIfAny();
    this.runtimeAuthorization = runtimeAuthorization;

    this.runtime = props.runtime;
    this.liveEndpointName = liveEndpointName;
    this.canaryEndpointName = canaryEndpointName;
    this.liveTargetName = `${targetPrefix}-live`;
    this.canaryTargetName = `${targetPrefix}-canary`;

    this.role = new iam.Role(this, 'GatewayRole', {
      description: `Agent gateway ${gatewayName}: invokes the ${liveEndpointName} and ${canaryEndpointName} endpoints of one runtime`,
      assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'bedrock-agentcore', resource: 'gateway', resourceName: '*' }) },
        },
      }),
    });
    const runtimeArn = props.runtime.agentRuntimeArn;
    // Signing with its own role, the gateway may invoke this runtime's two endpoints and nothing else;
    // passing the caller's token through, it needs no invoke right at all.
    const invoke =
      runtimeAuthorization === 'iam'
        ? new iam.Policy(this, 'InvokeEndpoints', {
            statements: [
              new iam.PolicyStatement({
                actions: GATEWAY_INVOKE_RUNTIME,
                resources: [runtimeArn, `${runtimeArn}/runtime-endpoint/${liveEndpointName}`, `${runtimeArn}/runtime-endpoint/${canaryEndpointName}`],
              }),
            ],
          })
        : undefined;
    invoke?.attachToRole(this.role);

    this.gateway = new agentcore.CfnGateway(this, 'Gateway', {
      name: gatewayName,
      description: `Agent traffic for runtime ${runtimeName}: ${liveEndpointName} and ${canaryEndpointName}`,
      // No protocolType: runtime targets are only allowed on HTTP gateways, never on MCP ones.
      authorizerType: props.authorizer.authorizerType,
      authorizerConfiguration: props.authorizer._render(),
      roleArn: this.role.roleArn,
      kmsKeyArn: props.encryptionKey.keyArn,
    });
    this.gatewayId = this.gateway.attrGatewayIdentifier;
    this.gatewayArn = this.gateway.attrGatewayArn;
    this.gatewayUrl = this.gateway.attrGatewayUrl;

    const target = (cid: string, name: string, qualifier: string, what: string) => {
      const t = new agentcore.CfnGatewayTarget(this, cid, {
        gatewayIdentifier: this.gatewayId,
        name,
        description: what,
        targetConfiguration: { http: { agentcoreRuntime: { arn: runtimeArn, qualifier } } },
        credentialProviderConfigurations: [
          runtimeAuthorization === 'jwt'
            ? { credentialProviderType: 'JWT_PASSTHROUGH' }
            : { credentialProviderType: 'GATEWAY_IAM_ROLE', credentialProvider: { iamCredentialProvider: { service: 'bedrock-agentcore' } } },
        ],
      });
      // The gateway checks its access to the target on creation: the policy must exist first.
      if (invoke) t.node.addDependency(invoke);
      return t;
    };
    this.liveTarget = target('LiveTarget', this.liveTargetName, liveEndpointName, `Runtime ${runtimeName}, endpoint ${liveEndpointName} (last good version)`);
    this.canaryTarget = target('CanaryTarget', this.canaryTargetName, canaryEndpointName, `Runtime ${runtimeName}, endpoint ${canaryEndpointName} (release candidate)`);

    this.rule = new agentcore.CfnGatewayRule(this, 'RoutingRule', {
      gatewayIdentifier: this.gatewayId,
      priority,
      description: 'Release routing. Resting state: all traffic on live. Splits are applied and removed by the release controller.',
      actions: [{ routeToTarget: { staticRoute: { targetName: this.liveTargetName } } }],
    });
    this.rule.addResourceDependency(this.liveTarget);
    this.rule.addResourceDependency(this.canaryTarget);
    this.ruleId = this.rule.attrRuleId;
  }

  /**
   * Where clients send requests for this agent: `<gateway URL>/<live target>/invocations`, the same
   * shape as the runtime's own invocation URL (A2A clients read the agent card below it). The rule,
   * not the path, decides which endpoint serves a session; the live target's path keeps requests on
   * live should the rule ever be missing.
   */
  get invocationUrl(): string {
    return `${this.gatewayUrl.replace(/\/$/, '')}/${this.liveTargetName}/invocations`;
  }

  /** Allow a principal to read and switch the routing rule (release tooling, operators). */
  grantRouting(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['bedrock-agentcore:GetGatewayRule', 'bedrock-agentcore:UpdateGatewayRule'],
      // The Service Authorization Reference authorizes rule actions on the gateway itself.
      resourceArns: [this.gatewayArn],
    });
  }
}
