import { Annotations, Aws, Duration, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ROLES, USER_ATTRIBUTES, type Role } from '../../lambda/identity/claims';
import { EVALUATION_CLIENT_NAME, PERSONA_ENV } from '../../lambda/identity/persona-tokens';
import { REFERENCE_USER_NAMES } from '../../lambda/identity/reference-users';
import { acknowledgeFindings } from '../compliance/acknowledge';
import { acknowledgeTracing, functionRole } from '../compliance/function-role';
import { acknowledgeFunctionBaseline } from '../compliance/packs';
import { KitError, Problems } from '../errors';
import type { IInboundIdentity } from './inbound-identity';
import { KIT_FUNCTIONS, kitLambdaCode } from '../bundling';

/** Group precedence: lower wins in Cognito's `cognito:preferred_role`; same order as the token trigger. */
const GROUP_DESCRIPTIONS: Record<Role, string> = {
  'finance-admin': 'Finance administrators: every financial tool, every region',
  'senior-analyst': 'Senior analysts: revenue and summaries of every region',
  analyst: 'Analysts: revenue of the regions in their region attribute only',
  'hr-staff': 'HR staff: HR tools on behalf of any employee',
  'it-staff': 'IT staff: IT tools on behalf of any user',
  employee: 'Employees: self-service HR and IT tools for themselves',
};

/** Settings of the evaluation client; see {@link CognitoIdentityProps.evaluationClient}. */
export interface EvaluationClientOptions {
  /**
   * Reference identities (`REFERENCE_USERS` of lambda/identity/reference-users.ts) the client may ask for.
   * @default - every reference identity
   */
  readonly personas?: readonly string[];
  /**
   * Lifetime of a persona token: 5–60 minutes.
   * @default Duration.minutes(15)
   */
  readonly accessTokenValidity?: Duration;
  /**
   * The pool serves production users. Persona tokens there let whoever reads the client secret act as
   * any reference identity, so the construct adds a synth warning.
   * @default false
   */
  readonly production?: boolean;
}

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
   * @default - with an evaluation client: `agentcore-<parts of the stack id>` (unique per stack);
   * otherwise no hosted domain (token endpoints unavailable until one is added)
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
  /**
   * A client-credentials app client (`m2m-evaluation`, secret generated, invoke scope only, short-lived
   * tokens) whose tokens carry the claims of a reference identity the caller names in the token request
   * (`aws_client_metadata={"persona":"alex"}`), so an offline evaluation runs each case as a realistic
   * user and the Cedar policies allow and refuse exactly as they would for that user. Switches the
   * token trigger to event version V3_0 (invoked for client-credentials grants too; Plus plan) and
   * adds a hosted domain for the token endpoint if `domainPrefix` is not set. Meant for dev and staging.
   * @default false
   */
  readonly evaluationClient?: boolean | EvaluationClientOptions;
}

