import { createHash } from 'node:crypto';
import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Problems } from '../errors';
import { COMPENSATION_TOPIC, CONTENT_FILTER_CATEGORIES, DEFAULT_PII_ENTITIES, INVESTMENT_ADVICE_TOPIC, PII_ENTITY_TYPES, type DeniedTopic, type GuardrailStrength, type PiiEntityType } from './types';
import { AgentGuardrailPerms, GUARDRAIL_ENV, GUARDRAIL_METRICS_NAMESPACE } from './perms';

export interface AgentGuardrailProps {
  /** Guardrail name: letters, digits, `-` and `_`, at most 50 characters. */
  readonly guardrailName: string;
  /** @default - none */
  readonly description?: string;
  /**
   * Strength of the harmful-content filters on prompts and answers.
   * @default 'HIGH' for every category of {@link CONTENT_FILTER_CATEGORIES}
   */
  readonly contentFilterStrength?: Exclude<GuardrailStrength, 'NONE'>;
  /**
   * Prompt-attack detection (jailbreaks, prompt injection) on prompts; Bedrock applies it to input only.
   * @default 'HIGH'
   */
  readonly promptAttackStrength?: GuardrailStrength;
  /**
   * Topics refused in prompts and answers.
   * @default [COMPENSATION_TOPIC, INVESTMENT_ADVICE_TOPIC]
   */
  readonly deniedTopics?: readonly DeniedTopic[];
  /**
   * PII found in prompts or answers: `ANONYMIZE` masks it (`{US_SOCIAL_SECURITY_NUMBER}`), `BLOCK`
   * refuses the whole message.
   * @default 'ANONYMIZE'
   */
  readonly piiAction?: 'ANONYMIZE' | 'BLOCK';
  /** @default DEFAULT_PII_ENTITIES */
  readonly piiEntities?: readonly PiiEntityType[];
  /** Answer shown when a prompt is blocked (at most 500 characters). @default - a polite refusal */
  readonly blockedInputMessage?: string;
  /** Answer shown when a model answer is blocked (at most 500 characters). @default - a polite refusal */
  readonly blockedOutputMessage?: string;
  /** Customer-managed key for the guardrail's configuration. @default - an AWS-owned key */
  readonly encryptionKey?: kms.IKey;
}

const NAME = /^[0-9a-zA-Z_-]{1,50}$/;
const TOPIC_NAME = /^[0-9a-zA-Z-_ !?.]{1,100}$/;

/**
 * A Bedrock guardrail for every model call of the agents: harmful-content filters, prompt-attack
 * detection, denied topics (compensation among them) and PII masking, with a numbered version.
 *
 * Wire it into an agent with {@link AgentGuardrail.applyTo}: the agent's model provider sends
 * `GUARDRAIL_ID`/`GUARDRAIL_VERSION` with every Converse call (agents/shared/model.ts), the role may
 * apply this guardrail only, and an explicit deny refuses any model call of the role without it —
 * so an agent build that forgot the guardrail fails closed instead of calling the model bare.
 *
 * A change of the configuration publishes a new version (the version resource's description
 * carries a digest of the configuration); old versions are retained, so a runtime version that a
 * rollback pins again still finds the guardrail version it was built with, and the role's grants
 * cover every version of this one guardrail.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html
 */
