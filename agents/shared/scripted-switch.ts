/**
 * `AGENTCORE_KIT_SCRIPTED_MODEL=keywords` runs a bundled agent with the keyword-scripted stand-in for
 * the LLM (agents/shared/keyword-script) instead of Bedrock — the model `npm run agent:dev -- --scripted`
 * uses — so the code assets of `cdk.out` can be started and invoked as they ship, with no AWS account
 * (test/artifacts). Never for a deployed runtime: `AgentRuntime` refuses this variable at synth, and an
 * agent refuses to start with it when AgentCore has set its runtime URL (AGENTCORE_RUNTIME_URL).
 */
export const SCRIPTED_MODEL_ENV = 'AGENTCORE_KIT_SCRIPTED_MODEL';

/** The stand-in the environment asks for, or undefined for the real model; throws on an unknown value or on AgentCore. */
export function scriptedModelFromEnv(env: NodeJS.ProcessEnv = process.env): 'keywords' | undefined {
  const value = env[SCRIPTED_MODEL_ENV];
  if (value === undefined || value === '') return undefined;
  if (value !== 'keywords') throw new Error(`${SCRIPTED_MODEL_ENV}: expected "keywords" (the keyword-scripted stand-in) or unset, got ${JSON.stringify(value)}`);
  if (env.AGENTCORE_RUNTIME_URL) throw new Error(`${SCRIPTED_MODEL_ENV}: refused on AgentCore Runtime (AGENTCORE_RUNTIME_URL is set); the scripted stand-in is for local runs of a bundle only`);
  return value;
}
