import * as os from 'node:os';
import * as path from 'node:path';
import { Names, Stage } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, type IDependable } from 'constructs';
import type { ToolDefinition } from '../../catalog/tool';
import { KitError, Problems } from '../errors';
import { CedarAuthorizer } from './cedar-authorizer';
import { cedarActionId } from './cedar-schema';
import { bindGateway, DEFAULT_POLICY_DIR, loadPolicyFiles, writeDefaultDenyPolicies, type CedarPolicy, type PolicyFile } from './policy-files';

/** Whether decisions are enforced or only logged. */
export type PolicyMode = 'ENFORCE' | 'LOG_ONLY';

export interface ToolPolicyEngineProps {
  /** The tools the gateway exposes; the Cedar schema the policies are validated against is generated from them. */
  readonly tools: readonly ToolDefinition[];
  /**
   * Directory of `*.cedar` files, one per concern.
   * @default - the kit's `policies/` directory
   */
  readonly policyDir?: string;
  /**
   * ENFORCE denies what the policies do not permit; LOG_ONLY only records decisions and lets every
   * call through (for trying policies against real traffic; never in production).
   * @default 'ENFORCE'
   */
  readonly mode?: PolicyMode;
  /**
   * Encrypts the policy engine.
   * @default - AWS owned key
   */
  readonly kmsKey?: kms.IKey;
  /**
   * Policy engine name: letters, digits and underscores, starting with a letter, at most 48.
   * @default - generated
   */
  readonly policyEngineName?: string;
  /**
   * How the service treats its analyzer findings when a policy is created.
   * @default agentcore.PolicyValidationMode.FAIL_ON_ANY_FINDINGS
   */
  readonly validationMode?: agentcore.PolicyValidationMode;
}

const ENGINE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

/**
 * A Cedar `PolicyEngine` with one `Policy` per statement of the policy files. Every policy is
 * validated at synth against the schema generated from the tool catalog (the same check the tests
 * make), so a policy naming a tool that does not exist fails `cdk synth`, not the deployment.
 *
 * Attach it to a gateway with `gatewayConfiguration()` and bind the policies to the gateway with
 * `bindTo(gateway, targets)`: policies name the gateway ARN as resource, and the service validates
 * them against the gateway's tools, so they are created after the targets.
 */
export class ToolPolicyEngine extends Construct {
  readonly policyEngine: agentcore.PolicyEngine;
  readonly mode: PolicyMode;
  /** Policy statements by id (`<concern>_<n>`), placeholder unbound. */
  readonly statements: readonly CedarPolicy[];
  /** Policies created by `bindTo`. */
  readonly policies: agentcore.Policy[] = [];
  private readonly validationMode?: agentcore.PolicyValidationMode;

  constructor(scope: Construct, id: string, props: ToolPolicyEngineProps) {
    super(scope, id);
    const problems = new Problems('InvalidPolicyEngineProps');
    const mode = props.mode ?? 'ENFORCE';
    if (!['ENFORCE', 'LOG_ONLY'].includes(mode)) problems.add(`mode: expected ENFORCE or LOG_ONLY, got ${JSON.stringify(mode)}`);
    if (props.policyEngineName !== undefined && !ENGINE_NAME.test(props.policyEngineName)) {
      problems.add(`policyEngineName: expected letters, digits and underscores starting with a letter (at most 48), got ${JSON.stringify(props.policyEngineName)}`);
    }
    if (!props.tools.length) problems.add('tools: expected at least one tool definition');
    problems.throwIfAny();

    let files: PolicyFile[];
    if (props.policyDir === undefined) this.checkReferencePoliciesFit(props.tools);
    try {
      files = loadPolicyFiles(props.policyDir);
      // Validates every policy against the generated schema; throws a KitError naming the policy.
      new CedarAuthorizer({ tools: props.tools, policyFiles: files });
    } catch (error) {
      throw error instanceof KitError ? error : new KitError('InvalidCedarPolicy', [(error as Error).message]);
    }
    this.mode = mode;
    this.statements = files.flatMap((f) => f.policies);
    if (!this.statements.length) throw new KitError('InvalidCedarPolicy', ['policyDir: no policy statements found; every tool call would be denied']);
    this.validationMode = props.validationMode;
    this.policyEngine = new agentcore.PolicyEngine(this, 'Engine', {
      policyEngineName: props.policyEngineName,
      description: `Cedar policies for ${props.tools.length} tools: ${files.map((f) => f.concern).join(', ')}`,
      kmsKey: props.kmsKey,
    });
  }

  /**
   * Without a `policyDir`, the kit's reference policies apply, and they name the reference tools
   * only. For other tools, fail with one error naming `policyDir` and the tools no reference policy
   * permits, and write a default-deny starting set for exactly these tools into the cloud assembly.
   */
  private checkReferencePoliciesFit(tools: readonly ToolDefinition[]): void {
    const permits = loadPolicyFiles(DEFAULT_POLICY_DIR).flatMap((f) => f.policies.filter((p) => p.effect === 'permit').map((p) => p.text));
    const unpermitted = tools.filter((t) => !permits.some((text) => text.includes(`Action::"${cedarActionId(t)}"`)));
    if (!unpermitted.length) return;
    const dir = path.join(Stage.of(this)?.outdir ?? os.tmpdir(), 'policies', Names.uniqueId(this));
    writeDefaultDenyPolicies(dir, unpermitted);
    throw new KitError('PolicyDirRequired', [
      `policyDir: not given, so the kit's reference policies (${DEFAULT_POLICY_DIR}) apply, and they are written for the reference tool catalog; ` +
        `${unpermitted.length} of this gateway's ${tools.length} tools have no permit there: ${unpermitted.map(cedarActionId).join(', ')}. ` +
        `A default-deny policy set for these tools was written to ${dir}: copy it into your project, open each tool for the roles that may call it, and pass its directory as policyDir`,
    ]);
  }

  /** The gateway's `policyEngineConfiguration`. */
  gatewayConfiguration(): agentcore.GatewayPolicyEngineConfig {
    return { policyEngine: this.policyEngine, mode: this.mode === 'ENFORCE' ? agentcore.PolicyEngineMode.ENFORCE : agentcore.PolicyEngineMode.LOG_ONLY };
  }

  /**
   * Create the policies, bound to `gateway`, after `dependencies` (the gateway's targets: the
   * service validates a policy against the tools the gateway has when the policy is created).
   */
  bindTo(gateway: agentcore.IGateway, dependencies: readonly IDependable[] = []): agentcore.Policy[] {
    if (this.policies.length) throw new KitError('PolicyEngineAlreadyBound', [`${this.node.path}: the policies are already bound to a gateway`]);
    for (const statement of this.statements) {
      const policy = this.policyEngine.addPolicy(statement.id, {
        policyName: statement.id,
        description: statement.reason ? `${statement.concern}: ${statement.reason}` : `${statement.concern}.cedar`,
        statement: agentcore.PolicyStatement.fromCedar(bindGateway(statement.text, gateway.gatewayArn)),
        validationMode: this.validationMode,
      });
      for (const d of dependencies) policy.node.addDependency(d);
      this.policies.push(policy);
    }
    return this.policies;
  }
}
