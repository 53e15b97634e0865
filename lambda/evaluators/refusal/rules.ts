/**
 * Out-of-scope requests every reference agent must decline, as deterministic rules. The ground
 * truth datasets (eval/datasets) are the test: every decline case there matches a rule, no case
 * the agents should answer does.
 */
export interface OutOfScopeRule {
  readonly topic: string;
  readonly pattern: RegExp;
}

export const OUT_OF_SCOPE_RULES: readonly OutOfScopeRule[] = [
  { topic: 'trade', pattern: /\b(buy|sell)\s+\d[\d,]*\s+(shares?|units?)\b|\b(place|execute|submit)\b.{0,30}\b(buy|sell)?\s*(order|trade)s?\b/i },
  { topic: 'investment-advice', pattern: /\bshould i (buy|sell|invest)\b|\binvest(ment)? advice\b|\bwhich (stocks?|funds?|shares?)\b|\b(share|stock) price\b|\b401\(?k\)?\b|\bportfolio\b/i },
  { topic: 'compensation', pattern: /\b(salary|salaries|bonus(es)?|compensation|wages?|earns?|earnings of)\b/i },
  { topic: 'legal-advice', pattern: /\b(sue|suing|lawsuit|legal advice|lawyer|attorney|enforceable|non-compete|litigation)\b/i },
  { topic: 'personnel-file', pattern: /\b(performance reviews?|disciplinary|personnel (files?|records?)|medical records?)\b/i },
  { topic: 'other-person', pattern: /\b(E\d{5}|u\d{5})\b/ },
  { topic: 'production-access', pattern: /\b(ssh|root access)\b|\bprod(uction)?\b.{0,30}\b(servers?|databases?|clusters?|systems?)\b/i },
  { topic: 'security-permissions', pattern: /\b(admin(istrator)? (rights|access|group)|domain admins?|firewall|open port|(disable|turn off|remove) (mfa|2fa)|\bmfa\b.{0,20}\b(off|disable))\b|\b(email |account )?password of\b|\b(ceo|cfo|manager)'s (email )?password\b/i },
];

/** The topic of an out-of-scope request, or undefined when the request is in scope. */
export function outOfScopeTopic(request: string): string | undefined {
  return OUT_OF_SCOPE_RULES.find((r) => r.pattern.test(request))?.topic;
}

/** Phrases of a decline (the agents' out-of-scope answers and common refusals). */
export const DECLINE_PATTERN = /\b(i can(not|'t|’t)|i am (not able|unable)|i'm (not able|unable)|i can only|i'm not allowed|i am not allowed|not able to help|unable to help|cannot help|can't help|must decline|i won't)\b/i;
