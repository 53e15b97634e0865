/**
 * One spelling for policy decisions. Cedar compares strings exactly (`like` is case-sensitive and
 * has no character classes), so a forbid written for "salary" misses "SALARY", "Sálary",
 * "ｓａｌａｒｙ", "s a l a r y" or a Cyrillic "а". The gateway interceptor therefore rewrites the
 * arguments named in {@link POLICY_FOLDED_ARGUMENTS} to their folded form ({@link foldForPolicy})
 * before the policy engine and the target see them, the Cedar forbids are written for folded text
 * only, and the handler folds again and refuses as a second gate ({@link compensationTermIn}).
 *
 * The compensation vocabulary lives here once: `policies/forbid-compensation.cedar` must hold a
 * `like "*<pattern>*"` for exactly the patterns of {@link compensationPatterns} (a test checks it).
 *
 * Plain code, no zod: the interceptor bundle imports it.
 */

/** Gateway tool name → string arguments folded before policy. */
export const POLICY_FOLDED_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  it___searchKnowledgeBase: ['query'],
  hr___getPolicy: ['policyName'],
};

/**
 * Words and stems that ask for pay data. Lower case, folded. Multi-word terms also match joined
 * or hyphenated ("pay-grade", "paygrade"): see {@link compensationPatterns}.
 */
export const COMPENSATION_TERMS = [
  'compensation',
  'salar',
  'payroll',
  'bonus',
  'remunerat',
  'emolument',
  'wage',
  'stipend',
  'pay grade',
  'pay band',
  'pay scale',
  'pay slip',
  'pay stub',
  'pay rise',
  'pay raise',
  'pay rate',
  'rate of pay',
  'stock option',
  'equity grant',
] as const;

/** Every `like "*…*"` pattern the Cedar forbids need: each term, and multi-word terms joined by `-`, `_` or nothing. */
export function compensationPatterns(): string[] {
  return [...new Set(COMPENSATION_TERMS.flatMap((t) => (t.includes(' ') ? [t, t.replace(/ /g, '-'), t.replace(/ /g, '_'), t.replace(/ /g, '')] : [t])))];
}

/** Letters that look like Latin ones (Cyrillic, Greek, IPA), as their Latin twin. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w', ү: 'y', һ: 'h',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j',
  ɑ: 'a', ɡ: 'g', ɩ: 'i', ɪ: 'i', ʏ: 'y', ʀ: 'r', ꜱ: 's', ᴀ: 'a', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ᴋ: 'k', ᴍ: 'm', ᴏ: 'o', ᴘ: 'p', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z',
  ı: 'i', ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ŀ: 'l', ß: 'ss', æ: 'ae', œ: 'oe',
};
const CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');
/** Controls and invisible formatting characters (zero-width, joiners, bidi controls, BOM, soft hyphen). */
const INVISIBLE = /[\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** Three or more single letters separated by anything that is not a letter or digit: "s a l a r y", "s.a.l.a.r.y". */
const SPELLED_OUT = /(?<![\p{L}\p{N}])\p{L}(?:[^\p{L}\p{N}]+\p{L}(?![\p{L}\p{N}])){2,}/gu;

/**
 * The form policies compare: compatibility-decomposed (fullwidth → ASCII, `ſ` → `s`), accents
 * dropped, invisible characters removed, lower case, look-alike letters mapped to Latin, spelled-out
 * words joined, whitespace runs as one space, trimmed.
 */
export function foldForPolicy(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(CONFUSABLE, (c) => CONFUSABLES[c])
    .normalize('NFKC')
    .replace(SPELLED_OUT, (run) => run.replace(/[^\p{L}\p{N}]+/gu, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first compensation pattern in `value` once folded, or undefined. */
export function compensationTermIn(value: string): string | undefined {
  const folded = foldForPolicy(value);
  return compensationPatterns().find((p) => folded.includes(p));
}

/** `args` with the arguments {@link POLICY_FOLDED_ARGUMENTS} names for `toolName` folded; others untouched. */
export function foldArgumentsForPolicy(toolName: string, args: Record<string, unknown>): Record<string, unknown> {
  const names = POLICY_FOLDED_ARGUMENTS[toolName];
  if (!names) return args;
  const out = { ...args };
  for (const name of names) if (typeof out[name] === 'string') out[name] = foldForPolicy(out[name] as string);
  return out;
}
