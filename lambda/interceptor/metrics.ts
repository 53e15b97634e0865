/** The interceptor's audit decisions and the CloudWatch metric each is counted under. Plain data. */

export type AuditDecision = 'forwarded' | 'rate_limited' | 'rejected_malformed' | 'rejected_unauthenticated' | 'limiter_unavailable' | 'completed' | 'tool_error' | 'denied';

/** CloudWatch metric (namespace {@link METRICS_NAMESPACE}, dimension `service`) counted per audit decision. */
export const DECISION_METRICS: Readonly<Record<AuditDecision, string>> = {
  forwarded: 'ToolCallsForwarded',
  rate_limited: 'RateLimited',
  rejected_malformed: 'RejectedMalformed',
  rejected_unauthenticated: 'RejectedUnauthenticated',
  limiter_unavailable: 'LimiterUnavailable',
  completed: 'ToolCallsCompleted',
  tool_error: 'ToolErrors',
  denied: 'Denied',
};
export const METRICS_NAMESPACE = 'AgentCoreKit/Gateway';
