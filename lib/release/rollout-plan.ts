/**
 * Rollout plans: a named preset or a custom list of steps turned into the traffic steps a rollout
 * walks through. Pure: no CDK, no AWS — the rollout state machine and the docs both use it.
 */
import { KitError, Problems } from '../errors';

/** Named presets, in the spirit of CodeDeploy's predefined configs. */
export const ROLLOUT_PRESET_NAMES = ['CANARY_10PERCENT_10MINUTES', 'LINEAR_25PERCENT_EVERY_5MINUTES', 'ALL_AT_ONCE'] as const;
export type RolloutPresetName = (typeof ROLLOUT_PRESET_NAMES)[number];

/** One step as a user writes it: a canary share and how long to watch it. */
export interface RolloutStepInput {
  /** Share of traffic on the canary, 1–100. 100 is the promotion and must be the last step. */
  readonly canaryPercent: number;
  /** Minutes to watch alarms and scores at this share before the next step (0–1440). */
  readonly bakeMinutes: number;
  /**
   * After this step's bake and check, wait for a person (`npm run rollout -- resume`) before the next
   * step or the promotion. Split steps only (below 100).
   * @default false
   */
  readonly approval?: boolean;
}

/** One traffic step of a plan: a weighted split the gateway rule can express (1–99 % canary). */
export interface TrafficStep {
  /** Canary weight; live gets `100 - canaryPercent`. Always 1–99: the rule has no 100/0. */
  readonly canaryPercent: number;
  /** Seconds to bake at this weight before checking alarms. */
  readonly bakeSeconds: number;
  /** Wait for a person after this step's check. */
  readonly approval: boolean;
}

/** What a rollout does: the split steps in order, then promotion (live pinned to the canary's version). */
export interface RolloutPlan {
  readonly steps: readonly TrafficStep[];
  /** Sum of the bake times: the shortest time from start to promotion, in seconds. */
  readonly totalBakeSeconds: number;
}

/** Hard limit on split steps, to keep a rollout reviewable and its state machine history small. */
export const MAX_ROLLOUT_STEPS = 20;
const MAX_BAKE_MINUTES = 1440;

/** The steps each preset stands for (before promotion). */
function presetSteps(name: RolloutPresetName): RolloutStepInput[] {
  switch (name) {
    case 'CANARY_10PERCENT_10MINUTES':
      return [{ canaryPercent: 10, bakeMinutes: 10 }, { canaryPercent: 100, bakeMinutes: 0 }];
    case 'LINEAR_25PERCENT_EVERY_5MINUTES':
      return [25, 50, 75].map((p) => ({ canaryPercent: p, bakeMinutes: 5 })).concat([{ canaryPercent: 100, bakeMinutes: 0 }]);
    case 'ALL_AT_ONCE':
      return [{ canaryPercent: 100, bakeMinutes: 0 }];
  }
}

/**
 * Turn a preset name or custom steps into a plan. Custom steps must rise strictly, stay within 1–100,
 * end at 100 (the promotion, with `bakeMinutes: 0` — nothing watches the canary once it is live), and
 * bake 0–1440 minutes each. Every problem is reported at once, naming the step and the field.
 */
export function planRollout(rollout: RolloutPresetName | readonly RolloutStepInput[], field = 'rollout'): RolloutPlan {
  let input: readonly RolloutStepInput[];
  if (typeof rollout === 'string') {
    if (!(ROLLOUT_PRESET_NAMES as readonly string[]).includes(rollout)) {
      throw new KitError('InvalidRolloutPlan', [`${field}: unknown preset ${JSON.stringify(rollout)}; expected one of ${ROLLOUT_PRESET_NAMES.join(', ')} or a list of { canaryPercent, bakeMinutes } steps`]);
    }
    input = presetSteps(rollout);
  } else {
    input = rollout;
  }

  const problems = new Problems('InvalidRolloutPlan');
  if (!Array.isArray(input) || input.length === 0) {
    throw new KitError('InvalidRolloutPlan', [`${field}: expected at least one step; the last step must be { canaryPercent: 100, bakeMinutes: 0 }`]);
  }
  input.forEach((s, i) => {
    const at = `${field}[${i}]`;
    problems.check(Number.isInteger(s.canaryPercent) && s.canaryPercent >= 1 && s.canaryPercent <= 100, `${at}.canaryPercent: expected an integer 1–100, got ${JSON.stringify(s.canaryPercent)}`);
    problems.check(Number.isInteger(s.bakeMinutes) && s.bakeMinutes >= 0 && s.bakeMinutes <= MAX_BAKE_MINUTES, `${at}.bakeMinutes: expected an integer 0–${MAX_BAKE_MINUTES}, got ${JSON.stringify(s.bakeMinutes)}`);
    if (i > 0 && Number.isInteger(s.canaryPercent) && s.canaryPercent <= input[i - 1].canaryPercent) {
      problems.add(`${at}.canaryPercent: steps must rise strictly; ${s.canaryPercent} follows ${input[i - 1].canaryPercent}`);
    }
    if (s.canaryPercent === 100 && i !== input.length - 1) problems.add(`${at}.canaryPercent: 100 is the promotion and must be the last step`);
    if (s.approval !== undefined && typeof s.approval !== 'boolean') problems.add(`${at}.approval: expected true or false, got ${JSON.stringify(s.approval)}`);
    if (s.approval === true && s.canaryPercent === 100) problems.add(`${at}.approval: the promotion step cannot wait for approval; set approval on the split step before it (the rollout then waits after that step's check)`);
  });
  const last = input[input.length - 1];
  problems.check(last.canaryPercent === 100, `${field}[${input.length - 1}].canaryPercent: the last step must be 100 (the promotion), got ${JSON.stringify(last.canaryPercent)}`);
  if (last.canaryPercent === 100) {
    problems.check(last.bakeMinutes === 0, `${field}[${input.length - 1}].bakeMinutes: the 100% step is the promotion and cannot bake (no canary is left to watch); move ${last.bakeMinutes} minutes to the step before it`);
  }
  problems.check(input.length - 1 <= MAX_ROLLOUT_STEPS, `${field}: ${input.length - 1} split steps; at most ${MAX_ROLLOUT_STEPS} are allowed`);
  problems.throwIfAny();

  const steps = input.slice(0, -1).map((s) => ({ canaryPercent: s.canaryPercent, bakeSeconds: s.bakeMinutes * 60, approval: s.approval === true }));
  return { steps, totalBakeSeconds: steps.reduce((t, s) => t + s.bakeSeconds, 0) };
}
