import { createRequest, readAbTest, startAbTest, stopAbTest, type AbTestPlan } from '../../../lambda/rollout/ab-test';
import { FakeAbTests } from '../../support/fake-ab-tests';

const PLAN: AbTestPlan = {
  name: 'supervisor-v4',
  gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/gw-abc',
  roleArn: 'arn:aws:iam::111111111111:role/ab-test',
  controlTarget: 'supervisor-live',
  treatmentTarget: 'supervisor-canary',
  treatmentPercent: 20,
  controlEvaluationConfigArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:online-evaluation-config/live-eval',
  treatmentEvaluationConfigArn: 'arn:aws:bedrock-agentcore:us-east-1:111111111111:online-evaluation-config/canary-eval',
};

describe('A/B test driver', () => {
  test('starts a target-based test between live (C) and canary (T1), weights summing to 100, one evaluation config per variant', async () => {
    const api = new FakeAbTests();
    const started = await startAbTest(PLAN, api, 'token-1');
    expect(started).toEqual({ abTestId: 'ab-1', status: 'ACTIVE', executionStatus: 'RUNNING' });
    const stored = await api.get('ab-1');
    expect(stored.variants).toEqual([
      { name: 'C', weight: 80, variantConfiguration: { target: { name: 'supervisor-live' } } },
      { name: 'T1', weight: 20, variantConfiguration: { target: { name: 'supervisor-canary' } } },
    ]);
    expect(stored.evaluationConfig).toEqual({
      perVariantOnlineEvaluationConfig: [
        { name: 'C', onlineEvaluationConfigArn: PLAN.controlEvaluationConfigArn },
        { name: 'T1', onlineEvaluationConfigArn: PLAN.treatmentEvaluationConfigArn },
      ],
    });
  });

  test('a test started for a release carries the release tag the stopping roles are conditioned on; without a release, no tag', () => {
    expect(createRequest({ ...PLAN, release: 'prod-supervisor' }, 't').tags).toEqual({ 'agentcore-kit:release': 'prod-supervisor' });
    expect(createRequest(PLAN, 't').tags).toBeUndefined();
  });

  test('the same client token does not start a second test', async () => {
    const api = new FakeAbTests();
    await startAbTest(PLAN, api, 'token-1');
    await startAbTest(PLAN, api, 'token-1');
    expect(api.tests.size).toBe(1);
  });

  test('stop sets the execution status to STOPPED', async () => {
    const api = new FakeAbTests();
    await startAbTest(PLAN, api, 'token-1');
    expect(await stopAbTest('ab-1', api)).toEqual({ status: 'ACTIVE', executionStatus: 'STOPPED' });
    expect((await readAbTest('ab-1', api)).executionStatus).toBe('STOPPED');
  });

  test('results compare treatment with control per evaluator, with significance', async () => {
    const api = new FakeAbTests();
    await startAbTest(PLAN, api, 'token-1');
    const t = api.tests.get('ab-1')!;
    api.tests.set('ab-1', {
      ...t,
      results: {
        analysisTimestamp: new Date('2026-11-26T02:00:00Z'),
        evaluatorMetrics: [
          {
            evaluatorArn: 'arn:eval/helpfulness',
            controlStats: { variantName: 'C', sampleSize: 400, mean: 0.82 },
            variantResults: [{ variantName: 'T1', sampleSize: 100, mean: 0.88, absoluteChange: 0.06, percentChange: 7.3, pValue: 0.01, isSignificant: true }],
          },
          {
            evaluatorArn: 'arn:eval/tool-selection',
            controlStats: { variantName: 'C', sampleSize: 400, mean: 0.9 },
            variantResults: [{ variantName: 'T1', sampleSize: 100, mean: 0.89, absoluteChange: -0.01, pValue: 0.4, isSignificant: false }],
          },
          {
            evaluatorArn: 'arn:eval/correctness',
            controlStats: { variantName: 'C', sampleSize: 400, mean: 0.9 },
            variantResults: [{ variantName: 'T1', sampleSize: 100, mean: 0.7, absoluteChange: -0.2, pValue: 0.001, isSignificant: true }],
          },
        ],
      },
    });

    const report = await readAbTest('ab-1', api);

    expect(report.weights).toEqual({ C: 80, T1: 20 });
    expect(report.analysedAt).toBe('2026-11-26T02:00:00.000Z');
    expect(report.evaluators.map((e) => [e.evaluatorArn, e.verdict])).toEqual([
      ['arn:eval/helpfulness', 'treatment better'],
      ['arn:eval/tool-selection', 'no significant difference'],
      ['arn:eval/correctness', 'treatment worse'],
    ]);
    expect(report.evaluators[0].treatment).toMatchObject({ sessions: 100, mean: 0.88, pValue: 0.01, significant: true });
  });

  test('a test without results reads as no data', async () => {
    const api = new FakeAbTests();
    await startAbTest(PLAN, api, 'token-1');
    expect((await readAbTest('ab-1', api)).evaluators).toEqual([]);
  });

  test('a bad plan names every field that is wrong and calls nothing', async () => {
    const api = new FakeAbTests();
    await expect(
      startAbTest({ ...PLAN, name: 'has spaces', treatmentPercent: 100, treatmentTarget: 'supervisor-live', controlEvaluationConfigArn: 'eval-1' }, api, 't'),
    ).rejects.toThrow(
      /name: expected 1–48 letters.*treatmentTarget: must differ from controlTarget \(supervisor-live\).*treatmentPercent: expected an integer 1–99, got 100.*controlEvaluationConfigArn: expected an online evaluation config ARN/,
    );
    expect(api.tests.size).toBe(0);
  });
});
