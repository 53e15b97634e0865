/**
 * Deterministic context the agent gets as attributes in its system prompt — current date, the
 * verified user and their claims, the region — so the model never spends a tool call (an LLM
 * round-trip) to learn what code already knows.
 */
import type { AgentSpec } from '../../catalog/agents';
import type { MemoryRecord, SessionTurn } from '../memory/store';
import type { VerifiedIdentity } from './identity';

export interface InvocationContext {
  readonly identity: VerifiedIdentity;
  /** AgentCore runtime session id (shared by the supervisor and the specialists of one conversation). */
  readonly sessionId: string;
  /** AWS region the agent runs in. */
  readonly region: string;
  /** The moment of the request; the date attribute comes from here. */
  readonly now: Date;
}

/** Claims never shown to the model: token mechanics, not facts about the user. */
const HIDDEN_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti', 'auth_time', 'token_use', 'origin_jti', 'event_id', 'iss', 'aud', 'client_id', 'scope', 'version']);

/** The attribute block: one `name: value` per line, stable order. */
export function contextAttributes(ctx: InvocationContext): string {
  const claims = Object.entries(ctx.identity.claims)
    .filter(([k, v]) => !HIDDEN_CLAIMS.has(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `- ${k}: ${String(v)}`);
  return [
    `current_date: ${ctx.now.toISOString().slice(0, 10)}`,
    `current_weekday: ${ctx.now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })}`,
    `user_id: ${ctx.identity.userId}`,
    `region: ${ctx.region}`,
    `session_id: ${ctx.sessionId}`,
    'user_claims:',
    ...(claims.length ? claims : ['- (none)']),
  ].join('\n');
}

export interface PromptParts {
  /** Extra instructions specific to the agent kind (delegation rules, tool rules). */
  readonly instructions?: readonly string[];
  /** Earlier turns of this session (shared memory), oldest first. */
  readonly sessionTurns?: readonly SessionTurn[];
  /** Long-term records about this user. */
  readonly recalled?: readonly MemoryRecord[];
}

/** The system prompt of an agent: role, scope, tone, greeting, refusal, attributes and shared memory. */
export function systemPrompt(spec: AgentSpec, ctx: InvocationContext, parts: PromptParts = {}): string {
  const sections = [
    `You are the ${spec.displayName}. ${spec.description}`,
    `## You do\n${spec.does.map((d) => `- ${d}`).join('\n')}`,
    `## You must not\n${spec.mustNot.map((d) => `- ${d}`).join('\n')}`,
    `## Tone\n${spec.tone}`,
    `## Greeting\nWhen the user greets you or opens the conversation without a request, answer exactly: "${spec.greeting}"`,
    `## Out of scope\nWhen a request is outside what you do, or is something you must not do, do not attempt it: call the tool declineOutOfScope once (it answers the user with: "${spec.outOfScopeAnswer}").`,
    `## Context attributes (verified, authoritative; never ask the user for these and never call a tool to learn them)\n${contextAttributes(ctx)}`,
  ];
  if (parts.instructions?.length) sections.push(`## Rules\n${parts.instructions.map((i) => `- ${i}`).join('\n')}`);
  if (parts.recalled?.length) sections.push(`## What you know about this user from earlier sessions\n${parts.recalled.map((r) => `- ${r.text}`).join('\n')}`);
  if (parts.sessionTurns?.length) {
    sections.push(
      `## Earlier in this session (shared memory; use these facts instead of asking again)\n${parts.sessionTurns
        .map((t) => `- ${t.role === 'user' ? 'User' : `Assistant (${t.agent})`}: ${t.text}`)
        .join('\n')}`,
    );
  }
  return sections.join('\n\n');
}
