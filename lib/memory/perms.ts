/**
 * What an agent role may do on the session memory, and nothing more: write and read the events of
 * a session, and search long-term records inside the per-user namespace tree. No deletes, no
 * control plane, no `ListActors` (it would enumerate every user), no `GetMemoryRecord` by id
 * (it carries no namespace the condition could check).
 */
export namespace AgentMemoryPerms {
  /** Short-term memory: record and read the turns of a session. */
  export const SESSION_EVENTS = ['bedrock-agentcore:CreateEvent', 'bedrock-agentcore:GetEvent', 'bedrock-agentcore:ListEvents'];
  /** Long-term memory: search records; allowed only under `/users/` by the namespace condition. */
  export const USER_RECORDS = ['bedrock-agentcore:RetrieveMemoryRecords', 'bedrock-agentcore:ListMemoryRecords'];
  /** Condition key that scopes long-term reads to namespaces. */
  export const NAMESPACE_CONDITION_KEY = 'bedrock-agentcore:namespace';
  /** KMS use through the memory service when the memory has a customer-managed key. */
  export const KEY_USE = ['kms:Decrypt', 'kms:GenerateDataKey'];
}
