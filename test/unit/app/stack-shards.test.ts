import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { countResources, StackShards } from '../../../lib/app/stack-shards';

/** A unit of `n` plain resources. */
function unit(stack: Stack, id: string, n: number): void {
  for (let i = 0; i < n; i++) new CfnResource(stack, `${id}-${i}`, { type: 'AWS::SNS::Topic' });
}

describe('StackShards', () => {
  test('keeps units in one stack while they fit', () => {
    const shards = new StackShards(new App(), 'Work', { maxResources: 100 });
    for (let i = 0; i < 4; i++) shards.place('agent', (s) => unit(s, `a${i}`, 20));
    expect(shards.stacks.map((s) => s.stackName)).toEqual(['Work1']);
    expect(countResources(shards.stacks[0])).toBe(80);
  });

  test('opens a new stack when the next unit of a kind would pass the limit, never splitting a unit', () => {
    const shards = new StackShards(new App(), 'Work', { maxResources: 100 });
    for (let i = 0; i < 12; i++) shards.place('agent', (s) => unit(s, `a${i}`, 30));
    expect(shards.stacks.map(countResources)).toEqual([90, 90, 90, 90]);
  });

  test('learns each kind of unit separately', () => {
    const shards = new StackShards(new App(), 'Work', { maxResources: 100 });
    shards.place('big', (s) => unit(s, 'b', 70));
    shards.place('small', (s) => unit(s, 's1', 5));
    shards.place('small', (s) => unit(s, 's2', 5));
    shards.place('big', (s) => unit(s, 'b2', 70));
    expect(shards.stacks.map(countResources)).toEqual([80, 70]);
  });

  test('returns what the builder returns', () => {
    const shards = new StackShards(new App(), 'Work');
    expect(shards.place('x', (s) => s.stackName)).toBe('Work1');
  });

  test('a unit larger than the budget is an error naming the kind and the fix', () => {
    const shards = new StackShards(new App(), 'Work', { maxResources: 50 });
    expect(() => shards.place('agent', (s) => unit(s, 'a', 60))).toThrow(/agent: one unit has 60 resources, more than maxResources 50; split it/);
  });

  test.each([5, 500, 12.5])('maxResources %p is rejected with the allowed range', (max) => {
    expect(() => new StackShards(new App(), 'Work', { maxResources: max })).toThrow(/maxResources: expected a whole number from 10 to 499/);
  });
});
