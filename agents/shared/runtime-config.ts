/**
 * What a deployed agent reads from its environment (set by the runtime construct). One schema, so
 * a missing or malformed variable fails at start-up with a message naming it.
 *
 * Common: `AWS_REGION` (or `AGENT_REGION`), `MODEL_ID`, `MODEL_TEMPERATURE`, `MODEL_MAX_TOKENS`, `MEMORY_ID` (optional),
 * `JWT_DISCOVERY_URL` (or `JWT_JWKS_URL` + `JWT_ISSUER`), `JWT_AUDIENCES` (comma-separated audiences
 * or app client ids), `USER_ID_CLAIM`.
 * Supervisor: `ORCHESTRATION`, `SPECIALIST_FINANCIAL_URL`, `SPECIALIST_HR_URL`, `SPECIALIST_IT_URL`,
 * `SPECIALIST_QUALIFIER`. Specialists: `GATEWAY_URL`, `AGENTCORE_RUNTIME_URL` (set by AgentCore),
 * `CODE_INTERPRETER_ID` (optional).
 */
import { z } from 'zod';
import { SPECIALIST_IDS, type SpecialistId } from '../../catalog/agents';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AgentCoreMemory } from '../memory/agentcore-memory';
import { ActorCredentialCache, lambdaCredentialVendor } from '../memory/credentials';
import { InProcessMemory } from '../memory/in-process-memory';
import type { MemoryStore } from '../memory/store';
import { discoveredVerifier, jwtVerifier, type IdentityVerifier } from './identity';

const url = (name: string) => z.url({ error: `${name}: an http(s) URL` });
const list = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean));

const commonSchema = z.object({
  AWS_REGION: z.string({ error: 'AWS_REGION: required, e.g. us-east-1' }).regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'AWS_REGION: a region such as us-east-1'),
  /** Absent for a runtime without AgentCore Memory (see memoryFromEnv). */
  MEMORY_ID: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}$/, 'MEMORY_ID: an AgentCore Memory id').optional(),
  /** The memory credential vendor (function name or ARN); memory calls are signed with what it vends per caller. */
  MEMORY_CREDENTIALS_FUNCTION: z.string().regex(/^[\w:/.-]{1,170}$/, 'MEMORY_CREDENTIALS_FUNCTION: a Lambda function name or ARN').optional(),
  JWT_DISCOVERY_URL: url('JWT_DISCOVERY_URL').optional(),
  JWT_JWKS_URL: url('JWT_JWKS_URL').optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCES: list,
  USER_ID_CLAIM: z.string().min(1).default('sub'),
});

const supervisorSchema = commonSchema.extend({
  ORCHESTRATION: z.enum(['hierarchical', 'sequential'], { error: 'ORCHESTRATION: hierarchical or sequential' }).default('hierarchical'),
  SPECIALIST_FINANCIAL_URL: url('SPECIALIST_FINANCIAL_URL'),
  SPECIALIST_HR_URL: url('SPECIALIST_HR_URL'),
  SPECIALIST_IT_URL: url('SPECIALIST_IT_URL'),
  SPECIALIST_QUALIFIER: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/, 'SPECIALIST_QUALIFIER: a runtime endpoint name').optional(),
});

const specialistSchema = commonSchema.extend({
  GATEWAY_URL: url('GATEWAY_URL'),
  AGENTCORE_RUNTIME_URL: url('AGENTCORE_RUNTIME_URL').optional(),
  /** The agent's custom Code Interpreter, when it has one. */
  CODE_INTERPRETER_ID: z.string().min(1).optional(),
});

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const parsed = schema.safeParse({ ...env, AWS_REGION: env.AWS_REGION || env.AGENT_REGION });
  if (!parsed.success) {
    throw new Error(`invalid agent environment: ${parsed.error.issues.map((i) => (i.message.includes(':') ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; ')}`);
  }
  const out = parsed.data as z.output<typeof commonSchema>;
  if (!out.JWT_DISCOVERY_URL && !(out.JWT_JWKS_URL && out.JWT_ISSUER)) {
    throw new Error('invalid agent environment: set JWT_DISCOVERY_URL, or JWT_JWKS_URL and JWT_ISSUER');
  }
  return parsed.data;
}

export type SupervisorEnv = z.output<typeof supervisorSchema>;
export type SpecialistEnv = z.output<typeof specialistSchema>;
export const supervisorEnv = (env: NodeJS.ProcessEnv = process.env): SupervisorEnv => parse(supervisorSchema, env);
export const specialistEnv = (env: NodeJS.ProcessEnv = process.env): SpecialistEnv => parse(specialistSchema, env);

/** Specialist URLs of the supervisor's environment, by id. */
export function specialistUrls(env: SupervisorEnv): Record<SpecialistId, string> {
  return Object.fromEntries(SPECIALIST_IDS.map((id) => [id, env[`SPECIALIST_${id.toUpperCase()}_URL` as 'SPECIALIST_HR_URL']])) as Record<SpecialistId, string>;
}

/** The verifier of the identity provider named in the environment (OIDC discovery or JWKS + issuer). */
export async function verifierFromEnv(env: z.output<typeof commonSchema>, fetchImpl: typeof fetch = fetch): Promise<IdentityVerifier> {
  const options = { audiences: env.JWT_AUDIENCES, userIdClaim: env.USER_ID_CLAIM };
  if (env.JWT_DISCOVERY_URL) return discoveredVerifier(env.JWT_DISCOVERY_URL, options, fetchImpl);
  return jwtVerifier({ ...options, jwks: env.JWT_JWKS_URL!, issuer: env.JWT_ISSUER });
}

/**
 * AgentCore Memory when the runtime has one (MEMORY_ID), signed per caller with credentials from the
 * memory credential vendor (MEMORY_CREDENTIALS_FUNCTION, set by the runtime construct); otherwise memory held in this process —
 * on AgentCore each session runs in its own microVM, so a session keeps its turns for its lifetime
 * and nothing outlives it (no long-term records).
 */
export function memoryFromEnv(env: z.output<typeof commonSchema>): MemoryStore {
  if (!env.MEMORY_ID) return new InProcessMemory();
  if (!env.MEMORY_CREDENTIALS_FUNCTION) return new AgentCoreMemory({ memoryId: env.MEMORY_ID, region: env.AWS_REGION });
  const vend = lambdaCredentialVendor(env.MEMORY_CREDENTIALS_FUNCTION, new LambdaClient({ region: env.AWS_REGION }));
  return new AgentCoreMemory({ memoryId: env.MEMORY_ID, region: env.AWS_REGION, credentials: new ActorCredentialCache(vend) });
}
