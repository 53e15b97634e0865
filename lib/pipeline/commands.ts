/**
 * The shell commands of each pipeline step, exported so a team running its own CI/CD can run the
 * same gates in the same order. Pure strings: no CDK.
 */

/** Build, type-check, test and synthesize the app. `cdkSynth` is the synth command line. */
export function synthCommands(cdkSynth = 'npx cdk synth'): string[] {
  return ['npm ci', 'npx tsc --noEmit', 'npm test', cdkSynth];
}

/** One run of the evaluation gate: a dataset, the runtime it is sent to, and how. */
export interface EvaluationTarget {
  /** Dataset as `npm run eval -- --agent` knows it, e.g. `financial`. */
  readonly agent: string;
  /** Name of the variable holding the ARN of the runtime under test, e.g. `RUNTIME_ARN_FINANCIAL`. */
  readonly runtimeArnVariable: string;
  /**
   * How the runner talks to that runtime: `a2a` (a specialist) or `http` (a supervisor, which
   * hands each case to the specialist the dataset belongs to).
   * @default - the gate's protocol
   */
  readonly protocol?: 'a2a' | 'http';
  /** Folder under `eval/results/` for the report. @default - the dataset's name */
  readonly resultsName?: string;
}

/** Environment variables the gate's persona tokens are configured with (read by `npm run eval -- --auth cognito`). */
export const EVALUATION_ACCESS_VARIABLES = {
  userPoolId: 'EVAL_USER_POOL_ID',
  clientId: 'EVAL_CLIENT_ID',
  tokenUrl: 'EVAL_TOKEN_URL',
  scope: 'EVAL_SCOPE',
  roleArn: 'EVAL_ROLE_ARN',
} as const;

export interface EvaluationGateOptions {
  readonly targets: readonly EvaluationTarget[];
  /**
   * How the runner talks to the agents: `a2a` (JSON-RPC `message/send`, the specialists) or `http`
   * (`POST /invocations`, the supervisor).
   * @default 'a2a'
   */
  readonly protocol?: 'a2a' | 'http';
  /**
   * Run every case as its persona with tokens of the stage's evaluation client (`--auth cognito`):
   * the step first assumes the role in `EVAL_ROLE_ARN`, then the runner reads the client's secret and
   * requests one token per persona. Without it, calls are signed with the step's AWS credentials.
   * @default false
   */
  readonly personaTokens?: boolean;
  /** Environment whose thresholds apply (`--env`). */
  readonly environment: string;
  /**
   * Runtime endpoint to score (`--qualifier`).
   * @default 'canary'
   */
  readonly qualifier?: string;
  /**
   * Endpoint the canary is compared with on the same cases (`--baseline`): the run repeats every case
   * as often as the regression test needs and fails on a significant drop in tool selection against
   * it (eval/README.md, "The regression gate"). `false` scores the canary against the thresholds only.
   * @default 'live'
   */
  readonly baseline?: string | false;
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
 * Score each agent's canary endpoint with the offline evaluation suite, against live on the same
 * cases. `npm run eval` exits 1 on a significant regression or a threshold breach, which fails the step and stops the pipeline before prod. With persona tokens the
 * step first takes the credentials of the role in `EVAL_ROLE_ARN` (POSIX sh: CodeBuild's default shell).
 */
export function evaluationGateCommands(options: EvaluationGateOptions): string[] {
  const qualifier = options.qualifier ?? 'canary';
  const extra = (options.extraArgs ?? []).map(quote).join(' ');
  const auth = options.personaTokens ? ' --auth cognito' : '';
  const baseline = options.baseline === false ? '' : ` --baseline ${quote(options.baseline ?? 'live')}`;
  // One command line, so a failed assume-role fails the step (CodeBuild checks each line's status).
  const assumeRole = `CREDENTIALS=$(aws sts assume-role --role-arn "$${EVALUATION_ACCESS_VARIABLES.roleArn}" --role-session-name evaluation-gate --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) && set -- $CREDENTIALS && export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3"`;
  return [
    'npm ci',
    ...(options.personaTokens ? [assumeRole] : []),
    ...options.targets.map(
      (t) =>
        `npm run eval -- --agent ${quote(t.agent)} --endpoint "$${t.runtimeArnVariable}" --protocol ${t.protocol ?? options.protocol ?? 'a2a'}${auth} --qualifier ${quote(qualifier)}${baseline} --env ${quote(options.environment)} --out eval/results/${quote(t.resultsName ?? t.agent)}${extra ? ` ${extra}` : ''}`,
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
