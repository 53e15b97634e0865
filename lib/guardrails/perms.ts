/** IAM actions and condition keys of guardrail use, in one place. */
export namespace AgentGuardrailPerms {
  /** Apply the guardrail (Converse/InvokeModel with a guardrail config call it on the caller's behalf). */
  export const APPLY = ['bedrock:ApplyGuardrail'];
  /** Model calls the guardrail is required on. */
  export const MODEL_INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
  /** Condition key carrying `<guardrailArn>:<version>` of a model call's guardrail. */
  export const GUARDRAIL_CONDITION_KEY = 'bedrock:GuardrailIdentifier';
  /** Decrypting the guardrail's configuration when it has a customer-managed key. */
  export const KEY_USE = ['kms:Decrypt'];
}

/** Environment variables the agents read the guardrail from (agents/shared/model.ts). */
export const GUARDRAIL_ENV = { id: 'GUARDRAIL_ID', version: 'GUARDRAIL_VERSION' } as const;

/** Where Bedrock publishes guardrail metrics. */
export const GUARDRAIL_METRICS_NAMESPACE = 'AWS/Bedrock/Guardrails';
