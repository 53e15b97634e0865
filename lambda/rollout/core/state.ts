/**
 * The release state: one DynamoDB item per release that the rollout, the rollback and the CLI all
 * read and change with conditional writes, plus an append-only history of what was done, by whom and why.
 * The gateway rule only ever follows this state; CloudFormation never holds it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

export type ReleasePhase = 'IDLE' | 'ROLLING_OUT' | 'PROMOTING' | 'PROMOTED' | 'ROLLING_BACK' | 'ROLLED_BACK';

export interface ReleaseState {
  readonly release: string;
  readonly phase: ReleasePhase;
  /** Id of the current (or last) rollout; the state machine execution name. */
  readonly releaseId?: string;
  /** Last good version: what `live` serves and returns to on rollback. */
  readonly liveVersion?: string;
  /** Version under test on the `canary` endpoint. */
  readonly canaryVersion?: string;
  /** Canary share currently applied to the rule (0 = static live). */
  readonly canaryPercent: number;
  readonly stepIndex?: number;
  /** When the current step's weights were recorded (epoch ms): the start of its bake window. */
  readonly stepStartedMs?: number;
  readonly executionArn?: string;
  /** A version that was rolled back; the rollout refuses to start it again without --force. */
  readonly rolledBackVersion?: string;
  /** The version `live` served before the last promotion: where a late alarm rolls back to. */
  readonly previousLiveVersion?: string;
  /** When the last promotion finished (epoch ms). */
  readonly promotedAtMs?: number;
  /** When the current promotion began (epoch ms): bounds how long `live` may take to move. */
  readonly promotionStartedMs?: number;
  /**
   * The A/B test routing the release's gateway (started by `ab-test start`). While it is recorded no
   * rollout starts, and no second test is recorded.
   */
  readonly abTestId?: string;
  /** A person asked the running rollout to stop after its current step's check (`rollout pause`). */
  readonly paused?: boolean;
  /** The task token of the rollout's hold (paused, or waiting for approval): `resume` answers it. */
  readonly holdToken?: string;
  readonly holdReason?: string;
  readonly claimId?: string;
  /** When the current claim was taken: every retry and duplicate of one claim writes its history under this time. */
  readonly claimedAt?: string;
  readonly leaseUntil?: number;
  /** Key of the last announcement sent (see `claimNotification`). */
  readonly notified?: string;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

/** What one action did; kept forever in the history. */
export interface HistoryRecord {
  readonly action: 'start' | 'step' | 'promote' | 'rollback' | 'ignored' | 'pause' | 'hold' | 'resume' | 'ab-start' | 'ab-stop';
  readonly releaseId?: string;
  readonly who: string;
  readonly when: string;
  readonly why: string;
  readonly from: Record<string, string | number | undefined>;
  readonly to: Record<string, string | number | undefined>;
}

/** A rollback claim: who asks, for which rollout, until when it may hold the claim. */
export interface RollbackClaim {
  readonly claimId: string;
  /** Only this rollout may be claimed. @default - whatever rollout is running (an alarm names none) */
  readonly releaseId?: string;
  readonly nowMs: number;
  readonly now: string;
  /** The claim lapses at this time (a claimant cannot outlive its invocation). */
  readonly leaseUntilMs: number;
  /** Also claim a promotion that finished at or after this time (a late alarm). @default - never */
  readonly lateSinceMs?: number;
}

const STATE = 'STATE';
const HISTORY = 'HISTORY#';

/** The parts of an UpdateItem on the state item that differ between the store's writes. */
type StateUpdate = Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues' | 'ReturnValues'>;

