/**
 * Ground-truth datasets: one JSONL file per agent, one case per line. The schema here is the one
 * source of truth for the case format; `loadDataset` reports every bad line with file:line and the
 * field that is wrong, and never returns a partial dataset.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { REFERENCE_USERS, REFERENCE_USER_NAMES } from '../../lambda/identity/reference-users';

export const AGENTS = ['financial', 'hr', 'it'] as const;
export type AgentName = (typeof AGENTS)[number];

/**
 * The shipped dataset of an agent, relative to the repository root: the core set the seed names
 * (financial 50, hr 45, it 40 cases) and the extension (multi-turn, policy refusals per persona,
 * reviewed parameter variants), ids from 101 up. Both run by default.
 */
export function datasetFiles(agent: AgentName): string[] {
  return [`eval/datasets/${agent}.jsonl`, ...(fs.existsSync(`${__dirname}/../datasets/${agent}.more.jsonl`) ? [`eval/datasets/${agent}.more.jsonl`] : [])];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An expected parameter value: a literal (compared exactly) or a matcher for free text the model
 * phrases in its own words.
 */
export const parameterMatcherSchema = z.union([
  z.object({ $contains: z.array(z.string().min(1)).min(1).describe('every fragment must appear, case-insensitive') }).strict(),
  z.object({ $oneOf: z.array(z.unknown()).min(2).describe('any of these literal values') }).strict(),
  z.object({ $present: z.literal(true).describe('any value, as long as the argument is there') }).strict(),
]);
export type ParameterMatcher = z.infer<typeof parameterMatcherSchema>;
export const expectedValueSchema = z.union([z.string(), z.number(), z.boolean(), parameterMatcherSchema]);
export type ExpectedValue = z.infer<typeof expectedValueSchema>;

export const expectedCallSchema = z
  .object({
    /** Tool name without the gateway target prefix, e.g. `getQuarterlyRevenue`. */
    tool: z.string().regex(/^[a-z][A-Za-z0-9]+$/, 'a camelCase tool name such as getQuarterlyRevenue'),
    /** Arguments the call must carry; arguments not listed here are not scored. */
    parameters: z.record(z.string(), expectedValueSchema),
  })
  .strict();
export type ExpectedCall = z.infer<typeof expectedCallSchema>;

/** A call with literal arguments, as an agent would send it (for policy checks). */
export const deniedCallSchema = z
  .object({
    tool: z.string().regex(/^[a-z][A-Za-z0-9]+$/, 'a camelCase tool name such as getQuarterlyRevenue'),
    parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
  })
  .strict();
export type DeniedCall = z.infer<typeof deniedCallSchema>;

/** What the agent should do with the query. */
export const expectationSchema = z.discriminatedUnion('outcome', [
  z
    .object({
      outcome: z.literal('answer'),
      /** Calls the agent must make; a call to any other tool fails the case (tool precision). */
      calls: z.array(expectedCallSchema).min(1),
      /** The calls must come in this order (a trajectory, e.g. look up then act). @default false */
      ordered: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      outcome: z.literal('refusal'),
      /** Why the agent must decline, for the report. */
      reason: z.string().min(3),
      /**
       * A policy refusal: calls an agent might attempt for this request that the gateway's Cedar
       * policies must deny for the case's persona (literal arguments only). Not scored against the
       * reply; checked against the real policies by the dataset tests.
       */
      deniedCalls: z.array(deniedCallSchema).min(1).optional(),
    })
    .strict(),
  z
    .object({
      outcome: z.literal('escalation'),
      reason: z.string().min(3),
      /** A ticket call that carries the escalation (e.g. createHRTicket); omitted when a hand-off to a human is enough. */
      calls: z.array(expectedCallSchema).optional(),
      ordered: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      outcome: z.literal('clarification'),
      /** What is ambiguous: the agent should ask instead of guessing. */
      reason: z.string().min(3),
    })
    .strict(),
]);
export type Expectation = z.infer<typeof expectationSchema>;
export type Outcome = Expectation['outcome'];
export const OUTCOMES = ['answer', 'refusal', 'escalation', 'clarification'] as const satisfies readonly Outcome[];

export const evalCaseSchema = z
  .object({
    /** Stable id, `<agent prefix>-<3 digits>`, e.g. `fin-001`. */
    id: z.string().regex(/^(fin|hr|it)-\d{3}$/, 'an id such as fin-001, hr-012 or it-040'),
    agent: z.enum(AGENTS),
    query: z.string().trim().min(2).max(2000),
    /**
     * Earlier user messages of the same conversation, sent first in the same session (their replies
     * are not scored); `query` is the last turn and the one the expectation is about.
     */
    turns: z.array(z.string().trim().min(2).max(2000)).min(1).max(8).optional(),
    /** Invocation attributes the agent receives beside the prompt. */
    context: z
      .object({
        /** The "current date" relative expressions ("last quarter", "next year") resolve against. */
        asOf: z.string().regex(ISO_DATE, 'an ISO date YYYY-MM-DD'),
        /** The signed-in employee (HR system id), when the query speaks of "me". */
        employeeId: z.string().regex(/^E\d{5}$/, 'E followed by 5 digits, e.g. E10001').optional(),
        /** The signed-in user's directory login, when the query speaks of "me". */
        userId: z.string().regex(/^u\d{5}$/, 'u followed by 5 digits, e.g. u20001').optional(),
        /**
         * The reference identity the case runs as (its token's claims), when the default is not the
         * right one: see `resolvePersona` in eval/runner/personas.ts.
         */
        persona: z.enum(REFERENCE_USER_NAMES as [string, ...string[]], { error: `one of the reference users ${REFERENCE_USER_NAMES.join(', ')}` }).optional(),
      })
      .strict()
      .superRefine((ctx, issues) => {
        if (!ctx.persona) return;
        const user = REFERENCE_USERS[ctx.persona as keyof typeof REFERENCE_USERS];
        if (ctx.employeeId && ctx.employeeId !== user.employeeId) {
          issues.addIssue({ code: 'custom', path: ['employeeId'], message: `the signed-in employee is the persona: ${ctx.persona} is ${user.employeeId}, not ${ctx.employeeId}` });
        }
        if (ctx.userId && ctx.userId !== user.userId) {
          issues.addIssue({ code: 'custom', path: ['userId'], message: `the signed-in user is the persona: ${ctx.persona} is ${user.userId}, not ${ctx.userId}` });
        }
      }),
    expected: expectationSchema,
    /**
     * What the answer must state: a number (as a string such as "1284.6", matched as a value with its
     * sign, ± half a unit of its last digit; or `{ "value": -3.2, "tolerance": 0.05 }`, with `"unit": "day"`
     * when the number must name its unit within three words) or text
     * (matched as whole words, case-insensitive).
     */
    facts: z.array(z.union([z.string().min(1), z.object({ value: z.number(), tolerance: z.number().min(0).optional(), unit: z.string().regex(/^[a-z%$]+$/, 'a lower-case unit word such as day').optional() }).strict()])).default([]),
    /** A model answer for LLM-as-judge (`--judge`: the Evaluate API's expectedResponse). */
    expectedResponse: z.string().min(3).optional(),
    tags: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case kebab-case tags')).min(1),
    /** A case id this one rephrases (same expected call), e.g. the "Q3 revenue in EMEA" family. */
    paraphraseOf: z.string().optional(),
    notes: z.string().optional(),
  })
  .strict();
export type EvalCase = z.output<typeof evalCaseSchema>;
export type EvalCaseInput = z.input<typeof evalCaseSchema>;

/** One problem in a dataset file, located by line. */
export interface DatasetProblem {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export class DatasetError extends Error {
  constructor(readonly problems: readonly DatasetProblem[]) {
    super(`Invalid dataset (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'DatasetError';
  }
}

export function formatProblem(p: DatasetProblem): string {
  return `  ${p.file}:${p.line}: ${p.field}: ${p.message}`;
}

const LINES = new WeakMap<EvalCase, number>();

/** The line a parsed case came from (0 when it was not read from a file). */
export function lineOf(c: EvalCase): number {
  return LINES.get(c) ?? 0;
}

/** Parse JSONL text; `file` only labels the problems. Blank lines and `//` comment lines are skipped. */
export function parseDataset(text: string, file: string): EvalCase[] {
  const problems: DatasetProblem[] = [];
  const cases: EvalCase[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('//')) return;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      problems.push({ file, line, field: '(line)', message: `not valid JSON (${(e as Error).message})` });
      return;
    }
    const parsed = evalCaseSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ file, line, field: issue.path.length ? issue.path.join('.') : '(case)', message: issue.message });
      }
      return;
    }
    const c = parsed.data;
    const before = seen.get(c.id);
    if (before !== undefined) problems.push({ file, line, field: 'id', message: `duplicate id ${c.id} (first on line ${before})` });
    seen.set(c.id, line);
    LINES.set(c, line);
    cases.push(c);
  });
  // Cross-line checks: a paraphrase must point at a case of the same file with the same expectation.
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const c of cases) {
    if (!c.paraphraseOf) continue;
    const original = byId.get(c.paraphraseOf);
    const line = seen.get(c.id) ?? 0;
    if (!original) {
      problems.push({ file, line, field: 'paraphraseOf', message: `no case ${c.paraphraseOf} in this file` });
    } else if (JSON.stringify(original.expected) !== JSON.stringify(c.expected)) {
      problems.push({ file, line, field: 'expected', message: `a paraphrase must expect the same as ${c.paraphraseOf}` });
    }
  }
  if (problems.length) throw new DatasetError(problems);
  return cases;
}

/** Read and validate a JSONL dataset file. */
export function loadDataset(file: string): EvalCase[] {
  if (!fs.existsSync(file)) {
    throw new DatasetError([{ file, line: 0, field: '(file)', message: 'file not found' }]);
  }
  return parseDataset(fs.readFileSync(file, 'utf8'), file);
}
