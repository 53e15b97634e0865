/** JUnit XML for CI: one test case per dataset case, one per threshold gate. */
import type { RunResult } from '../run';
import type { GateResult } from '../thresholds';

export function escapeXml(text: string): string {
  // Also strip characters XML 1.0 cannot carry.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] as string);
}

export function toJUnit(run: RunResult, gates: readonly GateResult[]): string {
  const suiteName = `eval.${run.labels.agent ?? 'agent'}`;
  const caseXml = run.results.map((r) => {
    const time = (r.latencyMs / 1000).toFixed(3);
    const name = escapeXml(`${r.id}${(r.repeat ?? 1) > 1 ? ` #${r.repeat}` : ''}: ${r.query}`);
    if (r.passed) return `    <testcase classname="${suiteName}.cases" name="${name}" time="${time}"/>`;
    const why = r.error
      ? r.error
      : [
          !r.checks.outcome ? `outcome: expected ${r.expectedOutcome}, got ${r.actualOutcome ?? 'none'}` : '',
          r.checks.toolSelection === false ? `tool: expected ${r.expectedCalls.map((c) => c.tool).join(', ')}, got ${r.actualCalls.map((c) => c.name).join(', ') || 'no call'}` : '',
          (r.checks.unexpectedCalls ?? []).length ? `unexpected calls: ${r.checks.unexpectedCalls.join(', ')}` : '',
          r.checks.order === false ? `order: expected ${r.expectedCalls.map((c) => c.tool).join(' → ')}` : '',
          ...r.checks.parameterMismatches,
        ]
          .filter(Boolean)
          .join('; ');
    const tag = r.error ? 'error' : 'failure';
    return `    <testcase classname="${suiteName}.cases" name="${name}" time="${time}">\n      <${tag} message="${escapeXml(why)}"/>\n    </testcase>`;
  });
  // An inconclusive gate that the policy lets pass still says so in the CI log.
  const gateXml = gates.map((g) =>
    g.passed
      ? g.status === 'inconclusive'
        ? `    <testcase classname="${suiteName}.thresholds" name="${escapeXml(g.metric)}">\n      <system-out>${escapeXml(g.message)}</system-out>\n    </testcase>`
        : `    <testcase classname="${suiteName}.thresholds" name="${escapeXml(g.metric)}"/>`
      : `    <testcase classname="${suiteName}.thresholds" name="${escapeXml(g.metric)}">\n      <failure message="${escapeXml(g.message)}"/>\n    </testcase>`,
  );
  const failures = run.results.filter((r) => !r.passed && !r.error).length + gates.filter((g) => !g.passed).length;
  const errors = run.results.filter((r) => r.error).length;
  const total = run.results.length + gates.length;
  const time = ((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="agent-evaluation" tests="${total}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${total}" failures="${failures}" errors="${errors}" time="${time}" timestamp="${run.startedAt}">`,
    ...caseXml,
    ...gateXml,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
