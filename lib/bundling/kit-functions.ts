/**
 * Every Lambda function and agent the kit ships, in one list: the constructs take their code from
 * here, and `npm run build` pre-bundles exactly these into the package (bin/prebundle.ts).
 */
import { TOOL_TARGETS } from '../../catalog';
import { SPECIALIST_IDS, type AgentId } from '../../catalog/agents';
import { toolCodeBundling } from '../tools/defaults';
import type { KitFunction } from './kit-code';

/** The release functions bundle the AWS SDK: the control-plane client must be at least the version the code was written against. */
const RELEASE_BUNDLING = { externals: [], mainFields: ['module', 'main'] } as const;

export const KIT_FUNCTIONS = {
  tokenClaims: { entry: 'lambda/identity/index.ts' },
  interceptor: { entry: 'lambda/interceptor/index.ts' },
  refusalEvaluator: { entry: 'lambda/evaluators/refusal/index.ts' },
  toolParametersEvaluator: { entry: 'lambda/evaluators/tool-parameters/index.ts' },
  // ESM entry points first: the SDK's ES modules tree-shake (1.27 MB → 0.78 MB per function).
  rollout: { entry: 'lambda/rollout/index.ts', bundling: RELEASE_BUNDLING },
  rollback: { entry: 'lambda/rollback/index.ts', bundling: RELEASE_BUNDLING },
  seedData: { entry: 'lambda/tools/seed/index.ts', bundling: toolCodeBundling() },
  memoryCredentials: { entry: 'lambda/memory-credentials/index.ts', bundling: { mainFields: ['module', 'main'] } },
} as const satisfies Record<string, KitFunction>;

/** The function of one of the kit's tool targets, with or without a Powertools layer. */
export function kitToolFunction(target: string, powertoolsLayer = false): KitFunction {
  return { entry: `lambda/tools/${target}/index.ts`, bundling: toolCodeBundling(powertoolsLayer) };
}

/** The reference agents (agents/entry/<id>.ts). */
export const KIT_AGENTS: readonly AgentId[] = ['supervisor', ...SPECIALIST_IDS];

/** Everything `npm run build` pre-bundles. */
export function allKitFunctions(): KitFunction[] {
  return [...Object.values(KIT_FUNCTIONS), ...TOOL_TARGETS.flatMap((t) => [kitToolFunction(t), kitToolFunction(t, true)])];
}
