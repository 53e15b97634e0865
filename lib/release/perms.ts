/** IAM actions of the release constructs, in one place. */

/** The HTTP gateway invoking the agent runtime's endpoints. */
export const GATEWAY_INVOKE_RUNTIME = ['bedrock-agentcore:InvokeAgentRuntime'];

/** Reading and switching the routing rule. */
export const RULE_READ = ['bedrock-agentcore:GetGatewayRule'];
export const RULE_WRITE = ['bedrock-agentcore:UpdateGatewayRule'];

/** Reading and pinning runtime endpoints. */
export const ENDPOINT_READ = ['bedrock-agentcore:GetAgentRuntimeEndpoint'];
export const ENDPOINT_WRITE = ['bedrock-agentcore:UpdateAgentRuntimeEndpoint'];

/** Alarm states for the health check (DescribeAlarms has no resource-level permissions). */
export const ALARM_READ = ['cloudwatch:DescribeAlarms'];
/** Stopping an A/B test (UpdateABTest with executionStatus STOPPED). */
export const AB_TEST_STOP = ['bedrock-agentcore:UpdateABTest'];
