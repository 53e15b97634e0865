/**
 * The shell commands of each pipeline step, exported so a team running its own CI/CD can run the
 * same gates in the same order. Pure strings: no CDK.
 */

/** Build, type-check, test and synthesize the app. `cdkSynth` is the synth command line. */
export function synthCommands(cdkSynth = 'npx cdk synth'): string[] {
  return ['npm ci', 'npx tsc --noEmit', 'npm test', cdkSynth];
}

/** One agent the evaluation gate scores, and the environment variable that holds its runtime ARN. */
export interface EvaluationTarget {
  /** Agent name as `npm run eval -- --agent` knows it, e.g. `financial`. */
  readonly agent: string;
  /** Name of the variable holding the runtime ARN, e.g. `RUNTIME_ARN_FINANCIAL`. */
  readonly runtimeArnVariable: string;
}

export interface EvaluationGateOptions {
  readonly targets: readonly EvaluationTarget[];
  /** Environment whose thresholds apply (`--env`). */
  readonly environment: string;
  /**
   * Runtime endpoint to score (`--qualifier`).
   * @default 'canary'
   */
  readonly qualifier?: string;
  /**
   * Extra flags for every run, e.g. `['--threshold', 'latencyP95Ms=8000']`.
   * @default []
   */
  readonly extraArgs?: readonly string[];
}

/** Environment variable name for an agent's runtime ARN: `RUNTIME_ARN_FINANCIAL`. */
export function runtimeArnVariable(agent: string): string {
  return `RUNTIME_ARN_${agent.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Score each agent's canary endpoint with the offline evaluation suite. `npm run eval` exits 1 on a
 * threshold breach, which fails the step and stops the pipeline before prod.
 */
export function evaluationGateCommands(options: EvaluationGateOptions): string[] {
  const qualifier = options.qualifier ?? 'canary';
  const extra = (options.extraArgs ?? []).map(quote).join(' ');
  return [
    'npm ci',
    ...options.targets.map(
      (t) =>
        `npm run eval -- --agent ${quote(t.agent)} --endpoint "$${t.runtimeArnVariable}" --qualifier ${quote(qualifier)} --env ${quote(options.environment)} --out eval/results/${quote(t.agent)}${extra ? ` ${extra}` : ''}`,
    ),
  ];
}

export interface RolloutCommandsOptions {
  /**
   * Variables holding the ARNs of the rollout state machines, one per release, rolled out in this order.
   * @default ['ROLLOUT_STATE_MACHINE_ARN']
   */
  readonly stateMachineArnVariables?: readonly string[];
  /** Execution input (JSON). @default '{}' */
  readonly input?: string;
  /** Seconds between status polls. @default 30 */
  readonly pollSeconds?: number;
}

/** Environment variable name for a release's rollout state machine ARN: `ROLLOUT_ARN_SUPERVISOR`. */
export function rolloutArnVariable(release: string): string {
  return `ROLLOUT_ARN_${release.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Start each progressive rollout (a release state machine: canary steps, alarm checks, promotion or
 * automatic rollback) and wait for it, one release after the other; the step fails at the first
 * execution that does not end SUCCEEDED, and the releases after it are not started.
 */
export function rolloutCommands(options: RolloutCommandsOptions = {}): string[] {
  const poll = options.pollSeconds ?? 30;
  const input = quote(options.input ?? '{}');
  return (options.stateMachineArnVariables ?? ['ROLLOUT_STATE_MACHINE_ARN']).flatMap((arn) => [
    `EXECUTION_ARN=$(aws stepfunctions start-execution --state-machine-arn "$${arn}" --name "pipeline-$(date +%Y%m%d%H%M%S)-$RANDOM" --input ${input} --query executionArn --output text)`,
    `echo "rollout execution ($${arn}): $EXECUTION_ARN"`,
    `STATUS=RUNNING; while [ "$STATUS" = RUNNING ]; do sleep ${poll}; STATUS=$(aws stepfunctions describe-execution --execution-arn "$EXECUTION_ARN" --query status --output text); echo "rollout: $STATUS"; done`,
    '[ "$STATUS" = SUCCEEDED ] || { echo "rollout ended $STATUS (rolled back); see $EXECUTION_ARN"; exit 1; }',
  ]);
}
