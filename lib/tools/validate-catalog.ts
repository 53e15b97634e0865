import { formatLintIssues, lintCatalog } from '../../catalog/lint';
import type { ToolDefinition } from '../../catalog/tool';
import { KitError } from '../errors';

/**
 * Fail synth on a vague or broken tool catalog: throws `KitError('InvalidToolCatalog')` listing
 * every lint issue (see catalog/lint.ts). The ToolCatalog construct calls it; an app may call it
 * on its own catalog too.
 */
export function validateToolCatalog(tools: readonly ToolDefinition[]): void {
  const issues = lintCatalog(tools);
  if (issues.length) throw new KitError('InvalidToolCatalog', formatLintIssues(issues).split('\n'));
}
