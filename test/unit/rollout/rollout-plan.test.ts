import { planRollout } from '../../../lib/release/rollout-plan';

describe('planRollout', () => {
  test('CANARY_10PERCENT_10MINUTES: one 10% step baked 10 minutes, then promotion', () => {
    expect(planRollout('CANARY_10PERCENT_10MINUTES')).toEqual({ steps: [{ canaryPercent: 10, bakeSeconds: 600, approval: false }], totalBakeSeconds: 600 });
  });

  test('LINEAR_25PERCENT_EVERY_5MINUTES: 25, 50, 75 each baked 5 minutes, then promotion', () => {
    expect(planRollout('LINEAR_25PERCENT_EVERY_5MINUTES')).toEqual({
      steps: [
        { canaryPercent: 25, bakeSeconds: 300, approval: false },
        { canaryPercent: 50, bakeSeconds: 300, approval: false },
        { canaryPercent: 75, bakeSeconds: 300, approval: false },
      ],
      totalBakeSeconds: 900,
    });
  });

  test('ALL_AT_ONCE: no split, straight to promotion', () => {
    expect(planRollout('ALL_AT_ONCE')).toEqual({ steps: [], totalBakeSeconds: 0 });
  });

  test('custom steps keep their order and bake times; the 100% step becomes the promotion', () => {
    const plan = planRollout([
      { canaryPercent: 5, bakeMinutes: 15 },
      { canaryPercent: 30, bakeMinutes: 10 },
      { canaryPercent: 100, bakeMinutes: 0 },
    ]);
    expect(plan.steps).toEqual([
      { canaryPercent: 5, bakeSeconds: 900, approval: false },
      { canaryPercent: 30, bakeSeconds: 600, approval: false },
    ]);
    expect(plan.totalBakeSeconds).toBe(1500);
  });

  test('every split weight a plan produces is one the gateway rule accepts (1–99)', () => {
    for (const preset of ['CANARY_10PERCENT_10MINUTES', 'LINEAR_25PERCENT_EVERY_5MINUTES', 'ALL_AT_ONCE'] as const) {
      for (const s of planRollout(preset).steps) {
        expect(s.canaryPercent).toBeGreaterThanOrEqual(1);
        expect(s.canaryPercent).toBeLessThanOrEqual(99);
      }
    }
  });

  test('an unknown preset names the allowed ones', () => {
    expect(() => planRollout('CANARY_50PERCENT' as never, 'release.rollout')).toThrow(
      /release\.rollout: unknown preset "CANARY_50PERCENT"; expected one of CANARY_10PERCENT_10MINUTES, LINEAR_25PERCENT_EVERY_5MINUTES, ALL_AT_ONCE/,
    );
  });

  test('reports every bad step at once, naming the index and field', () => {
    let message = '';
    try {
      planRollout([
        { canaryPercent: 50, bakeMinutes: 5 },
        { canaryPercent: 20, bakeMinutes: -1 },
        { canaryPercent: 100, bakeMinutes: 10 },
      ]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^\[InvalidRolloutPlan\] 3 problems/);
    expect(message).toContain('rollout[1].bakeMinutes: expected an integer 0–1440, got -1');
    expect(message).toContain('rollout[1].canaryPercent: steps must rise strictly; 20 follows 50');
    expect(message).toContain('rollout[2].bakeMinutes: the 100% step is the promotion and cannot bake');
  });

  test('the last step must be the promotion at 100%', () => {
    expect(() => planRollout([{ canaryPercent: 10, bakeMinutes: 5 }])).toThrow(/rollout\[0\]\.canaryPercent: the last step must be 100 \(the promotion\), got 10/);
  });

  test('100% before the end is rejected', () => {
    expect(() => planRollout([{ canaryPercent: 100, bakeMinutes: 0 }, { canaryPercent: 100, bakeMinutes: 0 }])).toThrow(/rollout\[0\]\.canaryPercent: 100 is the promotion and must be the last step/);
  });

  test('an approval step waits after its check; the promotion step cannot carry one', () => {
    expect(planRollout([{ canaryPercent: 20, bakeMinutes: 5, approval: true }, { canaryPercent: 100, bakeMinutes: 0 }]).steps).toEqual([{ canaryPercent: 20, bakeSeconds: 300, approval: true }]);
    expect(() => planRollout([{ canaryPercent: 20, bakeMinutes: 5 }, { canaryPercent: 100, bakeMinutes: 0, approval: true }])).toThrow(
      /rollout\[1\]\.approval: the promotion step cannot wait for approval; set approval on the split step before it/,
    );
    expect(() => planRollout([{ canaryPercent: 20, bakeMinutes: 5, approval: 'yes' as never }, { canaryPercent: 100, bakeMinutes: 0 }])).toThrow(/rollout\[0\]\.approval: expected true or false, got "yes"/);
  });

  test('an empty list is rejected', () => {
    expect(() => planRollout([])).toThrow(/expected at least one step/);
  });
});
