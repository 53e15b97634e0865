import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLES, USER_ATTRIBUTES, type Role } from '../../lambda/identity/claims';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { Problems } from '../errors';
import type { IInboundIdentity } from './inbound-identity';

/** Group precedence: lower wins in Cognito's `cognito:preferred_role`; same order as the token trigger. */
const GROUP_DESCRIPTIONS: Record<Role, string> = {
  'finance-admin': 'Finance administrators: every financial tool, every region',
  'senior-analyst': 'Senior analysts: revenue and summaries of every region',
  analyst: 'Analysts: revenue of the regions in their region attribute only',
  'hr-staff': 'HR staff: HR tools on behalf of any employee',
  'it-staff': 'IT staff: IT tools on behalf of any user',
  employee: 'Employees: self-service HR and IT tools for themselves',
};

export interface CognitoIdentityProps {
  /** Encrypts the token trigger's environment and logs. */
  readonly kmsKey: kms.IKey;
  /**
   * OAuth callback URLs of the user app client (authorization code + PKCE).
   * @default ['http://localhost:3000/callback']
   */
  readonly callbackUrls?: readonly string[];
  /**
   * Hosted UI domain prefix (globally unique per region): lower-case letters, digits, dashes, 3–63.
   * @default - no hosted domain (token endpoints unavailable until one is added)
   */
  readonly domainPrefix?: string;
  /**
   * Resource server identifier; scopes are `<identifier>/invoke` (users and machines) and `<identifier>/admin`.
   * @default 'agentcore-tools'
   */
  readonly resourceServerIdentifier?: string;
  /**
   * MFA for users. cdk-nag AwsSolutions-COG2 expects REQUIRED.
   * @default cognito.Mfa.REQUIRED
   */
  readonly mfa?: cognito.Mfa;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Machine-to-machine callers (client credentials) get their own app client each.
   * @default ['service']
   */
  readonly machineClients?: readonly string[];
}

/**
 * The embedded identity provider: a Cognito user pool (Plus feature plan with threat protection
 * enforced, strong passwords, MFA), one group per platform role, custom attributes for department,
 * region, employeeId and userId, a pre-token-generation trigger (V2) that turns them into access
 * token claims, a resource server, a user app client (authorization code + PKCE, no secret) and one
 * client-credentials app client per machine caller. The gateway accepts tokens of these clients only.
 *
 * Cognito encrypts user pools at rest with AWS-owned keys (no customer-managed key option); the
 * trigger's environment and logs use `kmsKey`.
 */
export class CognitoIdentity extends Construct implements IInboundIdentity {
  readonly userPool: cognito.UserPool;
  readonly userClient: cognito.UserPoolClient;
  readonly machineClients: Readonly<Record<string, cognito.UserPoolClient>>;
  readonly resourceServer: cognito.UserPoolResourceServer;
  readonly groups: Readonly<Record<Role, cognito.CfnUserPoolGroup>>;
  readonly tokenTrigger: nodejs.NodejsFunction;
  readonly domain?: cognito.UserPoolDomain;
  readonly discoveryUrl: string;
  readonly authorizerConfiguration: agentcore.IGatewayAuthorizerConfig;
  /** `<resource server>/invoke`. */
  readonly invokeScope: string;

