/**
 * The environment config: one typed, validated object per environment that every construct reads.
 * A wrong value fails synth with a message naming the field and the allowed values.
 */
import { z } from 'zod';
import { requestHeaderAllowlist } from '../runtime/request-headers';

/** cdk-nag rule packs an environment can run at synth (lib/compliance/packs.ts). */
export const COMPLIANCE_PACK_NAMES = ['aws-solutions', 'nist-800-53-r5', 'hipaa-security', 'serverless'] as const;
export type CompliancePackName = (typeof COMPLIANCE_PACK_NAMES)[number];
import { PII_ENTITY_TYPES } from '../guardrails/types';

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const modelSchema = z
  .object({
    modelId: z.string().min(3).describe('Bedrock model id or inference profile id, e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
    temperature: z.number().min(0).max(1).describe('Sampling temperature, 0–1'),
    maxTokens: z.number().int().min(1).max(64_000).describe('Maximum output tokens per model call'),
    /** USD per 1,000 tokens, used for cost estimates in dashboards and the eval report. */
    inputPricePer1k: z.number().min(0),
    outputPricePer1k: z.number().min(0),
  })
  .strict();

const rolloutStepSchema = z
  .object({
    canaryPercent: z.number().int().min(1).max(100).describe('Share of traffic on the canary during this step'),
    bakeMinutes: z.number().int().min(0).max(1440).describe('How long to watch alarms and scores before the next step'),
    approval: z.boolean().optional().describe('After this step’s bake and check, wait for `npm run rollout -- resume` (split steps only)'),
  })
  .strict();

export const ROLLOUT_PRESETS = ['CANARY_10PERCENT_10MINUTES', 'LINEAR_25PERCENT_EVERY_5MINUTES', 'ALL_AT_ONCE'] as const;
export const TOOL_DEPLOYMENT_CONFIGS = [
  'CANARY_10PERCENT_5MINUTES',
  'CANARY_10PERCENT_10MINUTES',
  'CANARY_10PERCENT_30MINUTES',
  'LINEAR_10PERCENT_EVERY_1MINUTE',
  'LINEAR_10PERCENT_EVERY_10MINUTES',
  'ALL_AT_ONCE',
] as const;

const identitySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('cognito'),
      /** Prefix for the hosted UI domain; must be globally unique per region. */
      domainPrefix: z.string().regex(/^[a-z0-9-]{3,63}$/).optional(),
      /** OAuth callback URLs for the user app client. */
      callbackUrls: z.array(z.url()).default(['http://localhost:3000/callback']),
      /**
       * Evaluation client: client-credentials tokens carrying a reference identity's claims (persona
       * tokens) for the offline evaluation gate. Dev and staging only; in prod it is an impersonation risk.
       */
      evaluationClient: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      kind: z.literal('oidc'),
      discoveryUrl: z.url().refine((u) => u.endsWith('/.well-known/openid-configuration'), {
        message: 'must end with /.well-known/openid-configuration',
      }),
      allowedAudiences: z.array(z.string().min(1)).default([]),
      allowedClients: z.array(z.string().min(1)).default([]),
      /** Claims a token must carry, e.g. { "custom:department": ["finance"] } — empty list means "present". */
      requiredClaims: z.record(z.string(), z.array(z.string())).default({}),
    })
    .strict()
    .refine((o) => o.allowedAudiences.length + o.allowedClients.length > 0, {
      message: 'set allowedAudiences or allowedClients (at least one), otherwise any token from the IdP would be accepted',
    }),
]);

/** Runtime network mode: PUBLIC, or VPC with existing private subnets and security groups (ids). */
const runtimeNetworkSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('PUBLIC') }).strict(),
  z
    .object({
      mode: z.literal('VPC'),
      vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id such as vpc-0123456789abcdef0'),
      /** Private subnets in Availability Zones AgentCore supports. */
      subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id such as subnet-0123456789abcdef0')).min(1).max(16),
      /** Security groups allowing at least outbound HTTPS to the VPC endpoints (docs/vpc-runtimes.md). */
      securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group id such as sg-0123456789abcdef0')).min(1).max(16),
    })
    .strict(),
]);

const sourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('codestar'),
      connectionArn: z.string().regex(/^arn:aws[a-z-]*:(codestar-connections|codeconnections):/, 'must be a CodeStar/CodeConnections connection ARN'),
      repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
      branch: z.string().min(1).default('main'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('codecommit'),
      repositoryName: z.string().min(1),
      branch: z.string().min(1).default('main'),
    })
    .strict(),
]);

const deniedTopicSchema = z
  .object({
    name: z.string().regex(/^[0-9a-zA-Z-_ !?.]{1,100}$/, '1–100 letters, digits, spaces or -_!?.'),
    definition: z.string().min(1).max(200).describe('What the topic covers'),
    examples: z.array(z.string().min(1).max(100)).max(5).optional(),
  })
  .strict();

