/** Start one specialist runtime (A2A protocol, port 9000) from its environment. */
import { CodeInterpreterTools } from 'bedrock-agentcore/experimental/code-interpreter/strands';
import { specialistSpecs, type SpecialistId } from '../../catalog/agents';
import { keywordModel } from '../shared/keyword-script';
import { bedrockModel, modelSettingsFromEnv } from '../shared/model';
import { scriptedModelFromEnv, SCRIPTED_MODEL_ENV } from '../shared/scripted-switch';
import { memoryFromEnv, specialistEnv, verifierFromEnv } from '../shared/runtime-config';
import { startSpecialistServer } from '../specialist/a2a-server';
import { setupAgentTelemetry } from '../telemetry';
import { CloudWatchMetricsSink, UsageRecorder } from '../usage';

export function runSpecialist(id: SpecialistId): void {
  const start = async () => {
    // GenAI spans to AgentCore Observability (a no-op when the runtime environment enables no tracing).
    await setupAgentTelemetry({ serviceName: id });
    const env = specialistEnv();
    const settings = modelSettingsFromEnv();
    const scripted = scriptedModelFromEnv();
    if (scripted) console.warn(JSON.stringify({ level: 'warn', message: `${SCRIPTED_MODEL_ENV}=${scripted}: the keyword-scripted stand-in answers instead of ${settings.modelId}` }));
    await startSpecialistServer({
      spec: specialistSpecs[id],
      model: scripted ? () => keywordModel(id) : () => bedrockModel(settings, env.AWS_REGION),
      memory: memoryFromEnv(env),
      toolsUrl: env.GATEWAY_URL,
      // The agent's own sandboxed Code Interpreter: code execution only (no shell, no file tool).
      extraTools: env.CODE_INTERPRETER_ID
        ? () => {
            const interpreter = new CodeInterpreterTools({ region: env.AWS_REGION, identifier: env.CODE_INTERPRETER_ID });
            return { tools: [interpreter.executeCode], close: () => interpreter.stopSession() };
          }
        : undefined,
      verify: await verifierFromEnv(env),
      region: env.AWS_REGION,
      // Token usage per invocation → AgentCoreKit/Agents (the dashboards' tokens and cost widgets).
      usage: new UsageRecorder(new CloudWatchMetricsSink({ region: env.AWS_REGION })),
      publicUrl: env.AGENTCORE_RUNTIME_URL,
      port: Number(process.env.AGENT_PORT ?? 9000),
      host: '0.0.0.0',
    });
  };
  start().catch((e: unknown) => {
    console.error(JSON.stringify({ level: 'error', message: `${id} specialist failed to start`, error: (e as Error).message }));
    process.exit(1);
  });
}
