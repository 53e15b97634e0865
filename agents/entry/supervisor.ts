/** Entry point of the supervisor runtime (HTTP protocol, port 8080; AGENT_PORT overrides it for local runs). */
import { SPECIALIST_IDS, specialistSpecs } from '../../catalog/agents';
import { keywordModel } from '../shared/keyword-script';
import { bedrockModel, modelSettingsFromEnv } from '../shared/model';
import { scriptedModelFromEnv, SCRIPTED_MODEL_ENV } from '../shared/scripted-switch';
import { memoryFromEnv, specialistUrls, supervisorEnv, verifierFromEnv } from '../shared/runtime-config';
import { startSupervisor } from '../supervisor/app';
import { setupAgentTelemetry } from '../telemetry';
import { CloudWatchMetricsSink, UsageRecorder } from '../usage';

async function main(): Promise<void> {
  // GenAI spans to AgentCore Observability (a no-op when the runtime environment enables no tracing).
  await setupAgentTelemetry({ serviceName: 'supervisor' });
  const env = supervisorEnv();
  const settings = modelSettingsFromEnv();
  const scripted = scriptedModelFromEnv();
  if (scripted) console.warn(JSON.stringify({ level: 'warn', message: `${SCRIPTED_MODEL_ENV}=${scripted}: the keyword-scripted stand-in answers instead of ${settings.modelId}` }));
  const urls = specialistUrls(env);
  await startSupervisor({
    model: scripted ? () => keywordModel('supervisor') : () => bedrockModel(settings, env.AWS_REGION),
    memory: memoryFromEnv(env),
    specialists: SPECIALIST_IDS.map((id) => ({ spec: specialistSpecs[id], url: urls[id], qualifier: env.SPECIALIST_QUALIFIER })),
    orchestration: env.ORCHESTRATION,
    verify: await verifierFromEnv(env),
    region: env.AWS_REGION,
    // Token usage per invocation → AgentCoreKit/Agents (the dashboards' tokens and cost widgets).
    usage: new UsageRecorder(new CloudWatchMetricsSink({ region: env.AWS_REGION })),
    port: Number(process.env.AGENT_PORT ?? 8080),
    host: '0.0.0.0',
  });
}

main().catch((e: unknown) => {
  console.error(JSON.stringify({ level: 'error', message: 'supervisor failed to start', error: (e as Error).message }));
  process.exit(1);
});
