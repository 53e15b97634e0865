/**
 * Rollback function: a canary alarm goes to ALARM (EventBridge), the rollout state machine finds the
 * canary unhealthy, or a rollout execution ends FAILED, TIMED_OUT or ABORTED (EventBridge) → all traffic
 * back on `live` at its last good version, recorded and announced once.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { parseReleaseConfig } from '../rollout/core/config';
import { rollback, type ReleaseDeps, type RollbackOutcome } from '../rollout/core/operations';
import { createAwsClients, releaseDeps } from '../rollout/core/runtime-deps';

const alarmEvent = z.object({
  id: z.string().min(1),
  time: z.string().optional(),
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({ value: z.string(), reason: z.string().optional() }),
  }),
});

const rolloutEvent = z.object({
  source: z.literal('rollout'),
  /** The state machine execution name: retries of the same execution share one claim. */
  executionName: z.string().min(1),
  reason: z.string().min(1),
});

/** A rollout execution that ended without promoting: a timeout or an abort cannot be caught inside it. */
const executionEvent = z.object({
  id: z.string().min(1),
  time: z.string().optional(),
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    name: z.string().min(1),
    status: z.string(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});

export const rollbackEventSchema = z.union([alarmEvent, rolloutEvent, executionEvent]);
export type RollbackEvent = z.input<typeof rollbackEventSchema>;

export type RollbackResult = RollbackOutcome | { readonly outcome: 'ignored'; readonly reason: string };

const ENDED_WITHOUT_PROMOTING = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

export async function handle(event: unknown, deps: ReleaseDeps): Promise<RollbackResult> {
  const parsed = rollbackEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(
      `rollback: unrecognised event (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}); expected a CloudWatch alarm state change, a Step Functions execution status change or { source: "rollout", executionName, reason }`,
    );
  }
  const e = parsed.data;
  switch (e.source) {
    case 'aws.cloudwatch':
      if (e.detail.state.value !== 'ALARM') return { outcome: 'ignored', reason: `alarm ${e.detail.alarmName} moved to ${e.detail.state.value}` };
      return rollback({ who: `alarm:${e.detail.alarmName}`, why: e.detail.state.reason ?? `${e.detail.alarmName} in ALARM`, claimId: `event:${e.id}`, at: e.time, fromAlarm: true }, deps);
    case 'aws.states': {
      const { name, status } = e.detail;
      if (!ENDED_WITHOUT_PROMOTING.has(status)) return { outcome: 'ignored', reason: `execution ${name} is ${status}` };
      const why = `rollout execution ${name} ended ${status}${e.detail.error ? `: ${e.detail.error}` : ''}${e.detail.cause ? ` (${e.detail.cause.slice(0, 300)})` : ''}`;
      // The same claim as the execution's own RollBack state: whichever comes second finds the work done.
      return rollback({ who: `execution:${name}`, why, claimId: `sfn:${name}`, releaseId: name, at: e.time }, deps);
    }
    case 'rollout':
      return rollback({ who: `rollout:${e.executionName}`, why: e.reason, claimId: `sfn:${e.executionName}`, releaseId: e.executionName }, deps);
  }
}

const logger = new Logger({ serviceName: 'release-rollback' });
const clients = createAwsClients();
let deps: ReleaseDeps | undefined;

export async function handler(event: unknown, context?: { getRemainingTimeInMillis(): number }): Promise<RollbackResult> {
  deps ??= releaseDeps(parseReleaseConfig(process.env.RELEASE_CONFIG), clients, logger);
  // A claim is leased for this invocation's remaining time, less a margin to record a give-up.
  const remainingMs = context ? () => context.getRemainingTimeInMillis() - 1_000 : undefined;
  const result = await handle(event, { ...deps, remainingMs });
  logger.info('rollback finished', { result });
  return result;
}
