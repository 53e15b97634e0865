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
  readonly executionArn?: string;
  /** A version that was rolled back; the rollout refuses to start it again without --force. */
  readonly rolledBackVersion?: string;
  /**
   * The A/B test routing the release's gateway (started by `ab-test start`). While it is recorded no
   * rollout starts, and no second test is recorded.
   */
  readonly abTestId?: string;
  readonly claimId?: string;
  readonly leaseUntil?: number;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

/** What one action did; kept forever in the history. */
export interface HistoryRecord {
  readonly action: 'start' | 'step' | 'promote' | 'rollback' | 'ab-start' | 'ab-stop';
  readonly releaseId?: string;
  readonly who: string;
  readonly when: string;
  readonly why: string;
  readonly from: Record<string, string | number | undefined>;
  readonly to: Record<string, string | number | undefined>;
}

const STATE = 'STATE';
const HISTORY = 'HISTORY#';

/** The parts of an UpdateItem on the state item that differ between the store's writes. */
type StateUpdate = Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues' | 'ReturnValues'>;

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

  /** A conditional update, and once it lands the history record (if any); false when the condition does not hold. */
  private async update(release: string, u: StateUpdate, record?: HistoryRecord): Promise<boolean> {
    if (!(await this.attempt(release, u))) return false;
    if (record) await this.appendHistory(release, record);
    return true;
  }

  /** Open a rollout. Fails (returns false) while another rollout or rollback is under way, or an A/B test is recorded. */
  async start(release: string, s: { releaseId: string; liveVersion: string; canaryVersion: string; executionArn?: string; who: string; now: string }): Promise<boolean> {
    return this.update(release, {
      UpdateExpression:
        'SET phase = :out, releaseId = :rid, liveVersion = :live, canaryVersion = :canary, canaryPercent = :zero, stepIndex = :minus, executionArn = :exec, updatedAt = :now, updatedBy = :who REMOVE claimId, leaseUntil',
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
  async setStep(release: string, releaseId: string, canaryPercent: number, stepIndex: number, now: string): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET canaryPercent = :p, stepIndex = :i, updatedAt = :now',
      ConditionExpression: 'phase = :out AND releaseId = :rid',
      ExpressionAttributeValues: { ':p': canaryPercent, ':i': stepIndex, ':now': now, ':out': 'ROLLING_OUT', ':rid': releaseId },
    });
  }

  /**
   * Claim the rollback. Exactly one caller wins per rollout: the condition admits a running rollout, or
   * a rollback whose claimant is this same caller (a retry) or whose lease ran out (a crashed claimant).
   * Returns the state before the claim, or undefined when someone else holds or finished it.
   */
  async claimRollback(release: string, claimId: string, nowMs: number, leaseMs: number, now: string): Promise<ReleaseState | undefined> {
    const old = await this.attempt(release, {
      UpdateExpression: 'SET phase = :back, claimId = :me, leaseUntil = :lease, updatedAt = :now',
      ConditionExpression: 'phase IN (:out, :promoting) OR (phase = :back AND (claimId = :me OR leaseUntil < :nowMs))',
      ExpressionAttributeValues: {
        ':back': 'ROLLING_BACK',
        ':me': claimId,
        ':lease': nowMs + leaseMs,
        ':now': now,
        ':nowMs': nowMs,
        ':out': 'ROLLING_OUT',
        ':promoting': 'PROMOTING',
      },
      ReturnValues: 'ALL_OLD',
    });
    if (!old) return undefined;
    const { sk: _sk, ...rest } = old;
    return rest as unknown as ReleaseState;
  }

  /** Close a claimed rollback: routing is static live, `live` is on the last good version. */
  async finishRollback(release: string, claimId: string, rolledBackVersion: string | undefined, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET phase = :done, canaryPercent = :zero, rolledBackVersion = :rb, updatedAt = :now, updatedBy = :who REMOVE leaseUntil',
      // A retry of a write that already landed finds its own finished claim.
      ConditionExpression: 'phase IN (:back, :done) AND claimId = :me',
      ExpressionAttributeValues: { ':done': 'ROLLED_BACK', ':zero': 0, ':rb': rolledBackVersion ?? 'unknown', ':now': record.when, ':who': record.who, ':back': 'ROLLING_BACK', ':me': claimId },
    }, record);
  }

  /** ROLLING_OUT → PROMOTING; false when the rollout was stopped meanwhile. */
  async beginPromote(release: string, releaseId: string, now: string): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET phase = :promoting, updatedAt = :now',
      ConditionExpression: '(phase = :out OR phase = :promoting) AND releaseId = :rid',
      ExpressionAttributeValues: { ':promoting': 'PROMOTING', ':out': 'ROLLING_OUT', ':rid': releaseId, ':now': now },
    });
  }

  /** PROMOTING → PROMOTED: the canary's version is the new last good version. */
  async finishPromote(release: string, releaseId: string, newLiveVersion: string, record: HistoryRecord): Promise<boolean> {
    return this.update(release, {
      UpdateExpression: 'SET phase = :promoted, liveVersion = :v, canaryPercent = :zero, updatedAt = :now, updatedBy = :who',
      ConditionExpression: 'phase IN (:promoting, :promoted) AND releaseId = :rid',
      ExpressionAttributeValues: { ':promoted': 'PROMOTED', ':v': newLiveVersion, ':zero': 0, ':now': record.when, ':who': record.who, ':promoting': 'PROMOTING', ':rid': releaseId },
    }, record);
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

  async appendHistory(release: string, record: HistoryRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { release, sk: `${HISTORY}${record.when}#${record.action}#${record.releaseId ?? '-'}`, ...record },
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
