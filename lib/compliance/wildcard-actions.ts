/**
 * Actions that only accept `Resource: "*"` (the service has no resource-level permissions for them),
 * each with the reason. The IAM check allows `"*"` in a statement only when every action of the
 * statement is listed here. Extend it per call with `checkIamPolicies(templates, { allowWildcardResource })`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const WILDCARD_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions for sending segments',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions for telemetry',
  'xray:GetSamplingRules': 'X-Ray sampling rules are read account-wide by the tracing SDK',
  'xray:GetSamplingTargets': 'X-Ray sampling targets are read account-wide by the tracing SDK',
  'xray:PutSpans': 'X-Ray has no resource-level permissions for sending OpenTelemetry spans (OTLP endpoint)',
  'xray:PutSpansForIndexing': 'X-Ray has no resource-level permissions for indexing OpenTelemetry spans (Transaction Search)',
  'cloudwatch:PutMetricData': 'CloudWatch has no resource-level permissions for PutMetricData; scope with the cloudwatch:namespace condition',
  'cloudwatch:GetMetricData': 'CloudWatch has no resource-level permissions for GetMetricData',
  'ecr:GetAuthorizationToken': 'the ECR token is account-wide; image pulls are scoped to repositories separately',
  'ssm:DescribeParameters': 'SSM has no resource-level permissions for DescribeParameters',
  'logs:DescribeResourcePolicies': 'CloudWatch Logs resource policies are account-level (Transaction Search and vended-log set-up)',
  'logs:CreateLogDelivery': 'vended log deliveries (Step Functions, AgentCore logging) have no resource-level permissions',
  'logs:GetLogDelivery': 'vended log deliveries (Step Functions, AgentCore logging) have no resource-level permissions',
  'logs:UpdateLogDelivery': 'vended log deliveries (Step Functions, AgentCore logging) have no resource-level permissions',
  'logs:DeleteLogDelivery': 'vended log deliveries (Step Functions, AgentCore logging) have no resource-level permissions',
  'logs:ListLogDeliveries': 'vended log deliveries (Step Functions, AgentCore logging) have no resource-level permissions',
  'logs:DescribeLogGroups': 'listed on "*" by the Step Functions logging set-up, which checks the destination group exists; read-only metadata',
  'logs:DescribeIndexPolicies': 'no resource-level permissions (Service Authorization Reference); online evaluation reads the aws/spans index policy',
  'logs:PutIndexPolicy': 'no resource-level permissions (Service Authorization Reference); online evaluation sets the aws/spans index policy',
  'logs:PutResourcePolicy': 'CloudWatch Logs resource policies are account-level (Transaction Search and vended-log set-up)',
  'xray:UpdateTraceSegmentDestination': 'the X-Ray segment destination is an account setting (Transaction Search)',
  'xray:GetTraceSegmentDestination': 'the X-Ray segment destination is an account setting (Transaction Search)',
  'xray:UpdateIndexingRule': 'X-Ray indexing rules are an account setting (Transaction Search sampling)',
  'xray:GetIndexingRules': 'X-Ray indexing rules are an account setting (Transaction Search sampling)',
};
