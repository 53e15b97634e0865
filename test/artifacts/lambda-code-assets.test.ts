/**
 * What ships is what was tested: every Lambda function of the synthesized dev app whose code is a kit
 * asset, unpacked alone from cdk.out and loaded by the file and export its template's `Handler` names
 * on a bare `node`, is called once with a minimal valid event of the kind its invoker sends, with the
 * environment its template sets. DynamoDB is dynalite, with the tables of the templates; every other
 * AWS endpoint refuses on loopback (AWS_ENDPOINT_URL).
 *
 * The kind of event comes from what invokes the function in the template (a custom resource, a
 * gateway interceptor configuration, a Cognito trigger, an evaluator, an EventBridge rule, a state
 * machine) or, for tool groups, the gateway target it serves (`POWERTOOLS_SERVICE_NAME=tools-<target>`).
 * A function no case knows fails the coverage test, so a new function cannot ship untested.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, ScanCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { gatewayToolName, isToolError, toolsByTarget, TOOL_TARGETS, type ToolTarget } from '../../catalog';
import { startDynalite, type LocalDynamo } from '../../local/dynalite';
import { agentSpan, event as evaluatorEvent, toolSpan } from '../unit/evaluators/spans';
import { CALLER_ARGUMENT } from '../../catalog/caller';
import { REFERENCE_USERS, type ReferenceUserName } from '../../lambda/identity/reference-users';
import { devAssembly, type LambdaArtifact } from './support/assembly';
import { removeTempDirs } from './support/bundle-process';
import { startFakeMemoryVendor } from './support/fake-memory-vendor';
import { invokeLambdaAsset, type Invocation } from './support/lambda-invoke';

const asm = devAssembly();
const functions = asm.lambdaFunctions();

/** Resources of the function's stack that reference it (what invokes it), by type; grants and permissions left out. */
function invokers(fn: LambdaArtifact): { type: string; logicalId: string; properties: Record<string, unknown> }[] {
  const ignored = new Set(['AWS::IAM::Policy', 'AWS::Lambda::Permission', 'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::EventInvokeConfig', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::Logs::LogGroup']);
  const ref = new RegExp(`"(Ref":"${fn.logicalId}"|Fn::GetAtt":\\["${fn.logicalId}")`);
  return Object.entries(asm.templates[fn.stack].Resources)
    .filter(([id, r]) => id !== fn.logicalId && !ignored.has(r.Type) && ref.test(JSON.stringify(r.Properties ?? {})))
    .map(([logicalId, r]) => ({ type: r.Type, logicalId, properties: r.Properties ?? {} }));
}

const invokedBy = (fn: LambdaArtifact, type: string) => invokers(fn).filter((i) => i.type === type || (type === 'Custom::*' && (i.type.startsWith('Custom::') || i.type === 'AWS::CloudFormation::CustomResource')));
const toolTarget = (fn: LambdaArtifact): ToolTarget | undefined => TOOL_TARGETS.find((t) => fn.environment.POWERTOOLS_SERVICE_NAME === `tools-${t}`);

interface EventCase {
  /** What kind of function this is and which event it gets. */
  readonly kind: string;
  readonly matches: (fn: LambdaArtifact) => boolean;
  readonly run: (fn: LambdaArtifact) => Promise<void>;
}

let db: LocalDynamo;
/** Receives the custom resource responses the functions PUT to their ResponseURL (CloudFormation's pre-signed S3 URL). */
let responses: http.Server;
const received: { url: string; body: Record<string, unknown> }[] = [];
let responseBase = '';

/** Environment pointing the SDK's DynamoDB client at dynalite. */
const dynamoEnv = () => ({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });

beforeAll(async () => {
  db = await startDynalite({ prefix: 'unused-' });
  // Every table of every template, under the name its Ref resolves to (the name in the functions' environment).
  for (const [stack, template] of Object.entries(asm.templates)) {
    for (const [logicalId, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::DynamoDB::Table') continue;
      const p = r.Properties as Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'>;
      await db.client.send(
        new CreateTableCommand({
          TableName: asm.physicalName(stack, logicalId),
          KeySchema: p.KeySchema,
          AttributeDefinitions: p.AttributeDefinitions,
          ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })) } : {}),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  }
  responses = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => responses.listen(0, '127.0.0.1', () => resolve()));
  responseBase = `http://127.0.0.1:${(responses.address() as AddressInfo).port}`;
});

afterAll(async () => {
  removeTempDirs();
  await db?.stop();
  responses?.closeAllConnections();
  await new Promise<void>((resolve) => (responses ? responses.close(() => resolve()) : resolve()));
});

const returned = (inv: Invocation): unknown => {
  if (inv.error) throw new Error(`expected a result, the handler threw ${inv.error.name}: ${inv.error.message}\n${inv.logs}`);
  return inv.result;
};

/** Ordered: the seed loader fills the tool tables before the tool groups read them (as at deploy). */
const CASES: readonly EventCase[] = [
  {
    kind: 'custom resource provider: CloudFormation Create event, response PUT to ResponseURL',
    matches: (fn) => invokedBy(fn, 'Custom::*').length > 0,
    run: async (fn) => {
      const [resource] = invokedBy(fn, 'Custom::*');
      const requestId = `artifact-${fn.logicalId}`;
      const event = {
        RequestType: 'Create',
        ServiceToken: asm.resolve(fn.stack, resource.properties.ServiceToken),
        ResponseURL: `${responseBase}/cfn-response/${requestId}?X-Amz-Signature=x`,
        StackId: `arn:aws:cloudformation:us-east-1:111111111111:stack/${fn.stack}/1`,
        RequestId: requestId,
        LogicalResourceId: resource.logicalId,
        ResourceType: resource.type,
        ResourceProperties: asm.resolve(fn.stack, resource.properties),
      };
      await invokeLambdaAsset(fn, event, { env: dynamoEnv() });
      const response = received.find((r) => r.url.startsWith(`/cfn-response/${requestId}`));
      expect(response?.body).toMatchObject({ Status: 'SUCCESS', RequestId: requestId, LogicalResourceId: resource.logicalId });
      // It wrote to the tables its environment names.
      const tables = Object.entries(fn.environment).filter(([k]) => k.startsWith('TABLE_'));
      expect(tables.length).toBeGreaterThan(0);
      for (const [, table] of tables) expect((await db.client.send(new ScanCommand({ TableName: table, Limit: 1 }))).Count).toBe(1);
    },
  },
  {
    kind: 'gateway Lambda target (tool group): each catalog tool of its target, called with its documented example',
    matches: (fn) => toolTarget(fn) !== undefined,
    run: async (fn) => {
      const target = toolTarget(fn)!;
      for (const tool of toolsByTarget[target]) {
        const name = gatewayToolName(tool);
        // As the gateway's interceptor forwards it: the example's arguments plus the verified caller, who is
        // the person the example speaks of (self-service tools refuse anyone else).
        const event = { ...tool.examples[0].input, [CALLER_ARGUMENT]: callerFor(tool.examples[0].input) };
        const inv = await invokeLambdaAsset(fn, event, { env: dynamoEnv(), clientContext: { custom: { bedrockAgentCoreToolName: name } } });
        const result = returned(inv);
        expect({ tool: name, error: isToolError(result) ? result.error : undefined }).toEqual({ tool: name, error: undefined });
        const parsed = tool.output.safeParse(result);
        expect({ tool: name, valid: parsed.success, issues: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }).toEqual({ tool: name, valid: true, issues: [] });
      }
    },
  },
  {
    kind: 'gateway interceptor: REQUEST tools/call forwarded with the caller claims, counted in the rate-limit table',
    matches: (fn) => invokedBy(fn, 'AWS::BedrockAgentCore::Gateway').length > 0,
    run: async (fn) => {
      const token = new UnsecuredJWT({ sub: 'sub-alex', role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' }).encode();
      const body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'financial___getQuarterlyRevenue', arguments: { region: 'EMEA', quarter: '2024-Q3' } } };
      const event = { interceptorInputVersion: '1.0', mcp: { rawGatewayRequest: { body: JSON.stringify(body) }, gatewayRequest: { path: '/mcp', httpMethod: 'POST', headers: { Authorization: `Bearer ${token}` }, body } } };
      const out = returned(await invokeLambdaAsset(fn, event, { env: dynamoEnv() })) as { interceptorOutputVersion: string; mcp: { transformedGatewayRequest?: { headers: Record<string, string>; body: { params: { name: string } } }; transformedGatewayResponse?: unknown } };
      expect(out.mcp.transformedGatewayResponse).toBeUndefined();
      expect(out.mcp.transformedGatewayRequest?.headers).toMatchObject({ 'X-Caller-Sub': 'sub-alex', 'X-Caller-Role': 'analyst' });
      expect(out.mcp.transformedGatewayRequest?.body.params.name).toBe('financial___getQuarterlyRevenue');
      expect((await db.client.send(new ScanCommand({ TableName: fn.environment.RATE_LIMIT_TABLE }))).Count).toBe(1);
    },
  },
  {
    kind: 'Cognito pre-token-generation trigger: a user sign-in (V2) gets the caller claims',
    matches: (fn) => invokedBy(fn, 'AWS::Cognito::UserPool').length > 0,
    run: async (fn) => {
      const event = {
        version: '2',
        triggerSource: 'TokenGeneration_Authentication',
        region: 'us-east-1',
        userPoolId: 'us-east-1_abcdefghi',
        userName: 'alex',
        callerContext: { awsSdkVersion: '1', clientId: 'client' },
        request: { userAttributes: { sub: 'abc-123', 'custom:department': 'Finance', 'custom:region': 'emea', 'custom:employeeId': 'E10001', 'custom:userId': 'u20001' }, groupConfiguration: { groupsToOverride: ['employee', 'analyst'] } },
        response: { claimsAndScopeOverrideDetails: {} },
      };
      const out = returned(await invokeLambdaAsset(fn, event)) as { response: { claimsAndScopeOverrideDetails: { accessTokenGeneration?: { claimsToAddOrOverride: unknown } } } };
      expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' });
    },
  },
  {
    kind: 'code-based evaluator: an AgentCore Evaluations payload gets a PASS score',
    matches: (fn) => invokedBy(fn, 'AWS::BedrockAgentCore::Evaluator').length > 0,
    run: async (fn) => {
      const [evaluator] = invokedBy(fn, 'AWS::BedrockAgentCore::Evaluator');
      const level = String(evaluator.properties.Level);
      // A trace every kit evaluator scores: an in-scope question answered with a catalog tool, or an out-of-scope one declined.
      const payload =
        level === 'TOOL_CALL'
          ? evaluatorEvent('TOOL_CALL', [agentSpan('t1', 'EMEA revenue for 2024-Q3?', 'EMEA revenue was 12.4M EUR.'), toolSpan('t1', 's1', 'financial___getQuarterlyRevenue', { region: 'EMEA', quarter: '2024-Q3' })], { traceIds: ['t1'], spanIds: ['s1'] })
          : evaluatorEvent(level as 'TRACE', [agentSpan('t1', "What's the CEO's bonus?", 'I can only report and analyse company financial results.'), toolSpan('t1', 's1', 'declineOutOfScope', { reason: 'compensation' })], { traceIds: ['t1'] });
      expect(returned(await invokeLambdaAsset(fn, payload))).toMatchObject({ label: 'PASS', value: 1 });
    },
  },
  {
    kind: 'rollback on an EventBridge alarm rule: a CloudWatch alarm state change back to OK is ignored',
    matches: (fn) => invokedBy(fn, 'AWS::Events::Rule').length > 0,
    run: async (fn) => {
      const event = {
        version: '0',
        id: 'artifact-event-1',
        source: 'aws.cloudwatch',
        account: '111111111111',
        region: 'us-east-1',
        time: '2026-11-26T09:00:00Z',
        resources: ['arn:aws:cloudwatch:us-east-1:111111111111:alarm:canary-errors'],
        'detail-type': 'CloudWatch Alarm State Change',
        detail: { alarmName: 'canary-errors', state: { value: 'OK', reason: 'Threshold Crossed' }, previousState: { value: 'ALARM' } },
      };
      expect(returned(await invokeLambdaAsset(fn, event, { env: dynamoEnv() }))).toEqual({ outcome: 'ignored', reason: 'alarm canary-errors moved to OK' });
    },
  },
  {
    kind: 'state machine task (rollout step): a step for a rollout that is not running is refused by the release state in DynamoDB',
    matches: (fn) => invokedBy(fn, 'AWS::StepFunctions::StateMachine').length > 0 && invokedBy(fn, 'AWS::Events::Rule').length === 0,
    run: async (fn) => {
      const inv = await invokeLambdaAsset(fn, { action: 'beginPromotion', releaseId: 'artifact-test' }, { env: dynamoEnv() });
      // Past module loading and config parsing (RELEASE_CONFIG), the conditional write on the state table refuses.
      expect(inv.error?.message).toMatch(/artifact-test is no longer running/);
    },
  },
  {
    kind: 'memory credential vendor (invoked by the agents): a verified token gets credentials of the access role tagged with its subject; a forged one none',
    matches: (fn) => /MemoryCredentialVendorFunction/.test(fn.logicalId),
    run: async (fn) => {
      // The identity provider (OIDC discovery + JWKS) and STS on loopback; the vendor is its own asset.
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
      const idp = http.createServer((req, res) => {
        const base = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
        if (req.url === '/.well-known/openid-configuration') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks.json` }));
        if (req.url === '/jwks.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', () => resolve()));
      const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
      const audience = fn.environment.JWT_AUDIENCES.split(',')[0];
      const vendor = await startFakeMemoryVendor(fn, { JWT_DISCOVERY_URL: `${issuer}/.well-known/openid-configuration` });
      try {
        const invoke = async (token: string) => {
          const res = await fetch(`${vendor.lambdaEndpoint}/2015-03-31/functions/vendor/invocations`, { method: 'POST', body: JSON.stringify({ token }) });
          return { error: res.headers.get('x-amz-function-error'), body: (await res.json()) as Record<string, string> };
        };
        const token = await new SignJWT({ client_id: audience }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u20001').setIssuer(issuer).setIssuedAt().setExpirationTime('5m').sign(privateKey);
        const ok = await invoke(token);
        expect(ok).toEqual({ error: null, body: { actorId: 'u20001', accessKeyId: vendor.accessKeyFor('u20001'), secretAccessKey: 'fake-secret', sessionToken: 'fake-session', expiration: expect.any(String) } });
        expect(vendor.assumeRoleCalls).toEqual([{ roleArn: fn.environment.MEMORY_ACCESS_ROLE_ARN, sessionName: 'memory-u20001', tags: { actorId: 'u20001' } }]);
        const forged = await invoke(new UnsecuredJWT({ client_id: audience }).setSubject('u20002').setIssuer(issuer).encode());
        expect(forged.error).toBe('Unhandled');
        expect(forged.body.errorMessage).toMatch(/^bearer token rejected/);
        expect(vendor.assumeRoleCalls).toHaveLength(1);
      } finally {
        await vendor.close();
        idp.closeAllConnections();
        await new Promise<void>((resolve) => idp.close(() => resolve()));
      }
    },
  },
];

describe('Lambda code assets of the dev assembly', () => {
  test('the dev app has kit Lambda functions, each code from an asset in cdk.out', () => {
    expect(functions.length).toBeGreaterThanOrEqual(10);
    for (const fn of functions) expect({ fn: fn.logicalId, runtime: fn.runtime, packaging: fn.asset.packaging }).toEqual({ fn: fn.logicalId, runtime: 'nodejs22.x', packaging: 'zip' });
  });

  test('every kit Lambda function has exactly one event case (a new function cannot ship untested)', () => {
    const coverage = functions.map((fn) => `${fn.stack}/${fn.logicalId}: ${CASES.filter((c) => c.matches(fn)).length} case(s)`);
    expect(coverage).toEqual(functions.map((fn) => `${fn.stack}/${fn.logicalId}: 1 case(s)`));
  });

  const ordered = CASES.flatMap((c) => functions.filter((fn) => c.matches(fn)).map((fn) => [`${fn.stack}/${fn.logicalId}`, c.kind, fn, c] as const));
  test.each(ordered)('%s — %s', async (_name, _kind, fn, c) => {
    await c.run(fn);
  });
});

/** The verified caller a tool example speaks for: the reference user whose ids it names (else alex). */
function callerFor(input: Record<string, unknown>): Record<string, string> {
  const found = (Object.entries(REFERENCE_USERS) as Array<[ReferenceUserName, (typeof REFERENCE_USERS)[ReferenceUserName]]>).find(
    ([, u]) => input.employeeId === u.employeeId || input.userId === u.userId,
  );
  const [name, user] = found ?? ['alex', REFERENCE_USERS.alex];
  return Object.fromEntries(Object.entries({ sub: `persona-${name}`, ...user }).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
