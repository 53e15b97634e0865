/**
 * Custom LLM-as-judge evaluators as plain data: instructions with the placeholders AgentCore fills
 * for the evaluation level, and a rating scale. One definition serves both places a judge runs:
 * online evaluation (`JudgeEvaluators` deploys it as an AgentCore `Evaluator`) and the offline
 * runner (`npm run eval -- --judge <name>` renders the same instructions and scale for a judge model).
 *
 * No imports: eval/ and agents/ can use it without the CDK.
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/custom-evaluators.html
 */

/** What one judgement covers: a whole session, one trace (request → answer), or one tool call. */
export type JudgeLevel = 'SESSION' | 'TRACE' | 'TOOL_CALL';

export interface JudgeRating {
  /** Short name the judge answers with, e.g. `Grounded`. */
  readonly label: string;
  /** When this rating applies, for the judge. */
  readonly definition: string;
  /** Score of the rating (numerical scales; the runner's `judge.<name>` gates compare it). */
  readonly value?: number;
}

export interface JudgeRatingScale {
  /** `numerical`: every rating has a value; `categorical`: labels only. */
  readonly kind: 'numerical' | 'categorical';
  readonly ratings: readonly JudgeRating[];
}

export interface JudgeEvaluatorDefinition {
  /** Evaluator name: a letter, then letters, digits or `_` (the deployed name is `<prefix>_<name>`, at most 48). */
  readonly name: string;
  /** What it judges (at most 200 characters). */
  readonly description: string;
  readonly level: JudgeLevel;
  /**
   * What the judge checks, with the level's placeholders: `{context}` always, `{assistant_turn}` for
   * TRACE, `{tool_turn}` for TOOL_CALL, `{available_tools}` available at SESSION and TOOL_CALL.
   */
  readonly instructions: string;
  readonly ratingScale: JudgeRatingScale;
}

/** Placeholders a level requires, and the ones it allows. */
export const JUDGE_PLACEHOLDERS: Readonly<Record<JudgeLevel, { readonly required: readonly string[]; readonly allowed: readonly string[] }>> = {
  SESSION: { required: ['context'], allowed: ['context', 'available_tools'] },
  TRACE: { required: ['context', 'assistant_turn'], allowed: ['context', 'assistant_turn'] },
  TOOL_CALL: { required: ['context', 'tool_turn'], allowed: ['context', 'tool_turn', 'available_tools'] },
};

/**
 * The kit's reference judge: answers carry only what a tool returned. The agents' specs forbid
 * inventing figures, balances, ticket ids or policy text (catalog/agents.ts `mustNot`); the
 * built-ins score correctness against a reference, which live traffic has none of — this judge
 * checks the answer against the tool results in the same trace instead.
 */
export const GROUNDED_ANSWER_JUDGE: JudgeEvaluatorDefinition = {
  name: 'grounded_answer',
  description: 'Every figure, balance, date, ticket id or policy statement in the answer comes from a tool result of the same request',
  level: 'TRACE',
  instructions: [
    'You judge one answer of an enterprise assistant (financial analytics, HR policy or IT support).',
    'The conversation so far, with the tool calls the assistant made and what they returned:',
    '{context}',
    'The answer to judge:',
    '{assistant_turn}',
    'Check every figure, balance, date, ticket id, policy name, policy version and policy statement in the answer against the tool results above.',
    'A refusal or a clarifying question that states no such facts is grounded. Rounding and unit conversion of a tool result are grounded; arithmetic the assistant did itself without a tool is not.',
  ].join('\n'),
  ratingScale: {
    kind: 'numerical',
    ratings: [
      { label: 'Ungrounded', definition: 'At least one fact in the answer is missing from, or contradicts, the tool results.', value: 0 },
      { label: 'Partly grounded', definition: 'Every fact is in the tool results, but a figure lacks its unit or period, or a policy quote lacks its title or version.', value: 0.5 },
      { label: 'Grounded', definition: 'Every fact comes from the tool results, with units, periods, titles and versions as returned; or the answer states no facts.', value: 1 },
    ],
  },
};

/** The kit's judges (online evaluation of the reference app, and `npm run eval -- --judge <name>`). */
export const KIT_JUDGE_EVALUATORS: readonly JudgeEvaluatorDefinition[] = [GROUNDED_ANSWER_JUDGE];

