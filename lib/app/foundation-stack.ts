import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { memoryStrategiesOf, type AgentSpec } from '../../catalog/agents';
import type { EnvironmentConfig } from '../config';
import { AgentGuardrail, COMPENSATION_TOPIC, INVESTMENT_ADVICE_TOPIC } from '../guardrails';
import { CognitoIdentity, Identity, type IInboundIdentity } from '../identity';
import { AgentMemory, sharedMemoryStrategies } from '../memory';
import type { EvaluationAccess } from '../pipeline';
import { RELEASE_PARAMETER_PREFIX } from '../release';
import type { AgentJwtAuth } from '../runtime';
import { allowCloudWatchLogs } from '../tools';

export interface FoundationStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly agents: readonly AgentSpec[];
  /** Account whose evaluation gate may assume the evaluation role. @default - this stack's account */
  readonly pipelineAccount?: string;
}

/** Name of the role a delivery pipeline's evaluation gate assumes in an environment (fixed, so the pipeline can scope its IAM at synth). */
export function evaluationRoleNameOf(config: EnvironmentConfig): string {
  return `agentcore-kit-${config.name}-evaluation-gate`.slice(0, 64);
}

/**
 * Name of the evaluation gate's own role in the pipeline account (the CodeBuild step runs as it):
 * the only principal the environment's evaluation role trusts. Derived from the evaluation role's
 * name, so the pipeline can name it from the stage's outputs.
 */
export function evaluationCallerRoleNameOf(evaluationRoleName: string): string {
  return `${evaluationRoleName.slice(0, 57)}-caller`;
}

/** The release name of an agent in an environment: keys its rollout state and live-version parameter. */
export function releaseNameOf(config: EnvironmentConfig, agentId: string): string {
  return `${config.name}-${agentId}`;
}

/**
 * Long-lived, shared resources of an environment: the customer-managed key, the identity
 * provider, the shared memory, and the recorded `live` version of each agent.
 */