/**
 * The embedded identity provider: a Cognito user pool (Plus feature plan with threat protection
 * enforced, strong passwords, MFA), one group per platform role, custom attributes for department,
 * region, employeeId and userId, a pre-token-generation trigger (V2_0; V3_0 with an evaluation
 * client) that turns them into access token claims, a resource server, a user app client
 * (authorization code + PKCE, no secret), one client-credentials app client per machine caller and,
 * optionally, the evaluation client whose tokens carry a reference identity's claims (persona
 * tokens, see lambda/identity/persona-tokens.ts). The gateway accepts tokens of these clients only.
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
  readonly tokenTrigger: lambda.Function;
  readonly domain?: cognito.UserPoolDomain;
  readonly discoveryUrl: string;
  readonly authorizerConfiguration: agentcore.IGatewayAuthorizerConfig;
  /** `<resource server>/invoke`. */
  readonly invokeScope: string;
  /** The evaluation client (persona tokens), when enabled. */
  readonly evaluationClient?: cognito.UserPoolClient;
  /** Personas the evaluation client may ask for (empty without an evaluation client). */
  readonly evaluationPersonas: readonly string[];
  /** SSM parameter listing the evaluation client id(s) the token trigger accepts persona requests from. */
  readonly evaluationClientsParameter?: ssm.StringParameter;
  /** Name of {@link evaluationClientsParameter} (a plain string, known at synth). */
  readonly evaluationClientsParameterName?: string;
  /** OAuth 2.0 token endpoint, `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`, when the pool has a domain. */
  readonly tokenEndpoint?: string;
  /** Every app client whose tokens the gateway (and the agent runtimes) accept. */
  readonly allowedClients: readonly cognito.UserPoolClient[];

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
    const evaluation = props.evaluationClient === true ? {} : props.evaluationClient || undefined;
    if (evaluation) {
      problems.check(!machineNames.includes('evaluation'), `machineClients: "evaluation" is reserved for the evaluation client (${EVALUATION_CLIENT_NAME}); choose another name`);
      const personas = evaluation.personas ?? REFERENCE_USER_NAMES;
      problems.check(personas.length > 0, `evaluationClient.personas: expected at least one of ${REFERENCE_USER_NAMES.join(', ')}`);
      for (const p of personas) problems.check((REFERENCE_USER_NAMES as readonly string[]).includes(p), `evaluationClient.personas: unknown persona ${JSON.stringify(p)}; expected one of ${REFERENCE_USER_NAMES.join(', ')}`);
      problems.check(new Set(personas).size === personas.length, `evaluationClient.personas: a persona is listed twice (${personas.join(', ')})`);
      const minutes = evaluation.accessTokenValidity?.toMinutes();
      problems.check(minutes === undefined || (minutes >= 5 && minutes <= 60), `evaluationClient.accessTokenValidity: expected 5–60 minutes (persona tokens are for one evaluation run), got ${minutes} minutes`);
    }
    problems.throwIfAny();
    this.evaluationPersonas = evaluation ? [...(evaluation.personas ?? REFERENCE_USER_NAMES)] : [];

    const tokenClaimsLogs = new logs.LogGroup(this, 'TokenClaimsLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.kmsKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const tokenClaimsRole = functionRole(this, 'TokenClaimsRole', tokenClaimsLogs, 'Cognito token trigger: writes its own log group');
    this.tokenTrigger = new lambda.Function(this, 'TokenClaims', {
      role: tokenClaimsRole,
      code: kitLambdaCode(KIT_FUNCTIONS.tokenClaims),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      description: 'Adds role, department, region, employeeId and userId claims to access tokens',
      environmentEncryption: props.kmsKey,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: tokenClaimsLogs,
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
    // V3_0 also runs the trigger for client-credentials grants: needed for persona tokens only, so
    // pools without an evaluation client keep V2_0 (machine tokens never reach the trigger there).
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.tokenTrigger, evaluation ? cognito.LambdaVersion.V3_0 : cognito.LambdaVersion.V2_0);

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
    if (evaluation) {
      this.evaluationClient = this.userPool.addClient('EvaluationClient', {
        userPoolClientName: EVALUATION_CLIENT_NAME,
        generateSecret: true,
        authFlows: {},
        oAuth: { flows: { clientCredentials: true }, scopes: [invokeScope] },
        accessTokenValidity: evaluation.accessTokenValidity ?? Duration.minutes(15),
        enableTokenRevocation: true,
      });
      // The trigger cannot get the client id as an environment variable (pool → trigger → client →
      // pool is a cycle): it reads it from this parameter, whose name it knows up front.
      const parameterName = (this.evaluationClientsParameterName = `/agentcore-kit/identity/${Token.isUnresolved(Stack.of(this).stackName) ? '' : `${Stack.of(this).stackName}-`}${Names.uniqueId(this)}/evaluation-clients`);
      this.evaluationClientsParameter = new ssm.StringParameter(this, 'EvaluationClients', {
        parameterName,
        stringValue: this.evaluationClient.userPoolClientId,
        description: 'App client ids the token trigger issues persona tokens to (the evaluation client)',
      });
      this.tokenTrigger.addEnvironment(PERSONA_ENV.clientsParameter, parameterName);
      this.tokenTrigger.addEnvironment(PERSONA_ENV.personas, this.evaluationPersonas.join(','));
      // Built from the name, not the parameter resource, for the same reason.
      this.tokenTrigger.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.slice(1) })],
        }),
      );
      if (evaluation.production) {
        Annotations.of(this).addWarningV2(
          '@agentcore-kit/identity:evaluationClientInProduction',
          `evaluationClient: persona tokens in a production user pool are an impersonation risk — whoever can read the ${EVALUATION_CLIENT_NAME} client secret can act as any reference identity (${this.evaluationPersonas.join(', ')}). Turn identity.evaluationClient off in production.`,
        );
      }
    }

    // Persona tokens need the token endpoint: without a prefix, one unique to this stack.
    const domainPrefix = props.domainPrefix ?? (evaluation ? uniqueDomainPrefix() : undefined);
    if (domainPrefix) this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix }, managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN });
    this.tokenEndpoint = this.domain ? `${this.domain.baseUrl()}/oauth2/token` : undefined;

    this.allowedClients = [this.userClient, ...Object.values(this.machineClients), ...(this.evaluationClient ? [this.evaluationClient] : [])];
    this.discoveryUrl = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}/.well-known/openid-configuration`;
    this.authorizerConfiguration = agentcore.GatewayAuthorizer.usingCognito({
      userPool: this.userPool,
      allowedClients: [...this.allowedClients],
    });

    acknowledgeFindings(this.tokenTrigger, [{ id: 'AwsSolutions-L1', reason: 'Lambda and AgentCore run Node 22 across the platform; the runtime is pinned to NODEJS_22_X on purpose' }]);
    acknowledgeFunctionBaseline(this.tokenTrigger, { kind: 'synchronous', caller: 'Amazon Cognito (pre-token-generation trigger of this user pool)' });
    acknowledgeTracing(tokenClaimsRole);
  }

  /**
   * Lets `grantee` read the evaluation client's secret at run time (`cognito-idp:DescribeUserPoolClient`
   * on this pool; IAM cannot narrow it to one client). The secret never appears in a template or output.
   */
  grantReadEvaluationClientSecret(grantee: iam.IGrantable): iam.Grant {
    if (!this.evaluationClient) {
      throw new KitError('NoEvaluationClient', ['evaluationClient: this identity has no evaluation client; set evaluationClient: true to create one']);
    }
    return iam.Grant.addToPrincipal({ grantee, actions: ['cognito-idp:DescribeUserPoolClient'], resourceArns: [this.userPool.userPoolArn] });
  }
}

/**
 * `agentcore-<time>-<node>` from this stack's id (a UUID): unique per stack, stable across deploys,
 * and free of the words Cognito refuses in a prefix.
 */
function uniqueDomainPrefix(): string {
  const uuid = Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID)));
  return Fn.join('', ['agentcore-', Fn.select(0, uuid), Fn.select(1, uuid), '-', Fn.select(4, uuid)]);
}
