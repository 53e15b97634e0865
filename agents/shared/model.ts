/**
 * The model of every agent comes from environment variables, so two runtime endpoints (or an A/B
 * test) can compare two models without a code change:
 *
 * - `MODEL_ID`          Bedrock model id or inference profile id (required)
 * - `MODEL_TEMPERATURE` 0–1 (default 0.2)
 * - `MODEL_MAX_TOKENS`  1–64000 (default 2048)
 */
import { BedrockModel, type Model } from '@strands-agents/sdk';
import { z } from 'zod';

export interface ModelSettings {
  readonly modelId: string;
  readonly temperature: number;
  readonly maxTokens: number;
}

const settingsSchema = z.object({
  MODEL_ID: z.string({ error: 'MODEL_ID: required, a Bedrock model id or inference profile id' }).min(3, 'MODEL_ID: a Bedrock model id or inference profile id'),
  MODEL_TEMPERATURE: z.coerce.number({ error: 'MODEL_TEMPERATURE: a number from 0 to 1' }).min(0, 'MODEL_TEMPERATURE: a number from 0 to 1').max(1, 'MODEL_TEMPERATURE: a number from 0 to 1').default(0.2),
  MODEL_MAX_TOKENS: z.coerce.number({ error: 'MODEL_MAX_TOKENS: a whole number from 1 to 64000' }).int('MODEL_MAX_TOKENS: a whole number from 1 to 64000').min(1, 'MODEL_MAX_TOKENS: a whole number from 1 to 64000').max(64_000, 'MODEL_MAX_TOKENS: a whole number from 1 to 64000').default(2048),
});

/** Model settings from the environment; throws one error naming every bad variable. */
export function modelSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ModelSettings {
  const parsed = settingsSchema.safeParse({ MODEL_ID: env.MODEL_ID, MODEL_TEMPERATURE: env.MODEL_TEMPERATURE || undefined, MODEL_MAX_TOKENS: env.MODEL_MAX_TOKENS || undefined });
  if (!parsed.success) throw new Error(`invalid model settings: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return { modelId: parsed.data.MODEL_ID, temperature: parsed.data.MODEL_TEMPERATURE, maxTokens: parsed.data.MODEL_MAX_TOKENS };
}

/** The Bedrock model provider for these settings. */
export function bedrockModel(settings: ModelSettings, region?: string): Model {
  return new BedrockModel({ modelId: settings.modelId, temperature: settings.temperature, maxTokens: settings.maxTokens, ...(region ? { region } : {}) });
}

