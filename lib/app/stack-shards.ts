import { CfnResource, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { KitError } from '../errors';

/** CloudFormation's hard limit of resources per template. */
export const CLOUDFORMATION_MAX_RESOURCES = 500;

export interface StackShardsProps extends StackProps {
  /**
   * Resources a shard may hold before the next unit opens a new stack. Leaves room under the
   * CloudFormation limit for what CDK adds at synth (metadata, custom resource providers).
   * @default 400
   */
  readonly maxResources?: number;
}

/**
 * Places units of work (a tool group, an agent runtime...) into as many stacks as needed so
 * that no template passes CloudFormation's resource limit. A unit always lands whole in one
 * stack; the size of each kind of unit is learnt from the first one built, so the packer stays
 * a single pass (no unit is built twice).
 */
export class StackShards {
  readonly stacks: Stack[] = [];
  private readonly maxResources: number;
  private readonly sizeOfKind = new Map<string, number>();
  private current?: Stack;

  constructor(
    private readonly scope: Construct,
    private readonly idPrefix: string,
    private readonly props: StackShardsProps = {},
  ) {
    const max = props.maxResources ?? 400;
    if (!Number.isInteger(max) || max < 10 || max >= CLOUDFORMATION_MAX_RESOURCES) {
      throw new KitError('InvalidStackShards', [`maxResources: expected a whole number from 10 to ${CLOUDFORMATION_MAX_RESOURCES - 1}, got ${max}`]);
    }
    this.maxResources = max;
  }

  /** Build one unit into the current shard, or into a new one when it would not fit. */
  place<T>(kind: string, build: (stack: Stack) => T): T {
    const expected = this.sizeOfKind.get(kind) ?? 0;
    if (!this.current || countResources(this.current) + expected > this.maxResources) this.current = this.open();
    const stack = this.current;
    const before = countResources(stack);
    const result = build(stack);
    const size = countResources(stack) - before;
    if (size > this.maxResources) {
      throw new KitError('UnitTooLarge', [`${kind}: one unit has ${size} resources, more than maxResources ${this.maxResources}; split it`]);
    }
    this.sizeOfKind.set(kind, Math.max(expected, size));
    return result;
  }

  private open(): Stack {
    const { maxResources: _ignored, ...stackProps } = this.props;
    // Shards do not depend on each other, so CloudFormation deploys them in parallel.
    const stack = new Stack(this.scope, `${this.idPrefix}${this.stacks.length + 1}`, stackProps);
    this.stacks.push(stack);
    return stack;
  }
}

/** CloudFormation resources currently defined in a stack (nested stacks count as one). */
export function countResources(stack: Stack): number {
  return stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
}
