/**
 * Built-in environments and the loader. A team adds its own environment with a JSON file
 * `config/<name>.json` (`{ "extends": "staging", ...overrides }`) or by passing an object to
 * {@link resolveEnvironment}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KitError } from '../errors';
import { environmentConfigSchema, type EnvironmentConfig, type EnvironmentConfigInput } from './schema';

const CLAUDE_SONNET = {
  modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  temperature: 0.2,
  maxTokens: 2048,
  inputPricePer1k: 0.003,
  outputPricePer1k: 0.015,
};

const CLAUDE_HAIKU = {
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  temperature: 0.2,
  maxTokens: 2048,
  inputPricePer1k: 0.001,
  outputPricePer1k: 0.005,
};

const dev: EnvironmentConfigInput = {
  name: 'dev',
  removalPolicy: 'destroy',
  logRetentionDays: 14,
  tags: { environment: 'dev' },
  seedData: true,
  models: { primary: CLAUDE_HAIKU, candidate: CLAUDE_SONNET },
  identity: { kind: 'cognito', evaluationClient: true },
  gateway: { exceptionLevel: 'DEBUG', rateLimitPerUserPerMinute: 120 },
  policy: { mode: 'ENFORCE' },
  memory: { eventExpiryDays: 7 },
  agents: { orchestration: 'hierarchical', codeInterpreter: true, browser: 'off' },
  guardrail: { enabled: true, contentFilterStrength: 'MEDIUM', promptAttackStrength: 'HIGH', piiAction: 'ANONYMIZE' },
  observability: {},
  alarms: { errorRatePercent: 10, latencyP95Ms: 15_000, toolLatencyP95Ms: 3000, throttles: 10, policyDenialsPer5Min: 50, evaluationScoreMin: 0.7, evaluationPeriods: 3 },
  evaluation: {
    samplingPercent: 100,
    thresholds: { toolSelection: 0.95, parameters: 0.98, refusals: 1, latencyP50Ms: 2000, latencyP95Ms: 5000, tokensPerQuery: 5000 },
    driftScoreMin: 0.85,
    replySpans: true,
  },
  release: { rollout: 'ALL_AT_ONCE', toolDeployment: 'ALL_AT_ONCE' },
  pipeline: { manualApprovalBeforeProd: false },
  // Every pack in every environment (staging and prod inherit it): a finding shows up in dev first.
  compliance: { packs: ['aws-solutions', 'nist-800-53-r5', 'hipaa-security', 'serverless'] },
};

const staging: EnvironmentConfigInput = {
  ...dev,
  name: 'staging',
  removalPolicy: 'retain',
  logRetentionDays: 90,
  tags: { environment: 'staging' },
  seedData: false,
  models: { primary: CLAUDE_SONNET, candidate: CLAUDE_HAIKU },
  gateway: { rateLimitPerUserPerMinute: 60 },
  memory: { eventExpiryDays: 30 },
  agents: { orchestration: 'hierarchical', codeInterpreter: true, browser: 'off' },
  guardrail: { enabled: true, contentFilterStrength: 'HIGH', promptAttackStrength: 'HIGH', piiAction: 'ANONYMIZE' },
  alarms: { errorRatePercent: 5, latencyP95Ms: 8000, toolLatencyP95Ms: 2000, throttles: 5, policyDenialsPer5Min: 20, evaluationScoreMin: 0.8, evaluationPeriods: 3 },
  evaluation: { ...dev.evaluation, samplingPercent: 25, driftScoreMin: 0.88 },
  release: { rollout: 'LINEAR_25PERCENT_EVERY_5MINUTES', toolDeployment: 'CANARY_10PERCENT_5MINUTES' },
};

const prod: EnvironmentConfigInput = {
  ...staging,
  name: 'prod',
  logRetentionDays: 365,
  tags: { environment: 'prod' },
  identity: { kind: 'cognito', evaluationClient: false },
  models: { primary: CLAUDE_SONNET },
  gateway: { rateLimitPerUserPerMinute: 60 },
  memory: { eventExpiryDays: 90 },
  agents: { orchestration: 'hierarchical', codeInterpreter: false, browser: 'off' },
  alarms: { errorRatePercent: 2, latencyP95Ms: 6000, toolLatencyP95Ms: 1500, throttles: 1, policyDenialsPer5Min: 20, evaluationScoreMin: 0.85, evaluationPeriods: 3 },
  evaluation: { ...dev.evaluation, samplingPercent: 10, driftScoreMin: 0.9, replySpans: false },
  release: { rollout: 'CANARY_10PERCENT_10MINUTES', toolDeployment: 'CANARY_10PERCENT_10MINUTES' },
  pipeline: { manualApprovalBeforeProd: true },
};

export const BUILT_IN_ENVIRONMENTS: Readonly<Record<string, EnvironmentConfigInput>> = { dev, staging, prod };

/** Validate a config object; throws a KitError naming every bad field and what is allowed. */
export function resolveEnvironment(input: unknown, source = 'environment config'): EnvironmentConfig {
  const parsed = environmentConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const name = typeof input === 'object' && input && 'name' in input ? String((input as { name: unknown }).name) : '?';
  throw new KitError(
    'InvalidEnvironmentConfig',
    parsed.error.issues.map((i) => `${source} "${name}": ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
  );
}

/** Deep merge for plain objects; arrays and scalars are replaced, and so is an object whose `kind` changes. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) && !('kind' in v && v.kind !== (b as { kind?: unknown }).kind)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * Where an app's own environments live: `config/` in the app's directory (the working directory
 * `cdk synth` runs the app in, where its cdk.json is) — not the kit's installed package.
 */
export const appConfigDir = (): string => path.resolve(process.cwd(), 'config');

/**
 * The environment called `name`: a built-in, or `<name>.json` under `configDir` (which may
 * `extends` a built-in).
 * @param configDir absolute, or relative to the working directory. @default - `config/` in the app's directory ({@link appConfigDir})
 */
export function loadEnvironment(name: string, configDir: string = appConfigDir()): EnvironmentConfig {
  configDir = path.resolve(configDir);
  const file = path.join(configDir, `${name}.json`);
  if (fs.existsSync(file)) {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new KitError('InvalidEnvironmentConfig', [`${file}: not valid JSON (${(e as Error).message})`]);
    }
    const { extends: parent, ...rest } = raw;
    if (parent !== undefined && (typeof parent !== 'string' || !BUILT_IN_ENVIRONMENTS[parent])) {
      throw new KitError('InvalidEnvironmentConfig', [
        `${file}: extends: expected one of ${Object.keys(BUILT_IN_ENVIRONMENTS).join(', ')}, got ${JSON.stringify(parent)}`,
      ]);
    }
    const base = parent ? (BUILT_IN_ENVIRONMENTS[parent as string] as Record<string, unknown>) : {};
    return resolveEnvironment(merge(base, { ...rest, name }), file);
  }
  const builtIn = BUILT_IN_ENVIRONMENTS[name];
  if (!builtIn) {
    const custom = fs.existsSync(configDir) ? fs.readdirSync(configDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : [];
    throw new KitError('UnknownEnvironment', [
      `env: unknown environment "${name}"; expected one of ${[...Object.keys(BUILT_IN_ENVIRONMENTS), ...custom].join(', ')} (add ${path.join(configDir, `${name}.json`)} to define it)`,
    ]);
  }
  return resolveEnvironment(builtIn, `built-in environment`);
}

/** The built-in environments and the app's own (`<name>.json` under `configDir`). @default configDir - {@link appConfigDir} */
export function environmentNames(configDir: string = appConfigDir()): string[] {
  const custom = fs.existsSync(configDir) ? fs.readdirSync(configDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : [];
  return [...new Set([...Object.keys(BUILT_IN_ENVIRONMENTS), ...custom])];
}