  constructor(scope: Construct, id: string, props: CognitoIdentityProps) {
    super(scope, id);
    const problems = new Problems('InvalidIdentityProps');
    const callbackUrls = props.callbackUrls ?? ['http://localhost:3000/callback'];
    const identifier = props.resourceServerIdentifier ?? 'agentcore-tools';
    const machineNames = props.machineClients ?? ['service'];
    problems.check(callbackUrls.length > 0, 'callbackUrls: expected at least one OAuth callback URL');
    for (const url of callbackUrls) problems.check(/^(https:\/\/|http:\/\/localhost[:/])/.test(url), `callbackUrls: ${JSON.stringify(url)} must use https (http only for localhost)`);
    if (props.domainPrefix !== undefined) problems.check(/^[a-z0-9-]{3,63}$/.test(props.domainPrefix) && !/aws|amazon|cognito/.test(props.domainPrefix), `domainPrefix: expected 3–63 lower-case letters, digits or dashes without "aws", "amazon" or "cognito", got ${JSON.stringify(props.domainPrefix)}`);
    problems.check(/^[\w.:/-]{1,256}$/.test(identifier), `resourceServerIdentifier: expected 1–256 letters, digits or . _ : / -, got ${JSON.stringify(identifier)}`);
    for (const m of machineNames) problems.check(/^[a-z][a-z0-9-]{0,40}$/.test(m), `machineClients: ${JSON.stringify(m)} must be lower-case letters, digits or dashes, starting with a letter`);
    problems.throwIfAny();

    this.tokenTrigger = new nodejs.NodejsFunction(this, 'TokenClaims', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'identity', 'index.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      description: 'Adds role, department, region, employeeId and userId claims to access tokens',
      environmentEncryption: props.kmsKey,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, 'TokenClaimsLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.kmsKey,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      }),
      bundling: { minify: true, sourceMap: true, target: 'node22' },
    });

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: true },
      signInCaseSensitive: false,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      mfa: props.mfa ?? cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      customAttributes: {
        [USER_ATTRIBUTES.department]: new cognito.StringAttribute({ minLen: 2, maxLen: 40, mutable: true }),
        [USER_ATTRIBUTES.region]: new cognito.StringAttribute({ minLen: 4, maxLen: 32, mutable: true }),
        [USER_ATTRIBUTES.employeeId]: new cognito.StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
        [USER_ATTRIBUTES.userId]: new cognito.StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
      },
    });
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.tokenTrigger, cognito.LambdaVersion.V2_0);

    this.groups = Object.fromEntries(
      ROLES.map((role, i) => [
        role,
        new cognito.CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role, precedence: i + 1, description: GROUP_DESCRIPTIONS[role] }),
      ]),
    ) as Record<Role, cognito.CfnUserPoolGroup>;

    const invoke = new cognito.ResourceServerScope({ scopeName: 'invoke', scopeDescription: 'Call tools through the gateway' });
    this.resourceServer = this.userPool.addResourceServer('Tools', { identifier, userPoolResourceServerName: 'AgentCore tools', scopes: [invoke] });
    this.invokeScope = `${identifier}/invoke`;
    const invokeScope = cognito.OAuthScope.resourceServer(this.resourceServer, invoke);

    // Custom attributes are set by administrators only: app clients may read but never write them.
    const readAttributes = new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(...Object.values(USER_ATTRIBUTES));
    const writeAttributes = new cognito.ClientAttributes().withStandardAttributes({ fullname: true });

    this.userClient = this.userPool.addClient('UserClient', {
      userPoolClientName: 'agent-users',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE, invokeScope],
        callbackUrls: [...callbackUrls],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      readAttributes,
      writeAttributes,
    });
    this.machineClients = Object.fromEntries(
      machineNames.map((name) => [
        name,
        this.userPool.addClient(`Machine-${name}`, {
          userPoolClientName: `m2m-${name}`,
          generateSecret: true,
          authFlows: {},
          oAuth: { flows: { clientCredentials: true }, scopes: [invokeScope] },
          accessTokenValidity: Duration.minutes(60),
          enableTokenRevocation: true,
        }),
      ]),
    );
    if (props.domainPrefix) this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix }, managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN });

    this.discoveryUrl = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}/.well-known/openid-configuration`;
    this.authorizerConfiguration = agentcore.GatewayAuthorizer.usingCognito({
      userPool: this.userPool,
      allowedClients: [this.userClient, ...Object.values(this.machineClients)],
    });

    acknowledgeFindings(this.tokenTrigger, [
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'The token trigger only writes its own logs; the AWS managed basic execution role is the least it needs' },
      { id: 'AwsSolutions-L1', reason: 'Lambda and AgentCore run Node 22 across the platform; the runtime is pinned to NODEJS_22_X on purpose' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (active tracing)' },
    ]);
  }
}
