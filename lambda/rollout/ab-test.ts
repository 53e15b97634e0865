/**
 * A/B test driver: a statistical comparison of `live` (control, variant C) and `canary` (treatment,
 * variant T1) through the gateway, each variant scored by its own online evaluation config. A/B tests
 * exist only in the data-plane API (no CloudFormation resource), so they are started, stopped and read
 * from code. They measure; the rollout state machine and its alarms decide.
 */
import {
  BedrockAgentCoreClient,
  CreateABTestCommand,
  GetABTestCommand,
  UpdateABTestCommand,
  type CreateABTestCommandInput,
  type GetABTestCommandOutput,
  type UpdateABTestCommandInput,
} from '@aws-sdk/client-bedrock-agentcore';
import { AB_TEST_RELEASE_TAG } from './ab-test-tag';

/** The three calls the driver makes. */
export interface AbTestApi {
  create(input: CreateABTestCommandInput): Promise<{ abTestId: string; status: string; executionStatus: string }>;
  get(abTestId: string): Promise<GetABTestCommandOutput>;
  update(input: UpdateABTestCommandInput): Promise<{ status: string; executionStatus: string }>;
}

export function sdkAbTestApi(client: BedrockAgentCoreClient): AbTestApi {
  return {
    async create(input) {
      const r = await client.send(new CreateABTestCommand(input));
      return { abTestId: r.abTestId!, status: r.status!, executionStatus: r.executionStatus! };
    },
    get: (abTestId) => client.send(new GetABTestCommand({ abTestId })),
    async update(input) {
      const r = await client.send(new UpdateABTestCommand(input));
      return { status: r.status!, executionStatus: r.executionStatus! };
    },
  };
}

export const CONTROL_VARIANT = 'C';
export const TREATMENT_VARIANT = 'T1';

export { AB_TEST_RELEASE_TAG } from './ab-test-tag';

export interface AbTestPlan {
  /** Release that starts the test, set as the {@link AB_TEST_RELEASE_TAG} tag. @default - untagged (no release role may stop it) */
  readonly release?: string;
  /** Letters, digits, `_` and `-`. */
  readonly name: string;
  readonly description?: string;
  readonly gatewayArn: string;
  /** Role the service uses to run the test (reads evaluation results, updates routing). */
  readonly roleArn: string;
  /** Gateway target of the `live` endpoint (control). */
  readonly controlTarget: string;
  /** Gateway target of the `canary` endpoint (treatment). */
  readonly treatmentTarget: string;
  /** Share of sessions on the treatment, 1–99; the control gets the rest (weights sum to 100). */
  readonly treatmentPercent: number;
  /** Online evaluation config scoring the control's sessions (e.g. one built on the live endpoint's data source). */
  readonly controlEvaluationConfigArn: string;
  readonly treatmentEvaluationConfigArn: string;
  /** Limit the test to these gateway paths. @default - all paths */
  readonly targetPaths?: readonly string[];
  /** Create the test stopped. @default false */
  readonly startStopped?: boolean;
}

