/**
 * The memory credential vendor as the agents reach it, with only AWS faked: a loopback Lambda
 * Invoke endpoint (`AWS_ENDPOINT_URL_LAMBDA`) that runs the vendor's own code asset from the
 * assembly for each invocation (invokeLambdaAsset), and a loopback STS (`AWS_ENDPOINT_URL_STS`) that
 * answers AssumeRole with credentials whose access key names the session's `actorId` tag. So a memory
 * call signed with `ASIAFAKE<actor>...` was signed with what the vendor vended for that actor.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaArtifact } from './assembly';
import { invokeLambdaAsset } from './lambda-invoke';

export interface AssumeRoleCall {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly tags: Record<string, string>;
}

export interface FakeMemoryVendor {
  /** For `AWS_ENDPOINT_URL_LAMBDA` of the agent. */
  readonly lambdaEndpoint: string;
  readonly assumeRoleCalls: AssumeRoleCall[];
  /** Function names the agents invoked. */
  readonly invoked: string[];
  /** The access key id STS hands out for an actor. */
  accessKeyFor(actorId: string): string;
  close(): Promise<void>;
}

const accessKeyFor = (actorId: string) => `ASIAFAKE${actorId.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.slice(0, 32);

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const body = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => resolve(raw));
  });

export async function startFakeMemoryVendor(vendorFn: LambdaArtifact, env: Record<string, string>): Promise<FakeMemoryVendor> {
  const assumeRoleCalls: AssumeRoleCall[] = [];
  const invoked: string[] = [];
  const sts = await listen(async (req, res) => {
    const form = new URLSearchParams(await body(req));
    const tags: Record<string, string> = {};
    for (let i = 1; form.has(`Tags.member.${i}.Key`); i += 1) tags[form.get(`Tags.member.${i}.Key`)!] = form.get(`Tags.member.${i}.Value`)!;
    assumeRoleCalls.push({ roleArn: form.get('RoleArn') ?? '', sessionName: form.get('RoleSessionName') ?? '', tags });
    const expiration = new Date(Date.now() + Number(form.get('DurationSeconds') ?? 900) * 1000).toISOString();
    res.writeHead(200, { 'content-type': 'text/xml' }).end(
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>${accessKeyFor(tags.actorId ?? 'none')}</AccessKeyId><SecretAccessKey>fake-secret</SecretAccessKey><SessionToken>fake-session</SessionToken><Expiration>${expiration}</Expiration>` +
        `</Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:${form.get('RoleSessionName')}</AssumedRoleId><Arn>${form.get('RoleArn')}</Arn></AssumedRoleUser></AssumeRoleResult>` +
        `<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  });
  const lambda = await listen(async (req, res) => {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
    const payload = await body(req);
    if (req.method !== 'POST' || !m) return void res.writeHead(404).end();
    invoked.push(decodeURIComponent(m[1]));
    const out = await invokeLambdaAsset(vendorFn, JSON.parse(payload || '{}'), { env: { ...env, AWS_ENDPOINT_URL_STS: sts.url } });
    if (out.error) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify({ errorType: out.error.name, errorMessage: out.error.message }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out.result));
    }
  });
  return {
    lambdaEndpoint: lambda.url,
    assumeRoleCalls,
    invoked,
    accessKeyFor,
    close: async () => {
      for (const s of [sts.server, lambda.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
