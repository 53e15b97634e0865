/**
 * Fakes for the AWS parts that cannot run locally: the AgentCore control plane (with fault injection),
 * CloudWatch alarm states, SNS and SSM. They keep the state a real service would, so tests assert the
 * end state, not the calls.
 */
import type { Action } from '@aws-sdk/client-bedrock-agentcore-control';
import type { ReleaseConfig } from '../../../../lambda/rollout/core/config';
import type { AlarmReader, AlarmState, EndpointSnapshot, Notifier, ParameterWriter, ReleaseControlPlane, RuleSnapshot } from '../../../../lambda/rollout/core/ports';
import { staticLiveActions } from '../../../../lambda/rollout/core/routing';

export type Fault =
  /** Throws ThrottlingException; nothing applied. */
  | 'throttle'
  /** Throws InternalServerException; nothing applied. */
  | 'server-error'
  /** Throws ConflictException (rule or endpoint still UPDATING); nothing applied. */
  | 'conflict'
  /** The write lands, but the answer arrives after the caller's deadline. */
  | 'applied-then-slow'
  /** Throws AccessDeniedException (not retryable). */
  | 'denied';

type Method = keyof ReleaseControlPlane;

export const CONFIG: ReleaseConfig = {
  releaseName: 'supervisor',
  tableName: 'release-test',
  gatewayId: 'gw-1',
  ruleId: 'rule-1',
  runtimeId: 'rt-1',
  liveEndpoint: 'live',
  canaryEndpoint: 'canary',
  liveTarget: 'supervisor-live',
  canaryTarget: 'supervisor-canary',
  alarmNames: ['supervisor-canary-health'],
  topicArn: 'arn:aws:sns:us-east-1:111111111111:release',
  liveVersionParameter: '/agentcore-kit/release/supervisor/live-version',
};

function error(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (injected)`), { name, $metadata: { httpStatusCode: status } });
}

export class FakeControlPlane implements ReleaseControlPlane {
  rule: RuleSnapshot;
  readonly endpoints = new Map<string, EndpointSnapshot>();
  /** Every rule the gateway ever held, in order: to prove no half-applied state existed. */
  readonly ruleHistory: Action[][] = [];
  readonly calls: Record<Method, number> = { getRule: 0, updateRuleActions: 0, getEndpoint: 0, pinEndpoint: 0 };
  private readonly faults: Record<Method, Fault[]> = { getRule: [], updateRuleActions: [], getEndpoint: [], pinEndpoint: [] };
  /** Delay of every call in ms (lets concurrent callers interleave). */
  latencyMs = 1;
  /** How late an 'applied-then-slow' answer arrives: past the fixture's 500 ms attempt deadline. */
  slowMs = 1200;
  /** Versions an endpoint never finishes moving to: it stays UPDATING with the version as its target. */
  readonly stuckVersions = new Set<string>();

  constructor(cfg: ReleaseConfig = CONFIG, versions: { live: string; canary: string } = { live: '3', canary: '4' }) {
    this.rule = { ruleId: cfg.ruleId, priority: 100, actions: staticLiveActions(cfg), description: 'release routing' };
    this.ruleHistory.push(this.rule.actions);
    this.endpoints.set(cfg.liveEndpoint, { name: cfg.liveEndpoint, liveVersion: versions.live, status: 'READY' });
    this.endpoints.set(cfg.canaryEndpoint, { name: cfg.canaryEndpoint, liveVersion: versions.canary, status: 'READY' });
  }

  /** Queue faults for the next calls of a method, in order. */
  inject(method: Method, ...faults: Fault[]): this {
    this.faults[method].push(...faults);
    return this;
  }

  private async run<T>(method: Method, apply: () => T): Promise<T> {
    this.calls[method]++;
    await new Promise((r) => setTimeout(r, this.latencyMs));
    const fault = this.faults[method].shift();
    switch (fault) {
      case 'throttle':
        throw error('ThrottlingException', 429);
      case 'server-error':
        throw error('InternalServerException', 500);
      case 'conflict':
        throw error('ConflictException', 409);
      case 'denied':
        throw error('AccessDeniedException', 403);
      case 'applied-then-slow': {
        const result = apply();
        await new Promise((r) => setTimeout(r, this.slowMs).unref());
        return result;
      }
      default:
        return apply();
    }
  }

  getRule(_gatewayId: string, _ruleId: string) {
    return this.run('getRule', () => structuredClone(this.rule));
  }

  updateRuleActions(_gatewayId: string, rule: RuleSnapshot, actions: Action[]) {
    return this.run('updateRuleActions', () => {
      this.rule = { ...this.rule, priority: rule.priority, conditions: rule.conditions, description: rule.description, actions: structuredClone(actions) };
      this.ruleHistory.push(this.rule.actions);
    });
  }

  getEndpoint(_runtimeId: string, name: string) {
    return this.run('getEndpoint', () => {
      const e = this.endpoints.get(name);
      if (!e) throw error('ResourceNotFoundException', 404);
      return { ...e };
    });
  }

  pinEndpoint(_runtimeId: string, name: string, version: string) {
    return this.run('pinEndpoint', () => {
      const e = this.endpoints.get(name);
      if (!e) throw error('ResourceNotFoundException', 404);
      // The fake finishes the update at once; the real endpoint goes through UPDATING.
      if (this.stuckVersions.has(version)) this.endpoints.set(name, { ...e, targetVersion: version, status: 'UPDATING' });
      else this.endpoints.set(name, { ...e, liveVersion: version, targetVersion: undefined, status: 'READY' });
    });
  }
}

export class FakeAlarms implements AlarmReader {
  readonly current = new Map<string, AlarmState>();
  set(name: string, state: AlarmState['state'], reason?: string, timing?: Pick<AlarmState, 'periodSeconds' | 'datapointsToAlarm'>): this {
    this.current.set(name, { name, state, reason, ...timing });
    return this;
  }
  async states(names: readonly string[]) {
    return names.map((n) => this.current.get(n)).filter((a): a is AlarmState => a !== undefined);
  }
}

export class FakeNotifier implements Notifier {
  readonly sent: Array<{ subject: string; message: string }> = [];
  failuresLeft = 0;
  async publish(subject: string, message: string) {
    if (this.failuresLeft-- > 0) throw error('InternalErrorException', 500);
    this.sent.push({ subject, message });
  }
}

export class FakeParameters implements ParameterWriter {
  readonly values = new Map<string, string>();
  /** Fail the next puts (a process that stops before the write lands). */
  putFailuresLeft = 0;
  async put(name: string, value: string) {
    if (this.putFailuresLeft-- > 0) throw error('AccessDeniedException', 400);
    this.values.set(name, value);
  }
  async get(name: string) {
    return this.values.get(name);
  }
}
