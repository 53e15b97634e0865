import { KIT_FUNCTIONS } from '../bundling/kit-functions';
import { kitLambdaCode } from '../bundling/kit-code';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { VENDOR_ENV } from '../../lambda/memory-credentials/contract';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { acknowledgeTracing, functionRole } from '../compliance/function-role';
import { acknowledgeFunctionBaseline } from '../compliance/packs';
import { Problems } from '../errors';
import { AgentMemoryPerms } from './perms';

/** The identity provider whose tokens the vendor accepts: the same settings as the agents' inbound JWT auth. */
export interface MemoryCredentialAuth {
  /** OIDC discovery URL, ending in `/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** Accepted app client ids (`client_id`). @default - none */
  readonly allowedClients?: readonly string[];
  /** Accepted audiences (`aud`). @default - none */
  readonly allowedAudiences?: readonly string[];
  /** Claim that holds the user id (the memory actor). @default 'sub' */
  readonly userIdClaim?: string;
}

export interface MemoryCredentialVendorProps {
  /** ARN of the AgentCore Memory the vended credentials reach. */
  readonly memoryArn: string;
  /** The memory's customer-managed key, if it has one. @default - none */
  readonly encryptionKey?: kms.IKey;
  readonly auth: MemoryCredentialAuth;
  /**
   * How long vended credentials last (STS: 15 minutes to the role's one-hour maximum).
   * @default Duration.minutes(15)
   */
  readonly credentialLifetime?: Duration;
  /** Key for the function's log group and environment. @default - CloudWatch Logs / Lambda default encryption */
  readonly logEncryptionKey?: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Per-user memory isolation held by IAM (the token-vending pattern): a function that verifies the
 * caller's JWT itself is the only principal the memory-access role trusts, and it assumes that role
 * with the verified user id as the `actorId` session tag. The role allows exactly the memory calls
 * the agents make, each only where `bedrock-agentcore:actorId` / `bedrock-agentcore:namespace` match
 * the tag ({@link AgentMemoryPerms}). Agent roles get `lambda:InvokeFunction` on the vendor and no
 * memory data access of their own, so neither a prompt injection nor a bug in an agent can reach
 * another user's memory: it can only hand over the token it was called with.
 */
export class MemoryCredentialVendor extends Construct {
  readonly function: lambda.Function;
  /** The role vended sessions run as; trusted by the vendor's role only. */
  readonly accessRole: iam.Role;

  constructor(scope: Construct, id: string, props: MemoryCredentialVendorProps) {
    super(scope, id);
    const lifetime = props.credentialLifetime ?? Duration.minutes(15);
    const problems = new Problems('InvalidMemoryCredentialVendorProps');
    const seconds = lifetime.toSeconds();
    problems.check(seconds >= 900 && seconds <= 3600, `credentialLifetime: ${seconds} seconds; STS vends role sessions of 900 to 3600 seconds (the role's maximum session is one hour)`);
    problems.check((props.auth.allowedClients?.length ?? 0) + (props.auth.allowedAudiences?.length ?? 0) > 0, 'auth: set allowedClients or allowedAudiences (at least one), otherwise any token of the identity provider would get memory credentials');
    problems.throwIfAny();

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const vendorRole = functionRole(this, 'Role', logGroup, 'Memory credential vendor: verifies the caller token, assumes the memory-access role tagged with the verified actor');

    this.accessRole = new iam.Role(this, 'AccessRole', {
      description: 'AgentCore Memory for one verified actor (session tag actorId): own events and /users/<actor>/ records only',
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.PrincipalWithConditions(new iam.ArnPrincipal(vendorRole.roleArn).withSessionTags(), {
        // One tag, actorId, always set: a session without it would match no memory condition anyway.
        StringLike: { [`aws:RequestTag/${AgentMemoryPerms.ACTOR_TAG}`]: '?*' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [AgentMemoryPerms.ACTOR_TAG] },
      }),
    });
    this.accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OwnSessionEvents',
        actions: AgentMemoryPerms.SESSION_EVENTS,
        resources: [props.memoryArn],
        conditions: { StringEquals: { [AgentMemoryPerms.ACTOR_CONDITION_KEY]: AgentMemoryPerms.ACTOR_TAG_VARIABLE } },
      }),
    );
    this.accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OwnLongTermRecords',
        actions: AgentMemoryPerms.USER_RECORDS,
        resources: [props.memoryArn],
        conditions: { StringLike: { [AgentMemoryPerms.NAMESPACE_CONDITION_KEY]: `/users/${AgentMemoryPerms.ACTOR_TAG_VARIABLE}/*` } },
      }),
    );
    if (props.encryptionKey) {
      this.accessRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'MemoryKeyThroughMemoryOnly',
          actions: AgentMemoryPerms.KEY_USE,
          resources: [props.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `bedrock-agentcore.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    vendorRole.addToPolicy(new iam.PolicyStatement({ sid: 'AssumeMemoryAccessRoleTagged', actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [this.accessRole.roleArn] }));

    this.function = new lambda.Function(this, 'Function', {
      role: vendorRole,
      code: kitLambdaCode(KIT_FUNCTIONS.memoryCredentials),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      description: 'Vends AgentCore Memory credentials confined to the verified caller of the token it is given',
      environment: {
        [VENDOR_ENV.roleArn]: this.accessRole.roleArn,
        [VENDOR_ENV.discoveryUrl]: props.auth.discoveryUrl,
        [VENDOR_ENV.audiences]: [...(props.auth.allowedAudiences ?? []), ...(props.auth.allowedClients ?? [])].join(','),
        ...(props.auth.userIdClaim ? { [VENDOR_ENV.userIdClaim]: props.auth.userIdClaim } : {}),
        [VENDOR_ENV.sessionSeconds]: String(seconds),
      },
      environmentEncryption: props.logEncryptionKey,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
    });
    acknowledgeTracing(vendorRole);
    acknowledgeFindings(this.function, [{ id: 'AwsSolutions-L1', reason: 'Lambda and AgentCore run Node 22 across the platform; the runtime is pinned to NODEJS_22_X on purpose' }]);
    acknowledgeFunctionBaseline(this.function, { kind: 'synchronous', caller: 'the agent runtimes (Lambda Invoke, RequestResponse)' });
  }

  /** Let an agent role ask for memory credentials (for the callers whose tokens it holds). */
  grantVend(grantee: iam.IGrantable): iam.Grant {
    // The unqualified function only (what the agents invoke), not every version (`<arn>:*`).
    return iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.function.functionArn] });
  }
}