/** Problems of a definition, each naming the field (empty when valid). */
export function judgeDefinitionProblems(d: JudgeEvaluatorDefinition, at = `judges.${d.name}`): string[] {
  const problems: string[] = [];
  if (!/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/.test(d.name)) problems.push(`${at}.name: "${d.name}" must start with a letter and hold only letters, digits and _ (at most 40, so <prefix>_<name> fits 48)`);
  if (!d.description || d.description.length > 200) problems.push(`${at}.description: ${d.description?.length ?? 0} characters; expected 1–200`);
  const levels = Object.keys(JUDGE_PLACEHOLDERS);
  if (!levels.includes(d.level)) problems.push(`${at}.level: expected one of ${levels.join(', ')}, got ${JSON.stringify(d.level)}`);
  else {
    const used = [...new Set([...d.instructions.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]))];
    const { required, allowed } = JUDGE_PLACEHOLDERS[d.level];
    for (const p of required) if (!used.includes(p)) problems.push(`${at}.instructions: a ${d.level} judge needs the {${p}} placeholder`);
    for (const p of used) if (!allowed.includes(p)) problems.push(`${at}.instructions: {${p}} is not filled at ${d.level} level; allowed: ${allowed.map((a) => `{${a}}`).join(', ')}`);
  }
  const ratings = d.ratingScale?.ratings ?? [];
  if (ratings.length < 2) problems.push(`${at}.ratingScale.ratings: ${ratings.length} rating(s); expected at least 2`);
  const labels = ratings.map((r) => r.label.trim().toLowerCase());
  if (new Set(labels).size !== labels.length) problems.push(`${at}.ratingScale.ratings: labels must be unique, got ${ratings.map((r) => r.label).join(', ')}`);
  ratings.forEach((r, i) => {
    if (!r.label.trim() || !r.definition.trim()) problems.push(`${at}.ratingScale.ratings[${i}]: label and definition must not be empty`);
    if (d.ratingScale.kind === 'numerical' && (typeof r.value !== 'number' || !Number.isFinite(r.value))) problems.push(`${at}.ratingScale.ratings[${i}].value: a numerical scale needs a number for "${r.label}"`);
    if (d.ratingScale.kind === 'categorical' && r.value !== undefined) problems.push(`${at}.ratingScale.ratings[${i}].value: a categorical scale has labels only; remove the value of "${r.label}" or make the scale numerical`);
  });
  return problems;
}

/** What the placeholders are filled with. */
export type JudgeInputs = Partial<Record<'context' | 'assistant_turn' | 'tool_turn' | 'available_tools', string>>;

/** The judge's system prompt: the rating scale and the answer format the runner parses. */
export function judgeSystemPrompt(d: JudgeEvaluatorDefinition): string {
  return [
    'You are an evaluator. Rate what you are shown with exactly one rating of this scale:',
    ...d.ratingScale.ratings.map((r) => `- ${r.label}${r.value !== undefined ? ` (${r.value})` : ''}: ${r.definition}`),
    'Answer with one JSON object and nothing else: {"label": "<one label of the scale>", "explanation": "<one or two sentences>"}',
  ].join('\n');
}

/** The instructions with their placeholders filled (a placeholder without input says so, rather than vanish). */
export function renderJudgeInstructions(d: JudgeEvaluatorDefinition, inputs: JudgeInputs): string {
  return d.instructions.replace(/\{([a-z_]+)\}/g, (whole, name: keyof JudgeInputs) => inputs[name] ?? `(no ${name.replace(/_/g, ' ')})`);
}

/** The rating a judge model answered with, or an error naming what was wrong with its answer. */
export function parseJudgeAnswer(d: JudgeEvaluatorDefinition, text: string): { label: string; value?: number; explanation?: string } | { error: string } {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  let parsed: { label?: unknown; explanation?: unknown } | undefined;
  try {
    parsed = json ? JSON.parse(json) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed.label !== 'string') return { error: `judge answer is not {"label", "explanation"} JSON: ${JSON.stringify(text.slice(0, 200))}` };
  const label = parsed.label.trim().toLowerCase();
  const rating = d.ratingScale.ratings.find((r) => r.label.toLowerCase() === label);
  if (!rating) return { error: `judge answered label ${JSON.stringify(parsed.label)}, not one of ${d.ratingScale.ratings.map((r) => r.label).join(', ')}` };
  return { label: rating.label, ...(rating.value !== undefined ? { value: rating.value } : {}), ...(typeof parsed.explanation === 'string' ? { explanation: parsed.explanation } : {}) };
}