export class FoundationStack extends Stack {
  /** Customer-managed key for every stateful resource of the environment. */
  readonly key: kms.Key;
  readonly identity: IInboundIdentity;
  /** JWT settings the agent runtimes accept: the same issuer and clients as the gateway. */
  readonly runtimeAuth: AgentJwtAuth;
  /** One memory for the supervisor and specialists, so context survives hand-offs; namespaced per user. */
  readonly memory: AgentMemory;
  /** What the pipeline's evaluation gate needs for persona tokens (with an evaluation client only). */
  readonly evaluationAccess?: EvaluationAccess;
  /** The guardrail on every model call of the agents (config `guardrail.enabled`). */
  readonly guardrail?: AgentGuardrail;
  /** Name of the SSM parameter holding each agent's last good version, by agent id. */
  readonly liveVersionParameterNames: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/agentcore-kit/${config.name}`,
      description: `agentcore-kit ${config.name}: encryption of tool data, memory, logs and gateway`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // Every log group of the environment is encrypted with this key.
    allowCloudWatchLogs(this.key);

    if (config.identity.kind === 'cognito') {
      const cognito: CognitoIdentity = Identity.cognito(this, 'Identity', {
        kmsKey: this.key,
        callbackUrls: config.identity.callbackUrls,
        domainPrefix: config.identity.domainPrefix,
        removalPolicy,
        logRetention: config.logRetentionDays as logs.RetentionDays,
        evaluationClient: config.identity.evaluationClient && { production: config.name === 'prod' },
      });
      this.identity = cognito;
      this.runtimeAuth = {
        discoveryUrl: cognito.discoveryUrl,
        allowedClients: cognito.allowedClients.map((c) => c.userPoolClientId),
      };
      if (cognito.evaluationClient && cognito.tokenEndpoint) this.evaluationAccess = this.evaluationAccessFor(cognito, cognito.evaluationClient, cognito.tokenEndpoint, config, props.pipelineAccount);
    } else {
      const { discoveryUrl, allowedAudiences, allowedClients, requiredClaims } = config.identity;
      this.identity = Identity.oidc({ discoveryUrl, allowedAudiences, allowedClients, requiredClaims });
      this.runtimeAuth = { discoveryUrl, allowedAudiences, allowedClients };
    }

    this.memory = new AgentMemory(this, 'Memory', {
      memoryName: `agentcore_kit_${config.name.replace(/-/g, '_')}`,
      description: `Shared short- and long-term memory of the ${config.name} agents, namespaced per user`,
      eventExpiry: Duration.days(config.memory.eventExpiryDays),
      encryptionKey: this.key,
      removalPolicy,
      // The strategies the agents' specs choose (catalog/agents.ts), one shared memory holding them all.
      longTerm: sharedMemoryStrategies(
        props.agents.map((a) => ({ id: a.id, strategies: memoryStrategiesOf(a) })),
        config.memory.strategyModelId ?? config.models.primary.modelId,
      ),
    });

    if (config.guardrail.enabled) {
      this.guardrail = new AgentGuardrail(this, 'Guardrail', {
        guardrailName: `agentcore-kit-${config.name}`,
        description: `Every model call of the ${config.name} agents: content filters, prompt attacks, denied topics, PII`,
        contentFilterStrength: config.guardrail.contentFilterStrength,
        promptAttackStrength: config.guardrail.promptAttackStrength,
        deniedTopics: [COMPENSATION_TOPIC, INVESTMENT_ADVICE_TOPIC, ...config.guardrail.extraDeniedTopics],
        piiAction: config.guardrail.piiAction,
        piiEntities: config.guardrail.piiEntities,
        encryptionKey: this.key,
      });
    }

    // The rollout machinery writes these after a promotion or rollback; CloudFormation never
    // changes them again (the template value stays "1"), and every deploy pins `live` to them.
    const names: Record<string, string> = {};
    for (const agent of props.agents) {
      names[agent.id] = `${RELEASE_PARAMETER_PREFIX}/${releaseNameOf(config, agent.id)}/live-version`;
      new ssm.StringParameter(this, `LiveVersion-${agent.id}`, {
        parameterName: names[agent.id],
        stringValue: '1',
        description: `${agent.displayName} (${config.name}): runtime version the live endpoint serves`,
      });
    }
    this.liveVersionParameterNames = names;
  }

  /**
   * The evaluation gate's way in: a role the pipeline account may assume that reads the evaluation
   * client (its secret) and nothing else, and the outputs the gate's runner is configured with.
   */
  private evaluationAccessFor(identity: CognitoIdentity, client: cognito.UserPoolClient, tokenUrl: string, config: EnvironmentConfig, pipelineAccount: string | undefined): EvaluationAccess {
    const roleName = evaluationRoleNameOf(config);
    const role = new iam.Role(this, 'EvaluationGateRole', {
      roleName,
      description: `The delivery pipeline's evaluation gate for ${config.name}: reads the evaluation client to request persona tokens`,
      // The pipeline account, and in it only the gate step's role: any other role or user of that
      // account (a developer sandbox, another pipeline) cannot read the evaluation client. A
      // condition rather than the role's ARN as principal, so the trust holds when the pipeline's
      // role is recreated, and the stage deploys before or after the pipeline's role exists.
      assumedBy: new iam.AccountPrincipal(pipelineAccount ?? this.account).withConditions({
        ArnEquals: { 'aws:PrincipalArn': `arn:${this.partition}:iam::${pipelineAccount ?? this.account}:role/${evaluationCallerRoleNameOf(roleName)}` },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    identity.grantReadEvaluationClientSecret(role);
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    return {
      userPoolId: output('EvaluationUserPoolId', identity.userPool.userPoolId, 'User pool of the evaluation client'),
      clientId: output('EvaluationClientId', client.userPoolClientId, 'Evaluation app client (persona tokens)'),
      tokenUrl: output('EvaluationTokenUrl', tokenUrl, 'Token endpoint for persona tokens'),
      scope: output('EvaluationScope', identity.invokeScope, 'Scope persona tokens are requested with'),
      roleName,
      callerRoleName: evaluationCallerRoleNameOf(roleName),
    };
  }
}
