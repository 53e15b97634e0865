/**
 * Rollout step function: each task state of the rollout state machine calls it with one action.
 * Traffic moves only through these actions, and each checks the release state first.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { parseReleaseConfig } from './core/config';
import { beginPromotion, checkHealth, finishPromotion, holdRollout, promotionStatus, setWeight, startRollout, type ReleaseDeps } from './core/operations';
import { createAwsClients, releaseDeps } from './core/runtime-deps';

export const rolloutActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start'), executionName: z.string().min(1), executionArn: z.string().optional(), force: z.boolean().optional() }),
  z.object({ action: z.literal('setWeight'), releaseId: z.string().min(1), canaryPercent: z.number().int().min(1).max(99), stepIndex: z.number().int().min(0) }),
  z.object({ action: z.literal('check'), releaseId: z.string().min(1), canaryPercent: z.number().int().min(1).max(99), approval: z.boolean().optional() }),
  z.object({ action: z.literal('hold'), releaseId: z.string().min(1), taskToken: z.string().min(1), reason: z.string().min(1) }),
  z.object({ action: z.literal('beginPromotion'), releaseId: z.string().min(1) }),
  z.object({ action: z.literal('promotionStatus'), releaseId: z.string().min(1) }),
  z.object({ action: z.literal('finishPromotion'), releaseId: z.string().min(1) }),
]);
export type RolloutAction = z.input<typeof rolloutActionSchema>;

export async function handle(event: unknown, deps: ReleaseDeps): Promise<unknown> {
  const parsed = rolloutActionSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(`rollout: invalid task input (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`);
  }
  const a = parsed.data;
  switch (a.action) {
    case 'start':
      return startRollout({ releaseId: a.executionName, executionArn: a.executionArn, who: `rollout:${a.executionName}`, force: a.force }, deps);
    case 'setWeight':
      return setWeight(a, deps);
    case 'check':
      return checkHealth(a, deps);
    case 'hold':
      return holdRollout(a, deps);
    case 'beginPromotion':
      return beginPromotion(a, deps);
    case 'promotionStatus':
      return promotionStatus(a, deps);
    case 'finishPromotion':
      return finishPromotion({ releaseId: a.releaseId, who: `rollout:${a.releaseId}` }, deps);
  }
}

const logger = new Logger({ serviceName: 'release-rollout' });
const clients = createAwsClients();
let deps: ReleaseDeps | undefined;

export async function handler(event: unknown): Promise<unknown> {
  deps ??= releaseDeps(parseReleaseConfig(process.env.RELEASE_CONFIG), clients, logger);
  const result = await handle(event, deps);
  logger.info('rollout action done', { action: (event as { action?: string })?.action, result: result as Record<string, unknown> });
  return result;
}
