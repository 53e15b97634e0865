/** A gateway's own tools without a policyDir: one clear error and a default-deny starting set. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as z from 'zod';
import { defineTool, KitError, toolCatalog, ToolPolicyEngine, type ToolDefinition } from '../../../lib';

const tool = (name: string): ToolDefinition =>
  defineTool({
    name,
    target: 'orders',
    description: `Looks up one order by its id and returns its status and total in EUR; the id is the 10-digit order number printed on the invoice (${name}).`,
    usage: 'Use when a customer asks where an order is or what it cost.',
    input: z.strictObject({ orderId: z.string().regex(/^\d{10}$/).describe('10-digit order number') }),
    output: z.object({ status: z.string().describe('Order status'), total: z.number().describe('Total in EUR') }),
    errors: [{ code: 'NOT_FOUND', when: 'no order has this id', agentAction: 'Ask the user to check the order number.' }],
    examples: [{ userRequest: 'Where is order 1234567890?', input: { orderId: '1234567890' }, output: { status: 'shipped', total: 42.5 } }],
  });

const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'policy-out-'));

test('the reference catalog keeps the reference policies by default', () => {
  expect(() => new ToolPolicyEngine(new Stack(new App({ outdir: outdir() }), 'S'), 'Policy', { tools: toolCatalog })).not.toThrow();
});

test('own tools without a policyDir fail once, naming policyDir and every tool without a permit, and get a default-deny set', () => {
  const app = new App({ outdir: outdir() });
  const tools = [tool('getOrder'), tool('getOrderTotal')];
  let error: KitError | undefined;
  try {
    new ToolPolicyEngine(new Stack(app, 'S'), 'Policy', { tools });
  } catch (e) {
    error = e as KitError;
  }
  expect(error).toBeInstanceOf(KitError);
  expect(error!.code).toBe('PolicyDirRequired');
  expect(error!.problems).toHaveLength(1);
  expect(error!.message).toMatch(/^\[PolicyDirRequired\] policyDir: not given, .* 2 of this gateway's 2 tools have no permit there: orders___getOrder, orders___getOrderTotal\. A default-deny policy set for these tools was written to (\S+): .* pass its directory as policyDir$/);
  const dir = /written to (\S+):/.exec(error!.message)![1];
  expect(dir.startsWith(app.outdir)).toBe(true);
  expect(fs.readdirSync(dir).sort()).toEqual(['00-default-deny.cedar', 'orders.cedar']);

  // As written it permits nothing; with its permit opened for a role it is a valid policy set for these tools.
  expect(() => new ToolPolicyEngine(new Stack(app, 'Closed'), 'Policy', { tools, policyDir: dir })).toThrow(/policyDir: no policy statements found/);
  const file = path.join(dir, 'orders.cedar');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^\/\/ (?!Tools)/gm, '').replace('<role>', 'support'));
  const engine = new ToolPolicyEngine(new Stack(app, 'Open'), 'Policy', { tools, policyDir: dir });
  expect(engine.statements.map((s) => s.id)).toEqual(['orders_1']);
});
