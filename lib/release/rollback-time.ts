/**
 * The worst case from the first bad minute on the canary to all traffic on `live`, from the settings
 * that bound it. One computation for the runbook, `rollout start --dry-run` and the test that reads the
 * synthesized alarms and function settings.
 */

/** Lambda's waits before the first and second retry of a failed asynchronous invocation. */
export const LAMBDA_ASYNC_RETRY_DELAYS_SECONDS = [60, 120] as const;

/**
 * A composite alarm is evaluated when a child changes state, and EventBridge delivers CloudWatch alarm
 * events within seconds; this budget covers both.
 */
export const ALARM_EVENT_DELIVERY_SECONDS = 20;

export interface RollbackTimeSettings {
  /** Period of the canary alarm, seconds. */
  readonly alarmPeriodSeconds: number;
  /** Breaching datapoints before the alarm fires (DatapointsToAlarm, else EvaluationPeriods). */
  readonly datapointsToAlarm: number;
  /** Timeout of the rollback function, seconds: a failed attempt costs at most this. */
  readonly functionTimeoutSeconds: number;
  /** Lambda's retries of the asynchronous rollback invocation (0–2). */
  readonly asyncRetries: number;
}

export interface RollbackTime {
  /** Datapoints on time, the alarm goes to ALARM after this many seconds of breach. */
  readonly detectionSeconds: number;
  readonly deliverySeconds: number;
  /** Every attempt but the last failing at its timeout, with Lambda's waits between them. */
  readonly attemptsSeconds: number;
  readonly totalSeconds: number;
  /** The computation, one line. */
  readonly explain: string;
}

export function worstCaseRollbackTime(s: RollbackTimeSettings): RollbackTime {
  if (!Number.isInteger(s.asyncRetries) || s.asyncRetries < 0 || s.asyncRetries > LAMBDA_ASYNC_RETRY_DELAYS_SECONDS.length) {
    throw new RangeError(`asyncRetries: expected 0–${LAMBDA_ASYNC_RETRY_DELAYS_SECONDS.length} (Lambda's limit), got ${s.asyncRetries}`);
  }
  const detectionSeconds = s.alarmPeriodSeconds * s.datapointsToAlarm;
  const waits = LAMBDA_ASYNC_RETRY_DELAYS_SECONDS.slice(0, s.asyncRetries);
  const attemptsSeconds = (s.asyncRetries + 1) * s.functionTimeoutSeconds + waits.reduce((a, b) => a + b, 0);
  const totalSeconds = detectionSeconds + ALARM_EVENT_DELIVERY_SECONDS + attemptsSeconds;
  const attempts = [`${s.asyncRetries + 1} × ${s.functionTimeoutSeconds} s`, ...waits.map((w) => `${w} s`)].join(' + ');
  return {
    detectionSeconds,
    deliverySeconds: ALARM_EVENT_DELIVERY_SECONDS,
    attemptsSeconds,
    totalSeconds,
    explain: `${s.datapointsToAlarm} × ${s.alarmPeriodSeconds} s detection + ${ALARM_EVENT_DELIVERY_SECONDS} s alarm evaluation and delivery + ${attempts} rollback attempts = ${totalSeconds} s`,
  };
}
