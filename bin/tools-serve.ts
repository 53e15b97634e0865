#!/usr/bin/env node
/**
 * `npm run tools:serve [-- --port 8787]`: the gateway's tool catalog as a local MCP server
 * (Streamable HTTP on 127.0.0.1), with the same JWT claims, Cedar policies and tool handlers,
 * against an in-memory DynamoDB (dynalite) loaded with the seed data. Prints the endpoint and a
 * bearer token per dev user; point any MCP client at it.
 */
import { parseArgs } from 'node:util';
import { DEV_USERS, startToolServer, type DevUserName } from '../local';

const USAGE = `Usage: npm run tools:serve -- [--port <0-65535>] [--quiet]

  --port    port on 127.0.0.1 (default 8787; 0 picks a free one)
  --quiet   do not log each tool call`;

function fail(message: string): never {
  process.stderr.write(`tools:serve: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { port?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: expected a whole number from 0 to 65535, got ${JSON.stringify(values.port)}`);

  const server = await startToolServer({
    port,
    onToolCall: values.quiet
      ? undefined
      : (a) => process.stdout.write(`${new Date().toISOString()} ${a.decision.padEnd(12)} ${a.sub ?? '?'} (${a.role ?? 'no role'}) ${a.tool} ${JSON.stringify(a.arguments)}${a.reason ? ` — ${a.reason}` : ''}\n`),
  });
  const lines = [
    `MCP endpoint  ${server.url}`,
    `JWKS          ${server.jwksUrl}`,
    `issuer        ${server.issuer}`,
    `audience      ${server.audience}`,
    `OAuth         resource metadata ${server.resourceMetadataUrl}`,
    `              token endpoint ${server.issuer}/token (grant client_credentials, client id = dev user, client secret ${server.devClientSecret})`,
    '',
    'Bearer tokens (12 h) — header "Authorization: Bearer <token>":',
  ];
  for (const name of Object.keys(DEV_USERS) as DevUserName[]) {
    const u = DEV_USERS[name];
    lines.push(`  ${name.padEnd(6)} ${u.role.padEnd(15)} ${'region' in u ? u.region : '-'}`.trimEnd(), `    ${await server.issueToken(name)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\nCtrl-C to stop.\n`);

  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`tools:serve: ${(e as Error).message}\n`);
  process.exit(1);
});