function stateOf(item: Record<string, unknown>): ReleaseState {
  const { sk: _sk, ...rest } = item;
  return rest as unknown as ReleaseState;
}

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export class ReleaseStateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(release: string): Promise<ReleaseState | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { release, sk: STATE }, ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { sk: _sk, ...rest } = r.Item;
    return rest as ReleaseState;
  }

  /** One conditional update of the release's state item: its old attributes, or undefined when the condition does not hold. */
  private async attempt(release: string, u: StateUpdate): Promise<Record<string, unknown> | undefined> {
    try {
      const r = await this.doc.send(new UpdateCommand({ TableName: this.table, Key: { release, sk: STATE }, ...u }));
      return r.Attributes ?? {};
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  /**
   * A conditional update, and once it lands the history record (if any, keyed by `sortTime`); false when
   * the condition does not hold.
   */
  private async update(release: string, u: StateUpdate, record?: HistoryRecord, sortTime?: string): Promise<boolean> {
    if (!(await this.attempt(release, u))) return false;
    if (record) await this.appendHistory(release, record, sortTime);
    return true;
  }

  /** Open a rollout. Fails (returns false) while another rollout or rollback is under way, or an A/B test is recorded. */
  async start(release: string, s: { releaseId: string; liveVersion: string; canaryVersion: string; executionArn?: string; who: string; now: string }): Promise<boolean> {
    return this.update(release, {
      UpdateExpression:
        'SET phase = :out, releaseId = :rid, liveVersion = :live, canaryVersion = :canary, canaryPercent = :zero, stepIndex = :minus, executionArn = :exec, updatedAt = :now, updatedBy = :who REMOVE claimId, claimedAt, leaseUntil, promotionStartedMs, paused, holdToken, holdReason',
      // A retried start of the same rollout (same releaseId) succeeds again. An A/B test routes the same
      // gateway: no rollout while one is recorded.
      ConditionExpression: '(attribute_not_exists(phase) OR phase IN (:idle, :promoted, :rolledBack) OR (phase = :out AND releaseId = :rid)) AND attribute_not_exists(abTestId)',
      ExpressionAttributeValues: {
        ':out': 'ROLLING_OUT',
        ':rid': s.releaseId,
        ':live': s.liveVersion,
        ':canary': s.canaryVersion,
        ':zero': 0,
        ':minus': -1,
        ':exec': s.executionArn ?? 'manual',
        ':now': s.now,
        ':who': s.who,
        ':idle': 'IDLE',
        ':promoted': 'PROMOTED',
        ':rolledBack': 'ROLLED_BACK',
      },
    });
  }

  /** Record the next step's weight; false when the rollout is no longer running (rolled back, promoted). */
  async setStep(release: string, releaseId: string, canaryPercent: number, stepIndex: number, now: string, nowMs: number): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET canaryPercent = :p, stepIndex = :i, stepStartedMs = :ms, updatedAt = :now',
      ConditionExpression: 'phase = :out AND releaseId = :rid',
      ExpressionAttributeValues: { ':p': canaryPercent, ':i': stepIndex, ':ms': nowMs, ':now': now, ':out': 'ROLLING_OUT', ':rid': releaseId },
    });
  }

  /** Ask the running rollout to hold after its current step's check; false when no rollout runs. */
  async pause(release: string, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET paused = :yes, updatedAt = :now, updatedBy = :who',
      ConditionExpression: 'phase = :out',
      ExpressionAttributeValues: { ':yes': true, ':now': record.when, ':who': record.who, ':out': 'ROLLING_OUT' },
    }, record);
  }

  /** The rollout `releaseId` is holding with this task token; false when it no longer runs. */
  async recordHold(release: string, releaseId: string, taskToken: string, reason: string, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET holdToken = :t, holdReason = :why, updatedAt = :now',
      ConditionExpression: 'phase = :out AND releaseId = :rid',
      ExpressionAttributeValues: { ':t': taskToken, ':why': reason, ':now': record.when, ':out': 'ROLLING_OUT', ':rid': releaseId },
    }, record);
  }

  /** Clear a pause and the hold (only the hold `taskToken`, when given); false when it was already answered. */
  async clearHold(release: string, taskToken: string | undefined, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET updatedAt = :now, updatedBy = :who REMOVE paused, holdToken, holdReason',
      ConditionExpression: taskToken ? 'holdToken = :t' : 'paused = :yes AND attribute_not_exists(holdToken)',
      ExpressionAttributeValues: { ':now': record.when, ':who': record.who, ...(taskToken ? { ':t': taskToken } : { ':yes': true }) },
    }, record);
  }

  /**
   * Claim the rollback. Exactly one claim holds at a time. A caller first resumes its own claim (a retry
   * or a duplicate delivery of the same request: same claimId, nothing rewritten, so all of them share
   * one `claimedAt`); otherwise it takes a new claim when a rollout or promotion is running, when the
   * holder's lease ran out (a claimant that died), or — for `lateSinceMs` — when a promotion finished
   * after that time. With `releaseId`, only that rollout can be claimed: an old execution never rolls
   * back a newer one. Returns the state before the claim, or undefined when nothing could be claimed.
   */
  async claimRollback(release: string, claim: RollbackClaim): Promise<ReleaseState | undefined> {
    const values = { ':back': 'ROLLING_BACK', ':me': claim.claimId } as Record<string, unknown>;
    const resumed = await this.attempt(release, {
      UpdateExpression: 'SET leaseUntil = :lease',
      ConditionExpression: 'phase = :back AND claimId = :me',
      ExpressionAttributeValues: { ...values, ':lease': claim.leaseUntilMs },
      ReturnValues: 'ALL_NEW',
    });
    if (resumed) return stateOf(resumed);
    // DynamoDB refuses redundant parentheses, so the expression is built from only the parts in use.
    const running = 'phase IN (:out, :promoting) OR (phase = :back AND leaseUntil < :nowMs)';
    const claimable = claim.releaseId ? `(${running}) AND releaseId = :rid` : running;
    const condition = claim.lateSinceMs !== undefined ? `${claimable} OR (phase = :promoted AND promotedAtMs >= :late)` : claimable;
    const old = await this.attempt(release, {
      UpdateExpression: 'SET phase = :back, claimId = :me, claimedAt = :now, leaseUntil = :lease, updatedAt = :now',
      ConditionExpression: condition,
      ExpressionAttributeValues: {
        ...values,
        ':lease': claim.leaseUntilMs,
        ':now': claim.now,
        ':nowMs': claim.nowMs,
        ':out': 'ROLLING_OUT',
        ':promoting': 'PROMOTING',
        ...(claim.releaseId ? { ':rid': claim.releaseId } : {}),
        ...(claim.lateSinceMs !== undefined ? { ':promoted': 'PROMOTED', ':late': claim.lateSinceMs } : {}),
      },
      ReturnValues: 'ALL_OLD',
    });
    if (!old) return undefined;
    // The state as it was, stamped with this claim's time.
    return { ...stateOf(old), claimId: claim.claimId, claimedAt: claim.now };
  }

  /**
   * Close a claimed rollback: routing is static live, `live` is on `liveVersion`. The history record is
   * written under the claim's time, so duplicates of one claim leave one record.
   */
  async finishRollback(release: string, claim: { claimId: string; claimedAt: string }, versions: { liveVersion?: string; rolledBackVersion?: string }, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: `SET phase = :done, canaryPercent = :zero, rolledBackVersion = :rb, updatedAt = :now, updatedBy = :who${versions.liveVersion ? ', liveVersion = :live' : ''} REMOVE leaseUntil`,
      // A retry of a write that already landed finds its own finished claim.
      ConditionExpression: 'phase IN (:back, :done) AND claimId = :me',
      ExpressionAttributeValues: {
        ':done': 'ROLLED_BACK',
        ':zero': 0,
        ':rb': versions.rolledBackVersion ?? 'unknown',
        ':now': record.when,
        ':who': record.who,
        ':back': 'ROLLING_BACK',
        ':me': claim.claimId,
        ...(versions.liveVersion ? { ':live': versions.liveVersion } : {}),
      },
    }, record, claim.claimedAt);
  }

  /**
   * Take the right to send the announcement `key` (one per claim or event). Concurrent duplicates race
   * on this write and one wins; `releaseNotification` gives it back when the send failed.
   */
  async claimNotification(release: string, key: string): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET notified = :key',
      ConditionExpression: 'attribute_not_exists(notified) OR notified <> :key',
      ExpressionAttributeValues: { ':key': key },
    });
  }

  async releaseNotification(release: string, key: string): Promise<void> {
    await this.attempt(release, { UpdateExpression: 'REMOVE notified', ConditionExpression: 'notified = :key', ExpressionAttributeValues: { ':key': key } });
  }

  /** ROLLING_OUT → PROMOTING; false when the rollout was stopped meanwhile. A retry keeps the first start time. */
  async beginPromote(release: string, releaseId: string, now: string, nowMs: number): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET phase = :promoting, updatedAt = :now, promotionStartedMs = if_not_exists(promotionStartedMs, :ms)',
      ConditionExpression: '(phase = :out OR phase = :promoting) AND releaseId = :rid',
      ExpressionAttributeValues: { ':promoting': 'PROMOTING', ':out': 'ROLLING_OUT', ':rid': releaseId, ':now': now, ':ms': nowMs },
    });
  }

  /** PROMOTING → PROMOTED: the canary's version is the new last good version. */
  /**
   * PROMOTING → PROMOTED: the canary's version is the new last good version, and the one before is kept
   * for a late alarm. A retry that finds this promotion done writes nothing but its (same) history record.
   */
  async finishPromote(release: string, releaseId: string, newLiveVersion: string, record: HistoryRecord, nowMs: number): Promise<boolean> {
    const current = await this.get(release);
    const sortTime = new Date(current?.promotionStartedMs ?? nowMs).toISOString();
    if (current?.phase === 'PROMOTED' && current.releaseId === releaseId) {
      await this.appendHistory(release, record, sortTime);
      return true;
    }
    return this.update(release, {
      UpdateExpression: 'SET phase = :promoted, previousLiveVersion = liveVersion, liveVersion = :v, canaryPercent = :zero, promotedAtMs = :ms, updatedAt = :now, updatedBy = :who',
      ConditionExpression: 'phase = :promoting AND releaseId = :rid',
      ExpressionAttributeValues: { ':promoted': 'PROMOTED', ':v': newLiveVersion, ':zero': 0, ':now': record.when, ':who': record.who, ':promoting': 'PROMOTING', ':rid': releaseId, ':ms': nowMs },
    }, record, sortTime);
  }

  /**
   * Record the A/B test now routing the release's gateway. Fails (returns false) while a rollout,
   * promotion or rollback is under way, or while another test is recorded; recording the same test again
   * (a retried write) succeeds. A release with no item yet gets one at rest (IDLE, canary 0 %).
   */
  async recordAbTest(release: string, abTestId: string, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET abTestId = :ab, phase = if_not_exists(phase, :idle), canaryPercent = if_not_exists(canaryPercent, :zero), updatedAt = :now, updatedBy = :who',
      ConditionExpression: '(attribute_not_exists(phase) OR phase IN (:idle, :promoted, :rolledBack)) AND (attribute_not_exists(abTestId) OR abTestId = :ab)',
      ExpressionAttributeValues: { ':ab': abTestId, ':idle': 'IDLE', ':zero': 0, ':now': record.when, ':who': record.who, ':promoted': 'PROMOTED', ':rolledBack': 'ROLLED_BACK' },
    }, record);
  }

  /** Forget the recorded A/B test, only if it is `abTestId`; false when another test (or none) is recorded. */
  async clearAbTest(release: string, abTestId: string, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET updatedAt = :now, updatedBy = :who REMOVE abTestId',
      ConditionExpression: 'abTestId = :ab',
      ExpressionAttributeValues: { ':ab': abTestId, ':now': record.when, ':who': record.who },
    }, record);
  }

  /**
   * Append a record under `sortTime` (default: its own time). A record keyed by a stable time (a claim's,
   * a promotion's start) is written once however often the write is repeated.
   */
  async appendHistory(release: string, record: HistoryRecord, sortTime = record.when): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { release, sk: `${HISTORY}${sortTime}#${record.action}#${record.releaseId ?? '-'}`, ...record },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    ).catch((e) => {
      // The same record written twice (a retried call) is fine.
      if (!isConditionFailure(e)) throw e;
    });
  }

  /** Newest first. */
  async history(release: string, limit = 10): Promise<HistoryRecord[]> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#r = :r AND begins_with(sk, :h)',
        ExpressionAttributeNames: { '#r': 'release' },
        ExpressionAttributeValues: { ':r': release, ':h': HISTORY },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map(({ release: _r, sk: _s, ...rest }) => rest as HistoryRecord);
  }
}
