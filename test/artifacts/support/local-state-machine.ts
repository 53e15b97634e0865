/**
 * Runs a state machine definition taken from a synthesized template with a real Amazon States Language
 * interpreter (aws-local-stepfunctions), binding each Lambda task to local code by the function it names.
 * Waits and retry intervals are shortened; everything else — paths, parameters, Retry, Catch, Choice,
 * Map — runs as written in the template.
 */

// aws-local-stepfunctions declares Node ≥ 22 and uses Promise.withResolvers, which Node 20 lacks.
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine, ExecutionAbortedError, ExecutionTimeoutError } = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** The ARN a resource gets in these tests: stable, and naming its logical id. */
export function fakeArn(template: Template, logicalId: string): string {
  const type = template.Resources[logicalId]?.Type ?? 'Unknown';
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${logicalId}`;
    case 'AWS::CloudWatch::CompositeAlarm':
    case 'AWS::CloudWatch::Alarm':
      return `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${logicalId}`;
    default:
      return `arn:aws:fake:${REGION}:${ACCOUNT}:${logicalId}`;
  }
}

/** Replace Ref / Fn::GetAtt / Fn::Join / pseudo parameters with the fake values above. */
export function resolveTokens(template: Template, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveTokens(template, v));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Ref' in o) {
    const ref = o.Ref as string;
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
    return pseudo[ref] ?? fakeArn(template, ref);
  }
  if ('Fn::GetAtt' in o) return fakeArn(template, (o['Fn::GetAtt'] as string[])[0]);
  if ('Fn::ImportValue' in o) return `imported-${JSON.stringify(resolveTokens(template, o['Fn::ImportValue'])).replace(/\W+/g, '-')}`;
  if ('Fn::Select' in o) {
    const [i, list] = o['Fn::Select'] as [number, unknown];
    return (resolveTokens(template, list) as unknown[])[i];
  }
  if ('Fn::Split' in o) {
    const [sep, value] = o['Fn::Split'] as [string, unknown];
    return String(resolveTokens(template, value)).split(sep);
  }
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveTokens(template, p)).join(sep);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveTokens(template, v)]));
}

export interface StateMachineArtifact {
  readonly logicalId: string;
  readonly arn: string;
  /** The definition as deployed: DefinitionString with substitutions resolved. */
  readonly definition: Record<string, any>;
}

/** Every state machine of a template, its definition parsed from the synthesized DefinitionString. */
export function stateMachinesOf(template: Template): StateMachineArtifact[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, r]) => {
      const subs = resolveTokens(template, r.Properties?.DefinitionSubstitutions ?? {}) as Record<string, string>;
      let text = resolveTokens(template, r.Properties?.DefinitionString) as string;
      for (const [k, v] of Object.entries(subs)) text = text.split('${' + k + '}').join(v);
      return { logicalId, arn: fakeArn(template, logicalId), definition: JSON.parse(text) };
    });
}

/** Every state of a definition, nested Map and Parallel states included. */
function allStates(definition: Record<string, any>): Array<[string, Record<string, any>]> {
  const out: Array<[string, Record<string, any>]> = [];
  const walk = (d: Record<string, any>) => {
    for (const [name, state] of Object.entries(d.States ?? {}) as Array<[string, Record<string, any>]>) {
      out.push([name, state]);
      if (state.ItemProcessor) walk(state.ItemProcessor);
      if (state.Iterator) walk(state.Iterator);
      for (const b of state.Branches ?? []) walk(b);
    }
  };
  walk(definition);
  return out;
}

/** Task state name → the logical id of the Lambda function its Resource names. */
export function taskFunctions(definition: Record<string, any>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    // A direct function ARN, or the Lambda service integration naming it in its parameters.
    const arn = String(/:function:/.test(String(state.Resource)) ? state.Resource : (state.Parameters?.FunctionName ?? state.Resource ?? ''));
    const match = /:function:([^:]+)/.exec(arn);
    if (!match) throw new Error(`task ${name}: resource ${arn} is not a Lambda function ARN; bind it explicitly`);
    m.set(name, match[1]);
  }
  return m;
}

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionResult {
  readonly name: string;
  readonly arn: string;
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** Names of the states entered, in order. */
  readonly states: string[];
}

export interface RunningExecution {
  readonly name: string;
  readonly arn: string;
  abort(): void;
  readonly done: Promise<ExecutionResult>;
}

/** A Lambda function as a task sees it: JSON in, JSON out, an error's `name` is its error type. */
export type TaskFunction = (input: JSONValue, state: string) => Promise<unknown>;

export interface RunOptions {
  readonly name: string;
  readonly input?: JSONValue;
  /** Milliseconds each Wait state takes. @default 0 */
  readonly waitMs?: number;
  /**
   * A `.waitForTaskToken` task: after its function returns, the execution waits for this promise (the
   * answer a SendTaskSuccess would carry; a rejection is a SendTaskFailure).
   * @default - such a task fails
   */
  readonly waitForToken?: (token: string, state: string) => Promise<unknown>;
}

/** Start one execution; functions are bound by logical id. */
export function startExecution(sm: StateMachineArtifact, functions: Record<string, TaskFunction>, opts: RunOptions): RunningExecution {
  const tasks = taskFunctions(sm.definition);
  const taskResourceLocalHandlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  const states = allStates(sm.definition);
  const token = `task-token-${opts.name}`;
  for (const [state, fnId] of tasks) {
    const fn = functions[fnId];
    if (!fn) throw new Error(`task ${state} invokes ${fnId}, which is not bound`);
    const resource = String(states.find(([n]) => n === state)![1].Resource);
    if (resource.endsWith('.waitForTaskToken')) {
      // The integration passes `Payload` to the function, then the execution waits for the token's answer.
      taskResourceLocalHandlers[state] = async (input) => {
        await fn((input as { Payload: JSONValue }).Payload, state);
        if (!opts.waitForToken) throw new Error(`task ${state} waits for a task token, and no answer is bound`);
        return (await opts.waitForToken(token, state)) as JSONValue;
      };
    } else {
      taskResourceLocalHandlers[state] = async (input) => (await fn(input, state)) as JSONValue;
    }
  }
  const waitTimeOverrides = Object.fromEntries(states.filter(([, s]) => s.Type === 'Wait').map(([n]) => [n, opts.waitMs ?? 0]));
  const retryIntervalOverrides = Object.fromEntries(states.filter(([, s]) => s.Retry).map(([n]) => [n, 0]));
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${sm.logicalId}:${opts.name}`;
  const machine = new StateMachine(sm.definition as never, { validationOptions: { checkArn: false, checkPaths: true } });
  const execution = machine.run(opts.input ?? {}, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    context: { Execution: { Id: arn, Name: opts.name, Input: opts.input ?? {}, StartTime: new Date().toISOString(), RoleArn: `arn:aws:iam::${ACCOUNT}:role/sfn` }, Task: { Token: token } } as never,
  });
  const entered: string[] = [];
  const logs = (async () => {
    for await (const e of execution.eventLogs) if (e.type === 'StateEntered') entered.push(e.state.name);
  })();
  const done = execution.result.then(
    (output): ExecutionResult => ({ name: opts.name, arn, status: 'SUCCEEDED', output, states: entered }),
    (e: unknown): ExecutionResult => {
      if (e instanceof ExecutionAbortedError) return { name: opts.name, arn, status: 'ABORTED', states: entered };
      if (e instanceof ExecutionTimeoutError) return { name: opts.name, arn, status: 'TIMED_OUT', states: entered };
      const cause = (e as { cause?: { name?: string; message?: string } }).cause;
      return { name: opts.name, arn, status: 'FAILED', error: cause?.name ?? (e as Error).name, cause: cause?.message ?? (e as Error).message, states: entered };
    },
  );
  return { name: opts.name, arn, abort: () => execution.abort(), done: done.then(async (r) => (await logs.catch(() => undefined), r)) };
}

/** The EventBridge event Step Functions sends when an execution ends. */
export function executionStatusEvent(sm: StateMachineArtifact, r: ExecutionResult, id = `evt-${r.name}-${r.status}`) {
  return {
    id,
    version: '0',
    time: '2026-11-26T02:30:00Z',
    source: 'aws.states',
    account: ACCOUNT,
    region: REGION,
    resources: [r.arn],
    'detail-type': 'Step Functions Execution Status Change',
    detail: { executionArn: r.arn, stateMachineArn: sm.arn, name: r.name, status: r.status, error: r.error ?? null, cause: r.cause ?? null },
  };
}

/**
 * Whether an event matches an EventBridge pattern, for the pattern forms the kit's rules use: arrays of
 * literal values and nested objects.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return expected.some((v) => v === actual || (Array.isArray(actual) && actual.includes(v)));
    if (expected && typeof expected === 'object') return !!actual && typeof actual === 'object' && matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>);
    return expected === actual;
  });
}
