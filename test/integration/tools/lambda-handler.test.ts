import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createToolDeps } from '../../../lambda/shared/deps';
import { createToolHandler, resolveToolName, toolNameFromContext } from '../../../lambda/shared/lambda-handler';
import { TOOL_INVOCATION_METRIC, TOOL_METRICS_NAMESPACE } from '../../../lambda/shared/telemetry';
import { financialGroup } from '../../../lambda/tools/financial/handlers';
import { hrGroup } from '../../../lambda/tools/hr/handlers';
import { itGroup } from '../../../lambda/tools/it/handlers';
import { dispatchTool } from '../../../lambda/tools/dispatch';
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
    await handlerFor()({ employeeId: 'E10001', _caller: { sub: 'sub-alex', role: 'analyst', employeeId: 'E10001' } }, gatewayContext('hr___checkVacationBalance'));
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

describe('the verified caller (the interceptor\'s _caller argument)', () => {
  const employee = { sub: 'sub-priya', role: 'employee', employeeId: 'E10002', userId: 'u20002' };
  const hrStaff = { sub: 'sub-hana', role: 'hr-staff', employeeId: 'E10003', userId: 'u20003' };
  const itStaff = { sub: 'sub-ivan', role: 'it-staff', employeeId: 'E10004', userId: 'u20004' };

  /** A handler whose DynamoDB client records every command it sends. */
  function watchedHandler(group = hrGroup) {
    const client = db.newClient();
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const handler = createToolHandler(group, {
      tools: createToolDeps({ client, tables: db.tables }),
      logger: new Logger({ serviceName: 'tools', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: TOOL_METRICS_NAMESPACE, serviceName: 'tools' }),
    });
    return { handler, sent };
  }

  test('an employee gets their own balance; the tool never sees _caller', async () => {
    const { handler } = watchedHandler();
    expect(await handler({ employeeId: 'E10002', _caller: employee }, gatewayContext('hr___checkVacationBalance'))).toMatchObject({ employeeId: 'E10002', remainingDays: 4 });
  });

  test.each([
    ['hr___checkVacationBalance', { employeeId: 'E10001' }],
    ['hr___createHRTicket', { employeeId: 'E10001', category: 'leave', description: 'Please cancel the leave of my colleague next week.' }],
  ])('an employee naming someone else in %s is FORBIDDEN before any read or write', async (tool, args) => {
    const { handler, sent } = watchedHandler();
    expect(await handler({ ...args, _caller: employee }, gatewayContext(tool))).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: expect.stringMatching(/acts on the caller's own employeeId only: the request names E10001, the signed-in caller is E10002, and role employee may not act for others \(hr-staff may\)/),
        retryable: false,
      },
    });
    expect(sent).toEqual([]);
  });

  test('HR staff act for anyone; IT staff do not act for others in HR', async () => {
    expect(await watchedHandler().handler({ employeeId: 'E10001', _caller: hrStaff }, gatewayContext('hr___checkVacationBalance'))).toMatchObject({ employeeId: 'E10001' });
    expect(await watchedHandler().handler({ employeeId: 'E10001', _caller: itStaff }, gatewayContext('hr___checkVacationBalance'))).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  test('IT self-service: own userId only, unless IT staff; nothing is written for a refused request', async () => {
    const { handler, sent } = watchedHandler(itGroup);
    expect(await handler({ userId: 'u20001', system: 'email', _caller: employee }, gatewayContext('it___resetPassword'))).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await handler({ userId: 'u20001', software: 'zoom', justification: 'Join the weekly client calls of my team.', _caller: employee }, gatewayContext('it___requestSoftwareAccess'))).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(sent).toEqual([]);
    expect(await handler({ userId: 'u20001', _caller: itStaff }, gatewayContext('it___checkVPNStatus'))).toMatchObject({ userId: 'u20001' });
    expect(await handler({ userId: 'u20002', _caller: employee }, gatewayContext('it___checkVPNStatus'))).toMatchObject({ userId: 'u20002' });
  });

  test('an invocation without _caller (not through the interceptor) is refused by self-service tools, not by the others', async () => {
    const { handler, sent } = watchedHandler();
    expect(await handler({ employeeId: 'E10002' }, gatewayContext('hr___checkVacationBalance'))).toEqual({
      error: { code: 'FORBIDDEN', message: 'checkVacationBalance needs the verified caller, and this invocation carries none; it did not come through the tool gateway.', retryable: false },
    });
    expect(await handler({ employeeId: 'E10002', _caller: { role: 'hr-staff' } }, gatewayContext('hr___checkVacationBalance'))).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(sent).toEqual([]);
    expect(await handler({ policyName: 'vacation' }, gatewayContext('hr___getPolicy'))).toMatchObject({ policyName: 'vacation' });
  });

  test('outside the Lambda entry a client cannot pass _caller itself: it is no argument of any tool', async () => {
    const deps = createToolDeps({ client: db.client, tables: db.tables });
    expect(await dispatchTool('hr___checkVacationBalance', { employeeId: 'E10001', _caller: hrStaff }, deps)).toMatchObject({
      error: { code: 'VALIDATION_ERROR', fields: [{ field: '_caller', expected: 'no such argument: remove it' }] },
    });
    expect(await dispatchTool('hr___checkVacationBalance', { employeeId: 'E10001' }, deps, { caller: employee })).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});
