/**
 * The verified caller, as the gateway interceptor hands it to a tool Lambda.
 *
 * A Lambda target receives only the tool's arguments as its event (the tool name arrives in
 * `context.clientContext.custom`); request headers and `params._meta` do not reach it. So the
 * interceptor, which sees the caller's JWT after the gateway's JWT authorizer has verified it,
 * writes the caller's claims into the forwarded arguments under {@link CALLER_ARGUMENT}, always
 * replacing whatever the client put there. The Lambda entry takes it out of the event before the
 * tool's (strict) input schema sees the arguments, and requires it: an invocation without it did
 * not come through the interceptor and is refused by the self-service tools.
 *
 * The local tool server and tests call `dispatchTool` with `{ caller }` themselves; there a client
 * sending `_caller` among its arguments gets a VALIDATION_ERROR (no such argument).
 *
 * Plain code, no zod: every tool bundle imports it.
 */

import { CALLER_ARGUMENT, CALLER_CLAIMS } from '../../catalog/caller';

export { CALLER_ARGUMENT, CALLER_CLAIMS };

export type VerifiedCaller = { readonly sub: string } & Partial<Readonly<Record<Exclude<(typeof CALLER_CLAIMS)[number], 'sub'>, string>>>;

/** A caller object as the interceptor writes it, or undefined when `value` is not one. */
export function parseCaller(value: unknown): VerifiedCaller | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw.sub !== 'string' || !raw.sub) return undefined;
  const caller: Record<string, string> = {};
  for (const k of CALLER_CLAIMS) if (typeof raw[k] === 'string' && raw[k]) caller[k] = raw[k] as string;
  return caller as VerifiedCaller;
}

/** The event's arguments without {@link CALLER_ARGUMENT}, and the caller it carried (if any). */
export function takeCaller(event: unknown): { args: unknown; caller?: VerifiedCaller } {
  if (typeof event !== 'object' || event === null || Array.isArray(event) || !(CALLER_ARGUMENT in event)) return { args: event };
  const { [CALLER_ARGUMENT]: value, ...args } = event as Record<string, unknown>;
  return { args, caller: parseCaller(value) };
}
