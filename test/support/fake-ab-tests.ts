import type { CreateABTestCommandInput, GetABTestCommandOutput, UpdateABTestCommandInput } from '@aws-sdk/client-bedrock-agentcore';
import type { AbTestApi } from '../../lambda/rollout/ab-test';

/** In-memory stand-in for the data-plane A/B test API: keeps tests by id like the service does. */
export class FakeAbTests implements AbTestApi {
  readonly tests = new Map<string, GetABTestCommandOutput>();
  readonly created: CreateABTestCommandInput[] = [];
  readonly updates: UpdateABTestCommandInput[] = [];
  private readonly byToken = new Map<string, string>();
  async create(input: CreateABTestCommandInput) {
    this.created.push(input);
    const existing = input.clientToken ? this.byToken.get(input.clientToken) : undefined;
    const id = existing ?? `ab-${this.tests.size + 1}`;
    if (!existing) {
      this.tests.set(id, {
        $metadata: {},
        abTestId: id,
        abTestArn: `arn:aws:bedrock-agentcore:us-east-1:111111111111:ab-test/${id}`,
        name: input.name,
        status: 'ACTIVE',
        executionStatus: input.enableOnCreate ? 'RUNNING' : 'NOT_STARTED',
        gatewayArn: input.gatewayArn,
        variants: input.variants,
        evaluationConfig: input.evaluationConfig,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      if (input.clientToken) this.byToken.set(input.clientToken, id);
    }
    const t = this.tests.get(id)!;
    return { abTestId: id, status: t.status!, executionStatus: t.executionStatus! };
  }
  async get(id: string) {
    const t = this.tests.get(id);
    if (!t) throw Object.assign(new Error(`ab test ${id} not found`), { name: 'ResourceNotFoundException' });
    return t;
  }
  async update(input: UpdateABTestCommandInput) {
    this.updates.push(input);
    const t = await this.get(input.abTestId!);
    // A stopped test is final: the service refuses to run or pause it again.
    if (t.executionStatus === 'STOPPED' && input.executionStatus && input.executionStatus !== 'STOPPED') {
      throw Object.assign(new Error(`ab test ${input.abTestId} is STOPPED`), { name: 'ConflictException' });
    }
    const next = { ...t, executionStatus: input.executionStatus ?? t.executionStatus, stoppedAt: input.executionStatus === 'STOPPED' ? new Date() : t.stoppedAt };
    this.tests.set(input.abTestId!, next);
    return { status: next.status!, executionStatus: next.executionStatus! };
  }
}
