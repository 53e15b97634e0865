/** Guardrail settings as plain data (no imports), so the environment config can validate them. */

/** Filter strength of a content filter (Bedrock: NONE, LOW, MEDIUM, HIGH). */
export type GuardrailStrength = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

/** Harmful-content categories of Bedrock's content filters (PROMPT_ATTACK is {@link AgentGuardrailProps.promptAttackStrength}). */
export const CONTENT_FILTER_CATEGORIES = ['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE', 'MISCONDUCT'] as const;
export type ContentFilterCategory = (typeof CONTENT_FILTER_CATEGORIES)[number];

/**
 * PII entity types Bedrock Guardrails detects.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-sensitive-filters.html
 */
export const PII_ENTITY_TYPES = [
  'ADDRESS', 'AGE', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'CA_HEALTH_NUMBER', 'CA_SOCIAL_INSURANCE_NUMBER', 'CREDIT_DEBIT_CARD_CVV',
  'CREDIT_DEBIT_CARD_EXPIRY', 'CREDIT_DEBIT_CARD_NUMBER', 'DRIVER_ID', 'EMAIL', 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'IP_ADDRESS',
  'LICENSE_PLATE', 'MAC_ADDRESS', 'NAME', 'PASSWORD', 'PHONE', 'PIN', 'SWIFT_CODE', 'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER', 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER', 'URL', 'USERNAME', 'US_BANK_ACCOUNT_NUMBER',
  'US_BANK_ROUTING_NUMBER', 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', 'US_PASSPORT_NUMBER', 'US_SOCIAL_SECURITY_NUMBER',
  'VEHICLE_IDENTIFICATION_NUMBER',
] as const;
export type PiiEntityType = (typeof PII_ENTITY_TYPES)[number];

/**
 * Identifiers and secrets no agent answer needs. Names, e-mail addresses and user names are left
 * out on purpose: the HR and IT agents name the employee they serve and quote ticket contacts.
 */
export const DEFAULT_PII_ENTITIES: readonly PiiEntityType[] = [
  'US_SOCIAL_SECURITY_NUMBER', 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', 'US_PASSPORT_NUMBER', 'DRIVER_ID', 'CREDIT_DEBIT_CARD_NUMBER',
  'CREDIT_DEBIT_CARD_CVV', 'CREDIT_DEBIT_CARD_EXPIRY', 'US_BANK_ACCOUNT_NUMBER', 'US_BANK_ROUTING_NUMBER', 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER', 'CA_SOCIAL_INSURANCE_NUMBER', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'PIN',
];

/** A topic the agents must not discuss. */
export interface DeniedTopic {
  /** 1–100 characters: letters, digits, space and `-_!?.`. */
  readonly name: string;
  /** What the topic covers, 1–200 characters. */
  readonly definition: string;
  /** Up to 5 example prompts, each at most 100 characters. @default - none */
  readonly examples?: readonly string[];
}

/**
 * Compensation: the HR agent's first `mustNot` (catalog/agents.ts) and the Cedar forbids of
 * policies/forbid-compensation.cedar, now also in front of the model, so a question about pay is
 * refused before any tool call is planned — and an answer that would disclose pay is blocked.
 */
export const COMPENSATION_TOPIC: DeniedTopic = {
  name: 'Compensation',
  definition: 'Salary, wages, bonuses, payroll, pay grades or bands, pay rises, stock options, equity grants or any other compensation of employees.',
  examples: ['What is my salary?', 'How much does my manager earn?', 'Show me the payroll for the EMEA team', 'What pay band is a senior engineer in?', 'When are bonuses paid out this year?'],
};

/** Investment advice: every agent's common `mustNot`. */
export const INVESTMENT_ADVICE_TOPIC: DeniedTopic = {
  name: 'Investment advice',
  definition: 'Recommendations to buy, sell or hold securities or other assets, or forecasts of share prices.',
  examples: ['Should I buy company stock now?', 'Will our share price go up next quarter?'],
};

