import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KitError, Problems } from '../errors';

export interface WorkloadIdentitiesProps {
  /** Agent names: one workload identity each (letters, digits, `_`, `-`, `.`; 3–255). */
  readonly agents: readonly string[];
  /**
   * Where OAuth2 user-consent flows may return to (for agents that act on a user's behalf at a third party).
   * @default - none
   */
  readonly allowedOauth2ReturnUrls?: readonly string[];
  /**
   * Prefix of the workload identity names.
   * @default - none
   */
  readonly namePrefix?: string;
}

/**
 * One AgentCore `WorkloadIdentity` per agent runtime: the identity an agent presents to the token
 * vault to obtain outbound credentials (API keys, OAuth2 tokens) for the tools it calls.
 */
export class WorkloadIdentities extends Construct {
  readonly identities: Readonly<Record<string, agentcore.WorkloadIdentity>>;

  constructor(scope: Construct, id: string, props: WorkloadIdentitiesProps) {
    super(scope, id);
    const problems = new Problems('InvalidWorkloadIdentityProps');
    problems.check(props.agents.length > 0, 'agents: expected at least one agent name');
    const seen = new Set<string>();
    for (const agent of props.agents) {
      const name = `${props.namePrefix ?? ''}${agent}`;
      problems.check(/^[A-Za-z0-9_.-]{3,255}$/.test(name), `agents: workload identity name ${JSON.stringify(name)} must be 3–255 letters, digits, _, - or .`);
      problems.check(!seen.has(agent), `agents: ${JSON.stringify(agent)} is listed twice`);
      seen.add(agent);
    }
    for (const url of props.allowedOauth2ReturnUrls ?? []) problems.check(/^https:\/\//.test(url), `allowedOauth2ReturnUrls: ${JSON.stringify(url)} must be an https URL`);
    problems.throwIfAny();
    this.identities = Object.fromEntries(
      props.agents.map((agent) => [
        agent,
        new agentcore.WorkloadIdentity(this, agent, {
          workloadIdentityName: `${props.namePrefix ?? ''}${agent}`,
          allowedResourceOauth2ReturnUrls: props.allowedOauth2ReturnUrls ? [...props.allowedOauth2ReturnUrls] : undefined,
        }),
      ]),
    );
  }

  /** The workload identity of `agent`; throws naming the known agents. */
  of(agent: string): agentcore.WorkloadIdentity {
    const wi = this.identities[agent];
    if (!wi) throw new KitError('UnknownAgent', [`agent: ${JSON.stringify(agent)} has no workload identity; known: ${Object.keys(this.identities).join(', ')}`]);
    return wi;
  }

  /** Let `grantee` (the agent runtime's role) obtain tokens as `agent`. */
  grantUse(agent: string, grantee: iam.IGrantable): iam.Grant {
    return this.of(agent).grantUse(grantee);
  }
}
