/**
 * Which reference identity (lambda/identity/reference-users.ts) a case runs as. Agents take the
 * caller's identity from the verified bearer token only, so every case is sent with a token whose
 * claims are this persona's: the case sees exactly what a real user of that role may do.
 *
 * Resolution, first match wins (deterministic):
 * 1. `context.persona` of the case;
 * 2. the persona whose `employeeId` is the case's `context.employeeId`, else whose `userId` is its `context.userId`;
 * 3. the agent's default: financial → `sam` (senior analyst: every financial tool, every region);
 *    hr and it → `alex` (E10001 / u20001, the seed's signed-in employee).
 */
import { REFERENCE_USERS, REFERENCE_USER_NAMES, type ReferenceUser, type ReferenceUserName } from '../../lambda/identity/reference-users';
import type { AgentName, EvalCase } from './dataset';

export type PersonaName = ReferenceUserName;
export const PERSONA_NAMES: readonly PersonaName[] = REFERENCE_USER_NAMES;

/** The persona of a case that names no one. */
export const DEFAULT_PERSONA: Readonly<Record<AgentName, PersonaName>> = { financial: 'sam', hr: 'alex', it: 'alex' };

export function resolvePersona(c: Pick<EvalCase, 'agent' | 'context'>): PersonaName {
  if (c.context.persona) return c.context.persona as PersonaName;
  const byEmployee = c.context.employeeId ? PERSONA_NAMES.find((n) => REFERENCE_USERS[n].employeeId === c.context.employeeId) : undefined;
  if (byEmployee) return byEmployee;
  const byUser = c.context.userId ? PERSONA_NAMES.find((n) => REFERENCE_USERS[n].userId === c.context.userId) : undefined;
  return byUser ?? DEFAULT_PERSONA[c.agent];
}

/** The claims of a persona (without a subject). */
export function personaClaims(name: PersonaName): ReferenceUser {
  return REFERENCE_USERS[name];
}

export function isPersonaName(name: string): name is PersonaName {
  return (PERSONA_NAMES as readonly string[]).includes(name);
}

/** The persona a request runs as (`requestFor` always sets it). */
export function personaOf(request: { readonly context: { readonly persona?: string } }): PersonaName {
  const persona = request.context.persona;
  if (!persona || !isPersonaName(persona)) throw new Error(`context.persona: expected one of ${PERSONA_NAMES.join(', ')} for the bearer token, got ${JSON.stringify(persona)}`);
  return persona;
}