/** Bad plan: names every field at once. */
export class AbTestPlanError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid A/B test plan: ${problems.join('; ')}`);
    this.name = 'AbTestPlanError';
  }
}

const ARN = /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:/;

export function validatePlan(p: AbTestPlan): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_-]{1,48}$/.test(p.name)) problems.push(`name: expected 1–48 letters, digits, "_" or "-", got ${JSON.stringify(p.name)}`);
  if (!ARN.test(p.gatewayArn) || !p.gatewayArn.includes(':gateway/')) problems.push(`gatewayArn: expected arn:aws:bedrock-agentcore:<region>:<account>:gateway/<id>, got ${JSON.stringify(p.gatewayArn)}`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(p.roleArn)) problems.push(`roleArn: expected an IAM role ARN, got ${JSON.stringify(p.roleArn)}`);
  if (!p.controlTarget) problems.push('controlTarget: expected the gateway target name of the live endpoint');
  if (!p.treatmentTarget) problems.push('treatmentTarget: expected the gateway target name of the canary endpoint');
  if (p.controlTarget && p.controlTarget === p.treatmentTarget) problems.push(`treatmentTarget: must differ from controlTarget (${p.controlTarget})`);
  if (!Number.isInteger(p.treatmentPercent) || p.treatmentPercent < 1 || p.treatmentPercent > 99) problems.push(`treatmentPercent: expected an integer 1–99, got ${JSON.stringify(p.treatmentPercent)}`);
  for (const k of ['controlEvaluationConfigArn', 'treatmentEvaluationConfigArn'] as const) {
    if (!ARN.test(p[k] ?? '')) problems.push(`${k}: expected an online evaluation config ARN (arn:aws:bedrock-agentcore:...), got ${JSON.stringify(p[k])}`);
  }
  if (problems.length) throw new AbTestPlanError(problems);
}

/** The CreateABTest request for a plan (pure). */
export function createRequest(p: AbTestPlan, clientToken: string): CreateABTestCommandInput {
  validatePlan(p);
  return {
    name: p.name,
    description: p.description,
    gatewayArn: p.gatewayArn,
    roleArn: p.roleArn,
    clientToken,
    enableOnCreate: !p.startStopped,
    ...(p.release ? { tags: { [AB_TEST_RELEASE_TAG]: p.release } } : {}),
    variants: [
      { name: CONTROL_VARIANT, weight: 100 - p.treatmentPercent, variantConfiguration: { target: { name: p.controlTarget } } },
      { name: TREATMENT_VARIANT, weight: p.treatmentPercent, variantConfiguration: { target: { name: p.treatmentTarget } } },
    ],
    gatewayFilter: p.targetPaths?.length ? { targetPaths: [...p.targetPaths] } : undefined,
    evaluationConfig: {
      perVariantOnlineEvaluationConfig: [
        { name: CONTROL_VARIANT, onlineEvaluationConfigArn: p.controlEvaluationConfigArn },
        { name: TREATMENT_VARIANT, onlineEvaluationConfigArn: p.treatmentEvaluationConfigArn },
      ],
    },
  };
}

export async function startAbTest(p: AbTestPlan, api: AbTestApi, clientToken: string) {
  return api.create(createRequest(p, clientToken));
}

export async function stopAbTest(abTestId: string, api: AbTestApi) {
  return api.update({ abTestId, executionStatus: 'STOPPED' });
}

/** Hold a running test: the service stops assigning sessions to variants until it is resumed. */
export async function pauseAbTest(abTestId: string, api: AbTestApi) {
  return api.update({ abTestId, executionStatus: 'PAUSED' });
}

/** Let a paused test run again (a STOPPED test cannot be resumed: the service refuses). */
export async function resumeAbTest(abTestId: string, api: AbTestApi) {
  return api.update({ abTestId, executionStatus: 'RUNNING' });
}

export interface EvaluatorComparison {
  readonly evaluatorArn: string;
  readonly control: { readonly sessions: number; readonly mean: number };
  readonly treatment?: { readonly sessions: number; readonly mean: number; readonly change?: number; readonly percentChange?: number; readonly pValue?: number; readonly significant: boolean };
  /** Reading of the numbers, for people: higher scores are better for every evaluator here. */
  readonly verdict: 'treatment better' | 'treatment worse' | 'no significant difference' | 'no data';
}

export interface AbTestReport {
  readonly abTestId: string;
  readonly name: string;
  readonly status: string;
  readonly executionStatus: string;
  readonly weights: Record<string, number>;
  readonly analysedAt?: string;
  readonly evaluators: EvaluatorComparison[];
  readonly errors: string[];
}

/** Read a test and compare the treatment with the control per evaluator (pure over GetABTest's answer). */
export function reportOf(r: GetABTestCommandOutput): AbTestReport {
  const evaluators = (r.results?.evaluatorMetrics ?? []).map((m): EvaluatorComparison => {
    const t = m.variantResults?.find((v) => v.variantName === TREATMENT_VARIANT) ?? m.variantResults?.[0];
    const control = { sessions: m.controlStats?.sampleSize ?? 0, mean: m.controlStats?.mean ?? 0 };
    if (!t || !t.sampleSize || !control.sessions) return { evaluatorArn: m.evaluatorArn ?? '?', control, verdict: 'no data' };
    const change = t.absoluteChange ?? (t.mean ?? 0) - control.mean;
    const verdict = !t.isSignificant ? 'no significant difference' : change > 0 ? 'treatment better' : 'treatment worse';
    return {
      evaluatorArn: m.evaluatorArn ?? '?',
      control,
      treatment: { sessions: t.sampleSize, mean: t.mean ?? 0, change, percentChange: t.percentChange, pValue: t.pValue, significant: !!t.isSignificant },
      verdict,
    };
  });
  return {
    abTestId: r.abTestId ?? '?',
    name: r.name ?? '?',
    status: r.status ?? '?',
    executionStatus: r.executionStatus ?? '?',
    weights: Object.fromEntries((r.variants ?? []).map((v) => [v.name ?? '?', v.weight ?? 0])),
    analysedAt: r.results?.analysisTimestamp?.toISOString(),
    evaluators,
    errors: r.errorDetails ?? [],
  };
}

export async function readAbTest(abTestId: string, api: AbTestApi): Promise<AbTestReport> {
  return reportOf(await api.get(abTestId));
}

/**
 * Which variant won, for `ab-test promote` (pure): the control when the treatment is significantly
 * worse on any evaluator (a regression on one score is not bought back by a gain on another), the
 * treatment when it is significantly better on at least one and worse on none, otherwise undecided.
 */
export function winnerOf(r: AbTestReport): { winner: 'treatment' | 'control' | 'undecided'; why: string } {
  const short = (e: EvaluatorComparison) => e.evaluatorArn.replace(/^.*[:/]/, '');
  const worse = r.evaluators.filter((e) => e.verdict === 'treatment worse');
  const better = r.evaluators.filter((e) => e.verdict === 'treatment better');
  if (worse.length) return { winner: 'control', why: `canary significantly worse on ${worse.map(short).join(', ')}` };
  if (better.length) return { winner: 'treatment', why: `canary significantly better on ${better.map(short).join(', ')}, worse on none` };
  const withData = r.evaluators.filter((e) => e.verdict !== 'no data').length;
  return { winner: 'undecided', why: withData ? 'no significant difference on any evaluator yet' : 'no results yet' };
}