const guardrailSchema = z
  .object({
    /** A Bedrock guardrail on every model call of the agents (lib/guardrails); off leaves the calls unguarded. */
    enabled: z.boolean(),
    /** Harmful-content filters (hate, insults, sexual, violence, misconduct) on prompts and answers. */
    contentFilterStrength: z.enum(['LOW', 'MEDIUM', 'HIGH']),
    /** Jailbreak and prompt-injection detection on prompts. */
    promptAttackStrength: z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH']),
    /** PII in prompts and answers: ANONYMIZE masks it, BLOCK refuses the message. */
    piiAction: z.enum(['ANONYMIZE', 'BLOCK']),
    /** PII types; the kit's list of identifiers and secrets when unset. */
    piiEntities: z
      .array(z.enum(PII_ENTITY_TYPES, { error: (iss) => `expected one of ${PII_ENTITY_TYPES.join(', ')}, got ${JSON.stringify(iss.input)}` }))
      .optional(),
    /** Topics refused in addition to the kit's (compensation, investment advice). */
    extraDeniedTopics: z.array(deniedTopicSchema).max(28).default([]),
  })
  .strict();

export const environmentConfigSchema = z
  .object({
    /** Environment name: stack names, resource names and tags derive from it. */
    name: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, 'lower-case letters, digits and dashes, 2–16 characters, starting with a letter'),
    account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1').optional(),
    /** dev destroys stateful resources on stack deletion; staging and prod retain them. */
    removalPolicy: z.enum(['destroy', 'retain']),
    logRetentionDays: z.union(LOG_RETENTION_DAYS.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], {
      error: (iss) => `expected one of ${LOG_RETENTION_DAYS.join(', ')} (days CloudWatch Logs accepts), got ${JSON.stringify(iss.input)}`,
    }),
    tags: z.record(z.string(), z.string()).default({}),
    /** Load reference seed data into the tool tables (dev only). */
    seedData: z.boolean(),

    models: z
      .object({
        /** Model the agents use. */
        primary: modelSchema,
        /** Optional challenger for A/B tests and eval compare mode. */
        candidate: modelSchema.optional(),
      })
      .strict(),

    identity: identitySchema,

    gateway: z
      .object({
        /** DEBUG returns detailed errors to callers; leave unset outside dev. */
        exceptionLevel: z.enum(['DEBUG']).optional(),
        /** Requests per user per minute the interceptor admits. */
        rateLimitPerUserPerMinute: z.number().int().min(1).max(100_000),
      })
      .strict(),

    policy: z
      .object({
        mode: z.enum(['ENFORCE', 'LOG_ONLY']),
      })
      .strict(),

    memory: z
      .object({
        /** Days short-term events are kept (AgentCore allows 7–365). */
        eventExpiryDays: z.number().int().min(7).max(365),
        /**
         * Model the memory service runs the custom strategies' prompts with (the agents' catalog specs
         * choose the strategies); unset, the primary model.
         */
        strategyModelId: z
          .string()
          .regex(/^([a-z-]+\.)?[a-z0-9-]+\.[\w.:-]+$/, 'a Bedrock model id or inference profile id, e.g. us.anthropic.claude-haiku-4-5-20251001-v1:0')
          .optional(),
      })
      .strict(),

    agents: z
      .object({
        orchestration: z.enum(['hierarchical', 'sequential']),
        codeInterpreter: z.boolean(),
        /**
         * No reference agent has a browser tool, so none is given an AgentCore Browser: a Browser
         * nothing drives costs a resource and an IAM grant and adds nothing, and the IT agent's
         * status checks go through gateway tools (Cedar policy, audit, rate limit), which a browser
         * session would bypass. Kept as a field so configs that say `off` stay valid.
         */
        browser: z
          .literal('off', {
            error: (iss) =>
              `the reference agents have no browser tool, so no AgentCore Browser is provisioned; expected "off", got ${JSON.stringify(iss.input)} (give your own agent a Browser with the AgentRuntime construct's browser prop and a browser tool in its code)`,
          })
          .default('off'),
        /** Network mode of every agent runtime: AgentCore's public network, or your VPC (docs/vpc-runtimes.md). */
        network: runtimeNetworkSchema.default({ mode: 'PUBLIC' }),
        /**
         * Request headers every runtime passes to its agent besides the kit's own (Authorization and the
         * as-of header, always on). At most 18; `x-amzn-` only as X-Amzn-Bedrock-AgentCore-Runtime-Custom-*.
         */
        requestHeaders: z
          .array(z.string())
          .default([])
          .superRefine((headers, ctx) => {
            for (const problem of requestHeaderAllowlist(headers).problems) ctx.addIssue({ code: 'custom', message: problem.replace(/^requestHeaders: /, '') });
          }),
      })
      .strict(),

    guardrail: guardrailSchema,

    observability: z
      .object({
        /** Optional OTLP export to an existing backend; endpoint and headers come from this secret. */
        otlpExportSecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, 'a Secrets Manager secret ARN').optional(),
        /**
         * Enable CloudWatch Transaction Search (spans to X-Ray) from this environment. It is one setting
         * per account and region: turn it on in exactly one environment of a shared account.
         */
        transactionSearch: z.boolean().default(true),
        /** Where alarm notifications go (an email subscription on the alarm topic). */
        alarmEmail: z.email().optional(),
      })
      .strict(),

    alarms: z
      .object({
        errorRatePercent: z.number().min(0).max(100),
        latencyP95Ms: z.number().int().min(1),
        /** p95 duration of a tool function above which its CodeDeploy canary rolls back. */
        toolLatencyP95Ms: z.number().int().min(1).max(900_000),
        throttles: z.number().int().min(0),
        policyDenialsPer5Min: z.number().int().min(0),
        evaluationScoreMin: z.number().min(0).max(1),
        /** Periods of 1 minute an alarm must breach before it fires. */
        evaluationPeriods: z.number().int().min(1).max(60),
      })
      .strict(),

    evaluation: z
      .object({
        /** Percentage of live sessions scored by online evaluation. */
        samplingPercent: z.number().min(0.01).max(100),
        thresholds: z
          .object({
            toolSelection: z.number().min(0).max(1),
            parameters: z.number().min(0).max(1),
            refusals: z.number().min(0).max(1),
            latencyP50Ms: z.number().int().min(1),
            latencyP95Ms: z.number().int().min(1),
            tokensPerQuery: z.number().int().min(1),
          })
          .strict(),
        /** Drift alarm: moving average of the online score below this fires. */
        driftScoreMin: z.number().min(0).max(1),
        /**
         * Agents hand an offline evaluation request its spans back (for the LLM-as-judge). Spans carry
         * system prompts and tool results: keep it off where no offline evaluation runs (prod).
         */
        replySpans: z.boolean().default(false),
      })
      .strict(),

    release: z
      .object({
        /** The steps of a progressive rollout: a preset, or canary shares with bake times ending at 100. */
        rollout: z.union([z.enum(ROLLOUT_PRESETS), z.array(rolloutStepSchema).min(1).max(20)], {
          error: (iss) =>
            iss.code === 'invalid_union'
              ? `expected one of ${ROLLOUT_PRESETS.join(', ')} or a list of {canaryPercent, bakeMinutes} steps, got ${JSON.stringify(iss.input)}`
              : undefined,
        }),
        toolDeployment: z.enum(TOOL_DEPLOYMENT_CONFIGS),
      })
      .strict(),

    pipeline: z
      .object({
        source: sourceSchema.optional(),
        manualApprovalBeforeProd: z.boolean(),
      })
      .strict(),

    /** Synth-time rule packs; every unacknowledged finding of each fails the synth. */
    compliance: z
      .object({
        packs: z
          .array(
            z.enum(COMPLIANCE_PACK_NAMES, { error: (iss) => `unknown compliance pack ${JSON.stringify(iss.input)}; expected one of ${COMPLIANCE_PACK_NAMES.join(', ')}` }),
          )
          .min(1, `expected at least one of ${COMPLIANCE_PACK_NAMES.join(', ')}`)
          .refine((p) => new Set(p).size === p.length, { message: 'a pack is listed twice' }),
      })
      .strict()
      .default({ packs: ['aws-solutions'] }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.name !== 'dev' && cfg.seedData) {
      ctx.addIssue({ code: 'custom', path: ['seedData'], message: 'seed data is for dev only; set false' });
    }
    if (Array.isArray(cfg.release.rollout) && cfg.release.rollout[cfg.release.rollout.length - 1].canaryPercent !== 100) {
      ctx.addIssue({ code: 'custom', path: ['release', 'rollout'], message: 'the last rollout step must reach canaryPercent 100' });
    }
    if (cfg.evaluation.thresholds.latencyP50Ms > cfg.evaluation.thresholds.latencyP95Ms) {
      ctx.addIssue({ code: 'custom', path: ['evaluation', 'thresholds', 'latencyP50Ms'], message: 'must not exceed latencyP95Ms' });
    }
  });

/** Input form: defaults not yet applied. */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
/** Resolved, validated config. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type RolloutStep = z.output<typeof rolloutStepSchema>;
export type IdentityConfig = z.output<typeof identitySchema>;
export type RuntimeNetworkConfig = z.output<typeof runtimeNetworkSchema>;
export type GuardrailConfig = z.output<typeof guardrailSchema>;
