#!/usr/bin/env node
/**
 * `npm run agent:dev [-- --port 8080 --orchestration sequential --model auto|bedrock|scripted --user alex]`
 *
 * Runs the supervisor and the three specialists locally on the AgentCore runtime contract
 * (supervisor: HTTP `POST /invocations`; specialists: A2A), against the local tool server (real
 * handlers on a seeded local DynamoDB, JWT and Cedar as in the gateway). The model (`--model`):
 * - `auto` (default): Bedrock (MODEL_ID etc., default: the dev environment's primary model) when AWS
 *   credentials are found, otherwise the keyword-scripted stand-in, with a one-line notice — so a
 *   first run on a fresh clone works without an AWS account;
 * - `bedrock`: Bedrock or nothing: exits 1 with what to set when no credentials are found;
 * - `scripted` (or `--scripted`): the keyword-scripted stand-in, no AWS account needed.
 */
import { parseArgs } from 'node:util';
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { startLocalAgents } from '../agents/local';
import { setupAgentTelemetry } from '../agents/telemetry';
import { keywordModel } from '../agents/shared/keyword-script';
import { jwtVerifier } from '../agents/shared/identity';
import { bedrockModel, modelSettingsFromEnv } from '../agents/shared/model';
import { ORCHESTRATIONS, type Orchestration } from '../agents/supervisor/supervisor-agent';
import { loadEnvironment } from '../lib/config';
import { DEV_USERS, startToolServer, type DevUserName } from '../local';

const MODEL_CHOICES = ['auto', 'bedrock', 'scripted'] as const;
type ModelChoice = (typeof MODEL_CHOICES)[number];
const USAGE = `usage: npm run agent:dev -- [--port <0-65535>] [--orchestration hierarchical|sequential] [--model ${MODEL_CHOICES.join('|')}] [--scripted] [--user ${Object.keys(DEV_USERS).join('|')}]`;

/** Exports nothing: with no exporter configured, spans only feed evaluation replies. */
const DISCARD_SPANS: SpanExporter = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => undefined };

function fail(message: string): never {
  process.stderr.write(`agent:dev: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Whether the default AWS credential chain yields credentials (within 3 s). */
async function hasAwsCredentials(region: string): Promise<boolean> {
  const client = new BedrockAgentCoreClient({ region });
  try {
    await Promise.race([client.config.credentials(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '8080' },
        orchestration: { type: 'string', default: 'hierarchical' },
        model: { type: 'string', default: 'auto' },
        scripted: { type: 'boolean', default: false },
        user: { type: 'string', default: 'alex' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: expected a port number 0-65535 (0: any free port), got ${JSON.stringify(values.port)}`);
  if (!MODEL_CHOICES.includes(values.model as ModelChoice)) fail(`--model: expected one of ${MODEL_CHOICES.join(', ')}, got ${JSON.stringify(values.model)}`);
  if (values.scripted && values.model !== 'auto' && values.model !== 'scripted') fail(`--scripted contradicts --model ${values.model}`);
  let choice: ModelChoice = values.scripted ? 'scripted' : (values.model as ModelChoice);
  if (!ORCHESTRATIONS.includes(values.orchestration as Orchestration)) fail(`--orchestration: expected hierarchical or sequential, got ${JSON.stringify(values.orchestration)}`);
  if (!(values.user in DEV_USERS)) fail(`--user: expected one of ${Object.keys(DEV_USERS).join(', ')}, got ${JSON.stringify(values.user)}`);

  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  let model: Parameters<typeof startLocalAgents>[0]['model'];
  let modelLabel: string;
  if (choice !== 'scripted' && !(await hasAwsCredentials(region))) {
    if (choice === 'bedrock') {
      process.stderr.write(
        'agent:dev: --model bedrock: no AWS credentials found for the Bedrock model. Set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION with access to the model, or leave out --model bedrock to use the scripted stand-in.\n',
      );
      process.exit(1);
    }
    process.stderr.write('agent:dev: no AWS credentials found: using the keyword-scripted stand-in instead of Bedrock (set AWS_PROFILE and AWS_REGION for the real model; --model bedrock insists on it).\n');
    choice = 'scripted';
  }
  if (choice === 'scripted') {
    model = (id) => keywordModel(id);
    modelLabel = 'keyword-scripted stand-in (no LLM)';
  } else {
    const primary = loadEnvironment('dev').models.primary;
    const settings = modelSettingsFromEnv({
      MODEL_ID: process.env.MODEL_ID ?? primary.modelId,
      MODEL_TEMPERATURE: process.env.MODEL_TEMPERATURE ?? String(primary.temperature),
      MODEL_MAX_TOKENS: process.env.MODEL_MAX_TOKENS ?? String(primary.maxTokens),
    });
    model = () => bedrockModel(settings, region);
    modelLabel = `Bedrock ${settings.modelId} in ${region} (temperature ${settings.temperature}, max tokens ${settings.maxTokens})`;
  }

  // Spans are kept for evaluation replies (`npm run eval -- --judge ...`) and exported only where the
  // environment says (e.g. OTEL_TRACES_EXPORTER=console prints them).
  const selected = process.env.OTEL_TRACES_EXPORTER !== undefined || process.env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  await setupAgentTelemetry({ serviceName: 'agent-dev', ...(selected ? {} : { exporter: DISCARD_SPANS }) });

  const tools = await startToolServer();
  const agents = await startLocalAgents({
    toolsUrl: tools.url,
    verify: jwtVerifier({ jwks: tools.jwksUrl, issuer: tools.issuer, audiences: [tools.audience] }),
    model,
    orchestration: values.orchestration as Orchestration,
    region,
    port,
    logging: true,
  }).catch(async (e: unknown) => {
    await tools.close();
    throw e;
  });
  const user = values.user as DevUserName;
  const token = await tools.issueToken(user);
  process.stdout.write(
    [
      '',
      `supervisor   ${agents.url}  (POST /invocations, GET /ping)`,
      ...Object.entries(agents.specialists).map(([id, url]) => `${id.padEnd(12)} ${url}  (A2A)`),
      `tools        ${tools.url}  (MCP, JWT + Cedar, seeded local DynamoDB)`,
      `model        ${modelLabel}`,
      `orchestration ${values.orchestration}`,
      '',
      `Try it as dev user "${user}" (${JSON.stringify(DEV_USERS[user])}):`,
      `  curl -s ${agents.url}/invocations -H 'content-type: application/json' \\`,
      `    -H 'x-amzn-bedrock-agentcore-runtime-session-id: dev-session-0000000000000000000000001' \\`,
      `    -H 'authorization: Bearer ${token}' \\`,
      `    -d '{"prompt":"How many vacation days do I have left?"}'`,
      '  (add -N and the header "accept: text/event-stream" for server-sent events, as `agentcore dev --stream` gets them)',
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await agents.close();
    await tools.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  process.stderr.write(`agent:dev: ${(e as Error).message}\n`);
  process.exit(1);
});
