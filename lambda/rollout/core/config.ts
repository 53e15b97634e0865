/**
 * Where a release's moving parts are. The construct writes it as JSON into the functions'
 * environment (RELEASE_CONFIG) and into an SSM parameter the CLI reads; both are parsed here.
 */
import * as z from 'zod';

export const releaseConfigSchema = z
  .object({
    /** Name of the release (one agent's traffic split); the key of its state in the table. */
    releaseName: z.string().min(1),
    tableName: z.string().min(1),
    gatewayId: z.string().min(1),
    ruleId: z.string().min(1),
    runtimeId: z.string().min(1),
    liveEndpoint: z.string().min(1),
    canaryEndpoint: z.string().min(1),
    liveTarget: z.string().min(1),
    canaryTarget: z.string().min(1),
    /** Alarms whose ALARM state stops the rollout (the composite first). */
    alarmNames: z.array(z.string().min(1)),
    topicArn: z.string().optional(),
    /** SSM parameter the rollout keeps pointed at the last good `live` version. */
    liveVersionParameter: z.string().optional(),
    stateMachineArn: z.string().optional(),
    /**
     * The canary's online-evaluation score, averaged over each step's bake window: below `minimum` the
     * step fails. A window with no scored session passes (the alarms still watch errors and latency).
     */
    scoreCheck: z
      .object({
        namespace: z.string().min(1),
        metricName: z.string().min(1),
        dimensions: z.record(z.string(), z.string()),
        minimum: z.number().min(0).max(1),
      })
      .strict()
      .optional(),
    /** The rollout plan's split steps, as the state machine runs them (for `start --dry-run`). */
    plan: z.array(z.object({ canaryPercent: z.number().int().min(1).max(99), bakeSeconds: z.number().int().min(0), approval: z.boolean().optional() }).strict()).optional(),
    /** Timeout of the rollback function and Lambda's async retries of it: they bound the time to roll back. */
    rollbackTimeoutSeconds: z.number().int().min(1).optional(),
    rollbackAsyncRetries: z.number().int().min(0).max(2).optional(),
    /** A canary alarm this soon after a promotion rolls the promoted version back; later, it is announced only. */
    lateAlarmWindowSeconds: z.number().int().min(0).max(86_400).optional(),
    /** How long `live` may take to move to the promoted version before the promotion is rolled back. */
    promotionTimeoutSeconds: z.number().int().min(60).max(7_200).optional(),
  })
  .strict();

export type ReleaseConfig = z.output<typeof releaseConfigSchema>;

/** Parse config JSON; the error names every bad field. */
export function parseReleaseConfig(json: string | undefined, source = 'RELEASE_CONFIG'): ReleaseConfig {
  if (!json) throw new Error(`${source} is not set; it must hold the release config JSON written by the ReleaseController construct`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = releaseConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
