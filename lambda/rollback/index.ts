/**
 * Rollback function: a canary alarm goes to ALARM (EventBridge) or the rollout state machine finds the
 * canary unhealthy → all traffic back on `live` at its last good version, recorded and announced.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { parseReleaseConfig } from '../rollout/core/config';
import { rollback, type ReleaseDeps, type RollbackOutcome } from '../rollout/core/operations';
import { createAwsClients, releaseDeps } from '../rollout/core/runtime-deps';

const alarmEvent = z.object({
  id: z.string().min(1),
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

export const rollbackEventSchema = z.union([alarmEvent, rolloutEvent]);
export type RollbackEvent = z.input<typeof rollbackEventSchema>;

export type RollbackResult = RollbackOutcome | { readonly outcome: 'ignored'; readonly reason: string };

export async function handle(event: unknown, deps: ReleaseDeps): Promise<RollbackResult> {
  const parsed = rollbackEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(`rollback: unrecognised event (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}); expected a CloudWatch alarm state change or { source: "rollout", executionName, reason }`);
  }
  const e = parsed.data;
  if (e.source === 'aws.cloudwatch') {
    if (e.detail.state.value !== 'ALARM') return { outcome: 'ignored', reason: `alarm ${e.detail.alarmName} moved to ${e.detail.state.value}` };
    return rollback({ who: `alarm:${e.detail.alarmName}`, why: e.detail.state.reason ?? `${e.detail.alarmName} in ALARM`, claimId: `event:${e.id}` }, deps);
  }
  return rollback({ who: `rollout:${e.executionName}`, why: e.reason, claimId: `sfn:${e.executionName}` }, deps);
}

const logger = new Logger({ serviceName: 'release-rollback' });
const clients = createAwsClients();
let deps: ReleaseDeps | undefined;

export async function handler(event: unknown): Promise<RollbackResult> {
  deps ??= releaseDeps(parseReleaseConfig(process.env.RELEASE_CONFIG), clients, logger);
  const result = await handle(event, deps);
  logger.info('rollback finished', { result });
  return result;
}
