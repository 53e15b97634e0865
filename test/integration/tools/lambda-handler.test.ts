import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createToolDeps } from '../../../lambda/shared/deps';
import { createToolHandler, resolveToolName, toolNameFromContext } from '../../../lambda/shared/lambda-handler';
import { TOOL_INVOCATION_METRIC, TOOL_METRICS_NAMESPACE } from '../../../lambda/shared/telemetry';
import { financialGroup } from '../../../lambda/tools/financial/handlers';
import { hrGroup } from '../../../lambda/tools/hr/handlers';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

/** A Lambda context as the gateway sends it: the tool name in clientContext.custom. */
function gatewayContext(toolName?: string): Context {
  return {
    functionName: 'tools-hr',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:tools-hr:live',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/tools-hr',
    logStreamName: 's',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...(toolName ? { clientContext: { client: {} as never, env: {} as never, custom: { bedrockAgentCoreToolName: toolName } } } : {}),
  } as Context;
}

let db: LocalDynamo;
let emitted: string[];
let writeSpy: jest.SpyInstance;
beforeAll(async () => {
  db = await startDynalite({ seed: true });
});
afterAll(() => db.stop());
beforeEach(() => {
  emitted = [];
  writeSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    emitted.push(String(chunk));
    return true;
  });
});
afterEach(() => writeSpy.mockRestore());

function handlerFor(group = hrGroup) {
  return createToolHandler(group, {
    tools: createToolDeps({ client: db.client, tables: db.tables }),
    logger: new Logger({ serviceName: 'tools-hr', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: TOOL_METRICS_NAMESPACE, serviceName: 'tools-hr' }),
  });
}

/** The EMF documents written to stdout. */
function emfRecords(): Record<string, unknown>[] {
  return emitted
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));
}

describe('gateway context parsing', () => {
  test('reads <target>___<tool> from clientContext.custom.bedrockAgentCoreToolName', () => {
    expect(toolNameFromContext(gatewayContext('hr___getPolicy'))).toBe('hr___getPolicy');
    expect(resolveToolName(hrGroup, 'hr___getPolicy')).toEqual({ tool: 'getPolicy' });
  });

  test('a missing context or tool name is undefined', () => {
    expect(toolNameFromContext(gatewayContext())).toBeUndefined();
    expect(toolNameFromContext(undefined)).toBeUndefined();
  });

  test('a tool of another target is refused with the expected form', () => {
    const { failure } = resolveToolName(hrGroup, 'financial___getQuarterlyRevenue');
    expect(failure?.toResult()).toMatchObject({
      error: { code: 'VALIDATION_ERROR', fields: [{ field: '(tool name)', expected: expect.stringContaining('hr___<tool>') }] },
    });
  });
});

describe('Lambda handler', () => {
  test('the event is the arguments; the result is the tool output', async () => {
    const result = await handlerFor()({ policyName: 'remote-work' }, gatewayContext('hr___getPolicy'));
    expect(result).toMatchObject({ policyName: 'remote-work', title: 'Remote Work Policy' });
  });

  test('one metric per invocation with dimensions tool and outcome', async () => {
    await handlerFor()({ employeeId: 'E10001' }, gatewayContext('hr___checkVacationBalance'));
    const records = emfRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: TOOL_METRICS_NAMESPACE, Dimensions: [['service', 'tool', 'outcome']], Metrics: [{ Name: TOOL_INVOCATION_METRIC, Unit: 'Count' }] }] },
      service: 'tools-hr',
      tool: 'checkVacationBalance',
      outcome: 'SUCCESS',
      [TOOL_INVOCATION_METRIC]: 1,
    });
  });

  test('a failed invocation records the error code as outcome and returns the error contract', async () => {
    const result = await handlerFor()({ employeeId: 'E1' }, gatewayContext('hr___checkVacationBalance'));
    expect(result).toMatchObject({ error: { code: 'VALIDATION_ERROR', fields: [{ field: 'employeeId' }] } });
    expect(emfRecords()).toEqual([expect.objectContaining({ tool: 'checkVacationBalance', outcome: 'VALIDATION_ERROR' })]);
  });

  test('a missing tool name is a validation error, counted under tool "(missing)"', async () => {
    const result = await handlerFor(financialGroup)({ region: 'EMEA', quarter: '2024-Q3' }, gatewayContext());
    expect(result).toMatchObject({ error: { code: 'VALIDATION_ERROR', message: 'The tool name is missing from the invocation context.' } });
    expect(emfRecords()).toEqual([expect.objectContaining({ tool: '(missing)', outcome: 'VALIDATION_ERROR' })]);
  });
});
