import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AgentObservability, type AgentObservabilityProps } from '../../../lib/observability';
import { ACCOUNT, dashboardWidgets, importedGateway, importedMemory, importedRuntime, REGION, testStack, widget } from './helpers';

const THRESHOLDS = { errorRatePercent: 2, latencyP95Ms: 6000, throttles: 1, policyDenialsPer5Min: 20, evaluationScoreMin: 0.85, evaluationPeriods: 3 };

function build(over: Partial<AgentObservabilityProps> = {}) {
  const stack = testStack();
  const props: AgentObservabilityProps = {
    environmentName: 'prod',
    agents: [
      { name: 'financial', runtime: importedRuntime(stack, 'financial_analytics_prod'), prices: { inputPricePer1k: 0.003, outputPricePer1k: 0.015 }, modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
      { name: 'hr', runtime: importedRuntime(stack, 'hr_policy_assistant_prod'), prices: { inputPricePer1k: 0.001, outputPricePer1k: 0.005 } },
    ],
    logRetentionDays: 365,
    alarms: THRESHOLDS,
    gateway: { name: 'tools', gateway: importedGateway(stack) },
    memories: [{ name: 'agents', memory: importedMemory(stack) }],
    tools: [
      { name: 'getQuarterlyRevenue', target: 'financial' },
      { name: 'checkVacationBalance', target: 'hr' },
    ],
    alarmEmail: 'oncall@example.com',
    removalPolicy: RemovalPolicy.RETAIN,
    ...over,
  };
  const obs = new AgentObservability(stack, 'Observability', props);
  let template: Template | undefined;
  return {
    stack,
    obs,
    get template() {
      return (template ??= Template.fromStack(stack));
    },
  };
}

describe('log and trace delivery', () => {
  const { template } = build({ deliverRuntimeTelemetry: true });

  test('log groups are KMS-encrypted, retained and kept for the configured days', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 4);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/bedrock-agentcore/prod/gateway/tools',
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeliveryKey'), 'Arn'] },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/aws/vendedlogs/bedrock-agentcore/prod/runtime/financial' }, DeletionPolicy: 'Retain' });
  });

  test('the key lets CloudWatch Logs use it only for these log groups, and rotates', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsAgentCore',
            Principal: { Service: `logs.${REGION}.amazonaws.com` },
            Condition: {
              ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/bedrock-agentcore/prod/*`]] } },
            },
          }),
        ]),
      },
    });
  });

  test('application logs of runtimes, gateway and memory, usage logs of runtimes, traces of all to X-Ray', () => {
    const sources = Object.values(template.findResources('AWS::Logs::DeliverySource')).map((r) => (r as { Properties: { LogType: string; ResourceArn: string } }).Properties);
    const byType = (t: string) => sources.filter((s) => s.LogType === t).map((s) => s.ResourceArn).sort();
    expect(byType('APPLICATION_LOGS')).toEqual([
      `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:gateway/tools-abcdefghij`,
      `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:memory/agents-abcdefghij`,
      `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/financial_analytics_prod-AbCdEf1234`,
      `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/hr_policy_assistant_prod-AbCdEf1234`,
    ]);
    expect(byType('USAGE_LOGS')).toHaveLength(2);
    expect(byType('TRACES')).toHaveLength(4);
    template.resourcePropertiesCountIs('AWS::Logs::DeliveryDestination', { DeliveryDestinationType: 'XRAY' }, 4);
    template.hasResourceProperties('AWS::Logs::DeliveryDestination', { DeliveryDestinationType: 'CWL' });
    template.resourceCountIs('AWS::Logs::Delivery', 10);
    template.resourceCountIs('AWS::XRay::ResourcePolicy', 1);
  });

  test('runtimeProps gives a Runtime tracing and both log types to its own log group', () => {
    const { obs } = build();
    const props = obs.delivery.runtimeProps('it');
    expect(props.tracingEnabled).toBe(true);
    expect(props.loggingConfigs?.map((c) => c.logType.value)).toEqual(['APPLICATION_LOGS', 'USAGE_LOGS']);
    expect(Object.keys(obs.delivery.logGroups)).toContain('runtime/it');
  });

  test('a retention CloudWatch does not offer is rejected by name', () => {
    expect(() => build({ logRetentionDays: 45 })).toThrow(/retentionDays: 45 is not a CloudWatch Logs retention period; expected one of 1, 3, 5, 7, 14, 30, 60, 90/);
  });
});

describe('Transaction Search and OTLP export', () => {
  test('Transaction Search is enabled after the resource policy that lets X-Ray write spans', () => {
    const { template } = build({ transactionSearch: { indexingPercentage: 5 } });
    template.hasResourceProperties('AWS::XRay::TransactionSearchConfig', { IndexingPercentage: 5 });
    const [policyId] = Object.keys(template.findResources('AWS::Logs::ResourcePolicy', { Properties: { PolicyName: Match.stringLikeRegexp('TransactionSearch') } }));
    template.hasResource('AWS::XRay::TransactionSearchConfig', { DependsOn: Match.arrayWith([policyId]) });
    const doc = JSON.parse(
      (template.findResources('AWS::Logs::ResourcePolicy')[policyId] as { Properties: { PolicyDocument: { 'Fn::Join': [string, unknown[]] } } }).Properties.PolicyDocument['Fn::Join'][1]
        .map((p) => (typeof p === 'string' ? p : 'aws'))
        .join(''),
    );
    expect(doc.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'xray.amazonaws.com' },
        Action: 'logs:PutLogEvents',
        Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:aws/spans:*`, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/application-signals/data:*`],
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:xray:${REGION}:${ACCOUNT}:*` }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      }),
    ]);
  });

  test('Transaction Search is not managed unless asked (one per account)', () => {
    build().template.resourceCountIs('AWS::XRay::TransactionSearchConfig', 0);
  });

  test('OTLP export surfaces the secret ARN to runtimes and grants read on that secret only', () => {
    const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:otlp/datadog-AbC123`;
    const { obs, stack } = build({ otlpExportSecretArn: secretArn });
    expect(obs.runtimeEnvironment()).toEqual({ AGENT_OBSERVABILITY_ENABLED: 'true', OTLP_EXPORT_SECRET_ARN: secretArn });
    const role = new iam.Role(stack, 'AgentRole', { assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com') });
    obs.grantTelemetryExport(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: secretArn }] },
    });
  });

  test('a malformed OTLP secret ARN is rejected by name', () => {
    expect(() => build({ otlpExportSecretArn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/otlp' })).toThrow(/secretArn: "arn:aws:ssm:.*" is not a Secrets Manager secret ARN/);
  });
});

describe('dashboards', () => {
  const { template } = build({
    evaluationScores: [{ label: 'financial live helpfulness', metric: new cloudwatch.Metric({ namespace: 'Bedrock-AgentCore/Evaluations', metricName: 'Builtin.Helpfulness', dimensionsMap: { 'service.name': 'financial_analytics_prod.live' }, statistic: 'Average' }) }],
  });

  test('one environment dashboard and one across agents', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 2);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'prod-operations' });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'prod-agents-overview' });
  });

  test('invocations of live and canary side by side, by endpoint dimension', () => {
    const w = widget(dashboardWidgets(template, 'prod-operations'), 'financial: invocations (live vs canary)');
    expect(w.properties.metrics).toEqual([
      ['AWS/Bedrock-AgentCore', 'Invocations', 'Name', 'financial_analytics_prod::live', 'Operation', 'InvokeAgentRuntime', 'Resource', expect.stringContaining('runtime/financial_analytics_prod'), expect.objectContaining({ label: 'financial live', stat: 'Sum' })],
      ['AWS/Bedrock-AgentCore', 'Invocations', 'Name', 'financial_analytics_prod::canary', 'Operation', 'InvokeAgentRuntime', 'Resource', expect.any(String), expect.objectContaining({ label: 'financial canary', stat: 'Sum' })],
    ]);
  });

  test('latency p50/p95/p99 per endpoint', () => {
    const w = widget(dashboardWidgets(template, 'prod-operations'), 'hr: latency p50/p95/p99 (ms)');
    const stats = (w.properties.metrics as unknown[][]).map((m) => `${m[3]} ${(m.at(-1) as { stat: string }).stat}`);
    expect(stats).toEqual(['hr_policy_assistant_prod::live p50', 'hr_policy_assistant_prod::live p95', 'hr_policy_assistant_prod::live p99', 'hr_policy_assistant_prod::canary p50', 'hr_policy_assistant_prod::canary p95', 'hr_policy_assistant_prod::canary p99']);
  });

  test('errors (system + user) and throttles per endpoint', () => {
    const w = widget(dashboardWidgets(template, 'prod-operations'), 'financial: errors and throttles');
    const metrics = w.properties.metrics as unknown[][];
    expect(metrics.filter((m) => typeof (m[0] as { expression?: string }).expression === 'string').map((m) => (m[0] as { expression: string }).expression)).toEqual(['FILL(sys_financial_live, 0) + FILL(usr_financial_live, 0)', 'FILL(sys_financial_canary, 0) + FILL(usr_financial_canary, 0)']);
    expect(metrics.filter((m) => m[1] === 'SystemErrors').map((m) => m[3])).toEqual(['financial_analytics_prod::live', 'financial_analytics_prod::canary']);
    expect(metrics.filter((m) => m[1] === 'Throttles').map((m) => [m[3], (m.at(-1) as { yAxis: string }).yAxis])).toEqual([
      ['financial_analytics_prod::live', 'right'],
      ['financial_analytics_prod::canary', 'right'],
    ]);
  });

  test('token usage in/out and estimated cost use the agent metrics and the prices from props', () => {
    const widgets = dashboardWidgets(template, 'prod-operations');
    const tokens = widget(widgets, 'financial: tokens in/out').properties.metrics as unknown[][];
    expect(tokens.map((m) => m.slice(0, 4))).toEqual([
      ['AgentCoreKit/Agents', 'InputTokens', 'agent', 'financial'],
      ['AgentCoreKit/Agents', 'OutputTokens', 'agent', 'financial'],
    ]);
    const cost = widget(widgets, 'hr: estimated cost (USD, 24 h)').properties.metrics as unknown[][];
    expect(cost[0][0]).toEqual(expect.objectContaining({ expression: 'FILL(in_hr_, 0) / 1000 * 0.001 + FILL(out_hr_, 0) / 1000 * 0.005', label: 'hr est. cost (USD)' }));
  });

  test('tool invocations and failures per tool', () => {
    const widgets = dashboardWidgets(template, 'prod-operations');
    const ok = widget(widgets, 'Tool invocations (success)').properties.metrics as unknown[][];
    expect(ok.map((m) => m.slice(0, 8))).toEqual([
      ['AgentCoreKit/Tools', 'ToolInvocation', 'outcome', 'SUCCESS', 'service', 'tools-financial', 'tool', 'getQuarterlyRevenue'],
      ['AgentCoreKit/Tools', 'ToolInvocation', 'outcome', 'SUCCESS', 'service', 'tools-hr', 'tool', 'checkVacationBalance'],
    ]);
    const failed = widget(widgets, 'Tool failures (any error outcome)').properties.metrics as { expression: string }[][];
    expect(failed[0][0].expression).toBe(`SUM(SEARCH('{AgentCoreKit/Tools,outcome,service,tool} tool="getQuarterlyRevenue" NOT outcome="SUCCESS" MetricName="ToolInvocation"', 'Sum', 300))`);
  });

  test('policy denials, gateway, memory operations and evaluation scores have their sections', () => {
    const widgets = dashboardWidgets(template, 'prod-operations');
    const policy = widget(widgets, 'Policy decisions: denials vs allows').properties.metrics as { expression: string }[][];
    expect(policy.map((m) => m[0].expression)).toEqual(['SELECT SUM(DenyDecisions) FROM "AWS/Bedrock-AgentCore"', 'SELECT SUM(AllowDecisions) FROM "AWS/Bedrock-AgentCore"']);
    const memory = widget(widgets, 'Memory operations').properties.metrics as unknown[][];
    expect(memory.filter((m) => m[1] === 'Invocations').map((m) => m[m.indexOf('Operation') + 1])).toEqual(['CreateEvent', 'ListEvents', 'RetrieveMemoryRecords']);
    const gateway = widget(widgets, 'Gateway invocations and errors').properties.metrics as unknown[][];
    expect(gateway.map((m) => m[1])).toEqual(['Invocations', 'SystemErrors', 'UserErrors', 'Throttles']);
    const scores = widget(widgets, 'Evaluation scores (0–1)').properties.metrics as unknown[][];
    expect(scores[0].slice(0, 4)).toEqual(['Bedrock-AgentCore/Evaluations', 'Builtin.Helpfulness', 'service.name', 'financial_analytics_prod.live']);
  });

  test('the overview puts every agent on the same graphs', () => {
    const widgets = dashboardWidgets(template, 'prod-agents-overview');
    const inv = widget(widgets, 'Invocations per agent and endpoint').properties.metrics as unknown[][];
    expect(inv.map((m) => m[3])).toEqual(['financial_analytics_prod::live', 'financial_analytics_prod::canary', 'hr_policy_assistant_prod::live', 'hr_policy_assistant_prod::canary']);
    const cost = widget(widgets, 'Estimated cost per agent (USD per 5 min)').properties.metrics as { label?: string; expression?: string }[][];
    expect(cost.filter((m) => m[0].expression).map((m) => m[0].label)).toEqual(['financial est. cost (USD)', 'hr est. cost (USD)']);
    widget(widgets, 'Evaluation scores per agent (0–1)');
    const models = widget(widgets, 'Bedrock tokens per model (in / out)').properties.metrics as unknown[][];
    expect(models.map((m) => m.slice(0, 4))).toEqual([
      ['AWS/Bedrock', 'InputTokenCount', 'ModelId', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
      ['AWS/Bedrock', 'OutputTokenCount', 'ModelId', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ]);
  });
});

describe('alarms', () => {
  const { template, obs } = build({
    evaluationScores: [{ label: 'financial canary correctness', metric: new cloudwatch.Metric({ namespace: 'Bedrock-AgentCore/Evaluations', metricName: 'Builtin.Correctness', statistic: 'Average' }) }],
  });

  test('error rate, p95 latency and throttles per agent endpoint with thresholds from props', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-financial-canary-error-rate',
      Threshold: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(inv_financial_canary > 0, 100 * (FILL(sys_financial_canary, 0) + FILL(usr_financial_canary, 0)) / inv_financial_canary, 0)' })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-hr-live-latency-p95',
      Threshold: 6000,
      Metrics: [
        Match.objectLike({
          MetricStat: Match.objectLike({
            Stat: 'p95',
            Period: 60,
            Metric: Match.objectLike({ MetricName: 'Latency', Dimensions: Match.arrayWith([{ Name: 'Name', Value: 'hr_policy_assistant_prod::live' }]) }),
          }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-hr-canary-throttles',
      Threshold: 1,
      Metrics: [Match.objectLike({ MetricStat: Match.objectLike({ Stat: 'Sum', Metric: Match.objectLike({ MetricName: 'Throttles' }) }) })],
    });
  });

  test('policy denials per 5 minutes, tool failures and minimum evaluation score', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-policy-denials',
      Threshold: 20,
      Metrics: [Match.objectLike({ Expression: 'SELECT SUM(DenyDecisions) FROM "AWS/Bedrock-AgentCore"', Period: 300 })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-tool-getQuarterlyRevenue-failures',
      Metrics: [Match.objectLike({ Expression: `SELECT SUM(ToolInvocation) FROM SCHEMA("AgentCoreKit/Tools", outcome, service, tool) WHERE tool = 'getQuarterlyRevenue' AND outcome != 'SUCCESS'` })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'prod-score-financial-canary-correctness', Threshold: 0.85, ComparisonOperator: 'LessThanThreshold', MetricName: 'Builtin.Correctness' });
  });

  test('every alarm notifies the KMS-encrypted topic, which has the email subscription', () => {
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    const topicArn = { Ref: topicId };
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    // 2 agents × 2 endpoints × 3 + policy + 2 tools + 1 score
    expect(Object.keys(alarms)).toHaveLength(16);
    for (const a of Object.values(alarms) as { Properties: { AlarmActions: unknown[] } }[]) expect(a.Properties.AlarmActions).toEqual([topicArn]);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'prod-agent-alarms', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' } })]) } });
  });

  test('composites per endpoint are exposed for the rollback', () => {
    expect(Object.keys(obs.alarms.composites).sort()).toEqual(['canary', 'live']);
    const rule = (template.findResources('AWS::CloudWatch::CompositeAlarm', { Properties: { AlarmName: 'prod-canary-health' } }) as Record<string, { Properties: { AlarmRule: { 'Fn::Join': [string, unknown[]] } } }>);
    const [composite] = Object.values(rule);
    const text = composite.Properties.AlarmRule['Fn::Join'][1].filter((p) => typeof p === 'string').join('');
    expect(text.match(/ALARM\(/g)).toHaveLength(6);
    const health = obs.alarms.endpointHealth('financial', 'canary');
    expect([health.errorRate, health.latencyP95, health.throttles].map((a) => a.node.id)).toEqual(['financial-canary-ErrorRate', 'financial-canary-LatencyP95', 'financial-canary-Throttles']);
    expect(() => obs.alarms.endpointHealth('financial', 'blue')).toThrow('endpointHealth: no alarms for agent "financial" endpoint "blue"; alarmed endpoints: live, canary');
  });

  test('bad thresholds are all reported at once', () => {
    expect(() => build({ alarms: { ...THRESHOLDS, errorRatePercent: 120, evaluationScoreMin: 1.5, evaluationPeriods: 0 } })).toThrow(
      /3 problems:[\s\S]*thresholds\.errorRatePercent: 120 is out of range; expected 0–100[\s\S]*thresholds\.evaluationScoreMin: 1\.5[\s\S]*thresholds\.evaluationPeriods: 0/,
    );
  });
});