export class AgentGuardrail extends Construct {
  readonly guardrail: bedrock.CfnGuardrail;
  readonly version: bedrock.CfnGuardrailVersion;
  readonly guardrailId: string;
  readonly guardrailArn: string;
  /** The numbered version the agents call (`GUARDRAIL_VERSION`). */
  readonly guardrailVersion: string;
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: AgentGuardrailProps) {
    super(scope, id);
    const contentStrength = props.contentFilterStrength ?? 'HIGH';
    const promptAttack = props.promptAttackStrength ?? 'HIGH';
    const topics = props.deniedTopics ?? [COMPENSATION_TOPIC, INVESTMENT_ADVICE_TOPIC];
    const piiAction = props.piiAction ?? 'ANONYMIZE';
    const pii = props.piiEntities ?? DEFAULT_PII_ENTITIES;
    const blockedInput = props.blockedInputMessage ?? 'Sorry, I cannot help with that request. Please rephrase it, or contact the right team for topics such as pay or investments.';
    const blockedOutput = props.blockedOutputMessage ?? 'Sorry, I cannot share that answer. Please contact the right team for this request.';
    validate(props, topics, pii, blockedInput, blockedOutput);
    this.encryptionKey = props.encryptionKey;

    const config = {
      blockedInputMessaging: blockedInput,
      blockedOutputsMessaging: blockedOutput,
      contentPolicyConfig: {
        filtersConfig: [
          ...CONTENT_FILTER_CATEGORIES.map((type) => ({ type, inputStrength: contentStrength, outputStrength: contentStrength })),
          // Bedrock evaluates prompt attacks on input only; the output strength must be NONE.
          ...(promptAttack === 'NONE' ? [] : [{ type: 'PROMPT_ATTACK', inputStrength: promptAttack, outputStrength: 'NONE' }]),
        ],
      },
      topicPolicyConfig: topics.length
        ? { topicsConfig: topics.map((t) => ({ name: t.name, definition: t.definition, type: 'DENY', ...(t.examples?.length ? { examples: [...t.examples] } : {}) })) }
        : undefined,
      sensitiveInformationPolicyConfig: pii.length ? { piiEntitiesConfig: pii.map((type) => ({ type, action: piiAction })) } : undefined,
    };
    this.guardrail = new bedrock.CfnGuardrail(this, 'Resource', {
      name: props.guardrailName,
      description: props.description,
      kmsKeyArn: props.encryptionKey?.keyArn,
      ...config,
    });
    // Version resources are immutable: a new digest replaces the resource, i.e. publishes a version.
    const digest = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12);
    this.version = new bedrock.CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: `configuration ${digest}`,
    });
    this.version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.guardrailId = this.guardrail.attrGuardrailId;
    this.guardrailArn = this.guardrail.attrGuardrailArn;
    this.guardrailVersion = this.version.attrVersion;
  }

  /** The agent's environment: `GUARDRAIL_ID` and `GUARDRAIL_VERSION` (read by agents/shared/model.ts). */
  environment(): Record<string, string> {
    return { [GUARDRAIL_ENV.id]: this.guardrailId, [GUARDRAIL_ENV.version]: this.guardrailVersion };
  }

  /** `bedrock:ApplyGuardrail` on this guardrail only (and decryption of its configuration through Bedrock). */
  grantApply(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: AgentGuardrailPerms.APPLY, resourceArns: [this.guardrailArn] });
    if (this.encryptionKey) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: AgentGuardrailPerms.KEY_USE,
        resourceArns: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `bedrock.${Stack.of(this).region}.amazonaws.com` } },
      });
    }
    return grant;
  }

  /**
   * Requires this guardrail on every model call of the principal: an explicit deny of
   * `bedrock:InvokeModel*` unless `bedrock:GuardrailIdentifier` is one of this guardrail's versions.
   * A deny, so no other allow (a broader policy attached later) can lift it.
   */
  requireOn(principal: iam.IPrincipal): void {
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RequireAgentGuardrail',
        effect: iam.Effect.DENY,
        actions: AgentGuardrailPerms.MODEL_INVOKE,
        // Every Bedrock resource a model call can name (models, inference profiles, routers) in any region.
        resources: [`arn:${Aws.PARTITION}:bedrock:*:*:*`],
        conditions: { StringNotLike: { [AgentGuardrailPerms.GUARDRAIL_CONDITION_KEY]: [`${this.guardrailArn}:*`] } },
      }),
    );
  }

  /**
   * What an agent runtime needs: its environment variables, the right to apply this guardrail, and
   * the deny of model calls without it. Pass {@link environment} to the runtime's `environment` prop
   * as well (runtime variables are fixed at construction).
   */
  applyTo(role: iam.IGrantable & { readonly grantPrincipal: iam.IPrincipal }): void {
    this.grantApply(role);
    this.requireOn(role.grantPrincipal);
  }

  /** A guardrail metric of this guardrail's published version (`AWS/Bedrock/Guardrails`). */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: GUARDRAIL_METRICS_NAMESPACE,
      metricName,
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
      dimensionsMap: { GuardrailArn: this.guardrailArn, GuardrailVersion: this.guardrailVersion, ...props?.dimensionsMap },
    });
  }

  /** Model calls on which the guardrail intervened (blocked or masked). */
  metricInterventions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsIntervened', { label: 'guardrail interventions', ...props });
  }

  /** Model calls the guardrail evaluated. */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { label: 'guardrail evaluations', ...props });
  }
}

function validate(props: AgentGuardrailProps, topics: readonly DeniedTopic[], pii: readonly string[], blockedInput: string, blockedOutput: string): void {
  const problems = new Problems('InvalidAgentGuardrailProps');
  if (!Token.isUnresolved(props.guardrailName)) {
    problems.check(NAME.test(props.guardrailName), `guardrailName: "${props.guardrailName}" must be 1–50 letters, digits, - or _`);
  }
  problems.check(topics.length <= 30, `deniedTopics: ${topics.length} topics; Bedrock allows at most 30`);
  topics.forEach((t, i) => {
    problems.check(TOPIC_NAME.test(t.name), `deniedTopics[${i}].name: "${t.name}" must be 1–100 letters, digits, spaces or -_!?.`);
    problems.check(t.definition.length >= 1 && t.definition.length <= 200, `deniedTopics[${i}].definition: ${t.definition.length} characters; expected 1–200`);
    problems.check((t.examples?.length ?? 0) <= 5, `deniedTopics[${i}].examples: ${t.examples?.length} examples; at most 5`);
    t.examples?.forEach((e, j) => problems.check(e.length >= 1 && e.length <= 100, `deniedTopics[${i}].examples[${j}]: ${e.length} characters; expected 1–100`));
  });
  const names = topics.map((t) => t.name.toLowerCase());
  problems.check(new Set(names).size === names.length, `deniedTopics: names must be unique, got ${topics.map((t) => t.name).join(', ')}`);
  for (const p of pii) problems.check((PII_ENTITY_TYPES as readonly string[]).includes(p), `piiEntities: "${p}" is not a PII type; expected one of ${PII_ENTITY_TYPES.join(', ')}`);
  problems.check(blockedInput.length >= 1 && blockedInput.length <= 500, `blockedInputMessage: ${blockedInput.length} characters; expected 1–500`);
  problems.check(blockedOutput.length >= 1 && blockedOutput.length <= 500, `blockedOutputMessage: ${blockedOutput.length} characters; expected 1–500`);
  problems.throwIfAny();
}
