/**
 * The model of every agent comes from environment variables, so two runtime endpoints (or an A/B
 * test) can compare two models without a code change:
 *
 * - `MODEL_ID`          Bedrock model id or inference profile id (required)
 * - `MODEL_TEMPERATURE` 0–1 (default 0.2)
 * - `MODEL_MAX_TOKENS`  1–64000 (default 2048)
 * - `GUARDRAIL_ID`, `GUARDRAIL_VERSION`  the Bedrock guardrail sent with every model call (both or
 *   neither; set by lib/guardrails, whose IAM deny refuses a model call of the runtime without it)
 */
import { BedrockModel, type BedrockModelOptions, type Model } from '@strands-agents/sdk';
import { z } from 'zod';
import { GUARDRAIL_ENV } from '../../lib/guardrails/perms';

/** The guardrail every model call carries. */
export interface GuardrailSettings {
  readonly id: string;
  /** A published version number (`"1"`), or `DRAFT` for local trials. */
  readonly version: string;
}

export interface ModelSettings {
  readonly modelId: string;
  readonly temperature: number;
  readonly maxTokens: number;
  /** @default - no guardrail */
  readonly guardrail?: GuardrailSettings;
}

const settingsSchema = z.object({
  MODEL_ID: z.string({ error: 'MODEL_ID: required, a Bedrock model id or inference profile id' }).min(3, 'MODEL_ID: a Bedrock model id or inference profile id'),
  MODEL_TEMPERATURE: z.coerce.number({ error: 'MODEL_TEMPERATURE: a number from 0 to 1' }).min(0, 'MODEL_TEMPERATURE: a number from 0 to 1').max(1, 'MODEL_TEMPERATURE: a number from 0 to 1').default(0.2),
  MODEL_MAX_TOKENS: z.coerce.number({ error: 'MODEL_MAX_TOKENS: a whole number from 1 to 64000' }).int('MODEL_MAX_TOKENS: a whole number from 1 to 64000').min(1, 'MODEL_MAX_TOKENS: a whole number from 1 to 64000').max(64_000, 'MODEL_MAX_TOKENS: a whole number from 1 to 64000').default(2048),
});

/** Model settings from the environment; throws one error naming every bad variable. */
export function modelSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ModelSettings {
  const parsed = settingsSchema.safeParse({ MODEL_ID: env.MODEL_ID, MODEL_TEMPERATURE: env.MODEL_TEMPERATURE || undefined, MODEL_MAX_TOKENS: env.MODEL_MAX_TOKENS || undefined });
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  const id = env[GUARDRAIL_ENV.id] || undefined;
  const version = env[GUARDRAIL_ENV.version] || undefined;
  if (!id !== !version) problems.push(`${GUARDRAIL_ENV.id} and ${GUARDRAIL_ENV.version}: set both or neither (got only ${id ? GUARDRAIL_ENV.id : GUARDRAIL_ENV.version})`);
  if (version && !/^([1-9]\d{0,7}|DRAFT)$/.test(version)) problems.push(`${GUARDRAIL_ENV.version}: a version number such as "1" or DRAFT, got ${JSON.stringify(version)}`);
  if (!parsed.success || problems.length) throw new Error(`invalid model settings: ${problems.join('; ')}`);
  return {
    modelId: parsed.data.MODEL_ID,
    temperature: parsed.data.MODEL_TEMPERATURE,
    maxTokens: parsed.data.MODEL_MAX_TOKENS,
    ...(id && version ? { guardrail: { id, version } } : {}),
  };
}

/**
 * Strands options of the Bedrock provider for these settings. With a guardrail, every Converse call
 * carries it; only the latest user message is judged on input (tool results and earlier turns were
 * judged when they were new, and a policy document quoting "bonus" must not trip the compensation
 * topic), every answer is judged on output, and a blocked prompt is replaced in the conversation
 * history so it is not sent again.
 */
export function bedrockModelOptions(settings: ModelSettings, region?: string): BedrockModelOptions {
  return {
    modelId: settings.modelId,
    temperature: settings.temperature,
    maxTokens: settings.maxTokens,
    ...(region ? { region } : {}),
    ...(settings.guardrail
      ? {
          guardrailConfig: {
            guardrailIdentifier: settings.guardrail.id,
            guardrailVersion: settings.guardrail.version,
            trace: 'enabled',
            guardLatestUserMessage: true,
            redaction: { input: true },
          },
        }
      : {}),
  };
}

/** The Bedrock model provider for these settings. */
export function bedrockModel(settings: ModelSettings, region?: string): Model {
  return new BedrockModel(bedrockModelOptions(settings, region));
}

