/**
 * The Cedar policies under policies/ against the schema generated from the tool catalog, evaluated
 * with the real Cedar engine. The decision matrix is the contract: role × tool × input → decision.
 */
import { toolCatalog, gatewayToolName } from '../../../catalog';
import { compensationPatterns } from '../../../catalog/policy-text';
import { CedarAuthorizer, claimsToTags } from '../../../lib/policy/cedar-authorizer';
import { cedarSchemaFor } from '../../../lib/policy/cedar-schema';
import { bindGateway, loadPolicyFiles, parsePolicyFile } from '../../../lib/policy/policy-files';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cedar: typeof import('@cedar-policy/cedar-wasm/nodejs') = require('@cedar-policy/cedar-wasm/nodejs');

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/tools-abc';
const files = loadPolicyFiles();
const schema = cedarSchemaFor(toolCatalog);
const authorizer = new CedarAuthorizer({ tools: toolCatalog, gatewayArn: ARN });

const persona = (role: string, extra: Record<string, string> = {}) => ({ sub: `sub-${role}`, role, employeeId: 'E10001', userId: 'u20001', department: 'finance', region: 'EMEA', ...extra });
const analyst = persona('analyst'); // the junior analyst of EMEA
const analystTwoRegions = persona('analyst', { sub: 'sub-analyst2', region: 'EMEA APAC' });
const senior = persona('senior-analyst', { region: 'AMER' });
const financeAdmin = persona('finance-admin');
const employee = persona('employee', { department: 'sales', employeeId: 'E10002', userId: 'u20002' });
const hrStaff = persona('hr-staff', { department: 'hr', employeeId: 'E10003', userId: 'u20003' });
const itStaff = persona('it-staff', { department: 'it', employeeId: 'E10004', userId: 'u20004' });
const noRole = { sub: 'sub-none', employeeId: 'E10001', userId: 'u20001', region: 'EMEA' };
const unknownRole = persona('contractor');

type Row = [who: string, claims: Record<string, string>, tool: string, input: Record<string, unknown>, expected: 'allow' | 'deny'];

const revenue = (region: string) => ({ region, quarter: '2024-Q3' });
const growth = { currentValue: 1284.6, previousValue: 1231.2 };
const summary = (regions?: string[]) => (regions ? { quarter: '2024-Q3', regions } : { quarter: '2024-Q3' });
const kb = (query: string) => ({ query });
const ticket = (employeeId: string) => ({ employeeId, category: 'leave', description: 'Please move my leave start to 15 March.' });
const access = (userId: string) => ({ userId, software: 'figma', justification: 'Review the design mock-ups with the UX team.' });

const MATRIX: Row[] = [
  // The seed's case: a junior analyst goes looking for executive compensation.
  ['junior analyst asks for executive compensation', analyst, 'it___searchKnowledgeBase', kb('executive compensation 2024'), 'deny'],
  ['finance admin asks for salary bands', financeAdmin, 'it___searchKnowledgeBase', kb('salary bands for directors'), 'deny'],
  ['hr staff asks for payroll', hrStaff, 'it___searchKnowledgeBase', kb('Payroll export'), 'deny'],
  ['anyone asks for a compensation policy document', hrStaff, 'hr___getPolicy', { policyName: 'executive-compensation' }, 'deny'],
  // Every spelling: Cedar sees the folded form the interceptor forwards (catalog/policy-text.ts).
  ['upper-case salary bands', employee, 'it___searchKnowledgeBase', kb('SALARY BANDS'), 'deny'],
  ['mixed-case payroll calendar', analyst, 'it___searchKnowledgeBase', kb('PAYROLL calendar'), 'deny'],
  ['synonym remuneration', employee, 'it___searchKnowledgeBase', kb('Remuneration review 2026'), 'deny'],
  ['synonym pay grade', employee, 'it___searchKnowledgeBase', kb('what pay grade is a lead engineer'), 'deny'],
  ['synonym pay-grade, hyphenated', employee, 'it___searchKnowledgeBase', kb('Pay-Grade table'), 'deny'],
  ['synonym wage', itStaff, 'it___searchKnowledgeBase', kb('minimum WAGE by office'), 'deny'],
  ['accented salary', employee, 'it___searchKnowledgeBase', kb('sálary'), 'deny'],
  ['fullwidth salary', employee, 'it___searchKnowledgeBase', kb('ｓａｌａｒｙ'), 'deny'],
  ['Cyrillic look-alike salary', employee, 'it___searchKnowledgeBase', kb('ѕаlаrу list'), 'deny'],
  ['zero-width split salary', employee, 'it___searchKnowledgeBase', kb('sal\u200Bary'), 'deny'],
  ['spelled-out salary', employee, 'it___searchKnowledgeBase', kb('s a l a r y'), 'deny'],
  ['upper-case payroll policy name', hrStaff, 'hr___getPolicy', { policyName: 'PAYROLL' }, 'deny'],
  ['an ordinary upper-case search', employee, 'it___searchKnowledgeBase', kb('VPN MFA Token'), 'allow'],
  // Financial tools.
  ['analyst, own region', analyst, 'financial___getQuarterlyRevenue', revenue('EMEA'), 'allow'],
  ['analyst, other region', analyst, 'financial___getQuarterlyRevenue', revenue('APAC'), 'deny'],
  ['analyst with two regions, second one', analystTwoRegions, 'financial___getQuarterlyRevenue', revenue('APAC'), 'allow'],
  ['analyst with two regions, third one', analystTwoRegions, 'financial___getQuarterlyRevenue', revenue('AMER'), 'deny'],
  ['analyst whose region claim only contains EMEA as a substring', persona('analyst', { region: 'NOTEMEA' }), 'financial___getQuarterlyRevenue', revenue('EMEA'), 'deny'],
  ['analyst whose region claim has EMEA as a prefix', persona('analyst', { region: 'EMEA-WEST APAC' }), 'financial___getQuarterlyRevenue', revenue('EMEA'), 'deny'],
  ['analyst with three regions, middle one', persona('analyst', { region: 'AMER EMEA APAC' }), 'financial___getQuarterlyRevenue', revenue('EMEA'), 'allow'],
  ['analyst with three regions, last one', persona('analyst', { region: 'AMER EMEA APAC' }), 'financial___getQuarterlyRevenue', revenue('APAC'), 'allow'],
  ['analyst with an empty region claim', persona('analyst', { region: '' }), 'financial___getQuarterlyRevenue', revenue('EMEA'), 'deny'],
  ['analyst summary with a substring claim', persona('analyst', { region: 'XEMEAX' }), 'financial___generateExecutiveSummary', summary(['EMEA']), 'deny'],
  ['analyst summary of an empty region list', analyst, 'financial___generateExecutiveSummary', summary([]), 'deny'],
  ['analyst summary of own region', analyst, 'financial___generateExecutiveSummary', summary(['EMEA']), 'allow'],
  ['analyst summary including another region', analyst, 'financial___generateExecutiveSummary', summary(['EMEA', 'AMER']), 'deny'],
  ['analyst summary of all regions (none named)', analyst, 'financial___generateExecutiveSummary', summary(), 'deny'],
  ['analyst growth', analyst, 'financial___calculateGrowth', growth, 'allow'],
  ['senior analyst, any region', senior, 'financial___getQuarterlyRevenue', revenue('APAC'), 'allow'],
  ['senior analyst summary of all regions', senior, 'financial___generateExecutiveSummary', summary(), 'allow'],
  ['finance admin summary', financeAdmin, 'financial___generateExecutiveSummary', summary(['AMER', 'APAC']), 'allow'],
  ['finance admin growth', financeAdmin, 'financial___calculateGrowth', growth, 'allow'],
  ['employee revenue', employee, 'financial___getQuarterlyRevenue', revenue('EMEA'), 'deny'],
  ['employee growth', employee, 'financial___calculateGrowth', growth, 'deny'],
  ['hr staff revenue', hrStaff, 'financial___getQuarterlyRevenue', revenue('EMEA'), 'deny'],
  ['it staff summary', itStaff, 'financial___generateExecutiveSummary', summary(['EMEA']), 'deny'],
  // HR tools.
  ['employee own balance', employee, 'hr___checkVacationBalance', { employeeId: 'E10002' }, 'allow'],
  ['employee someone else’s balance', employee, 'hr___checkVacationBalance', { employeeId: 'E10001' }, 'deny'],
  ['analyst own balance', analyst, 'hr___checkVacationBalance', { employeeId: 'E10001' }, 'allow'],
  ['hr staff anyone’s balance', hrStaff, 'hr___checkVacationBalance', { employeeId: 'E10001' }, 'allow'],
  ['employee ticket for self', employee, 'hr___createHRTicket', ticket('E10002'), 'allow'],
  ['employee ticket for someone else', employee, 'hr___createHRTicket', ticket('E10005'), 'deny'],
  ['hr staff ticket for someone', hrStaff, 'hr___createHRTicket', ticket('E10005'), 'allow'],
  ['it staff balance of someone else', itStaff, 'hr___checkVacationBalance', { employeeId: 'E10001' }, 'deny'],
  ['employee reads a policy', employee, 'hr___getPolicy', { policyName: 'remote-work' }, 'allow'],
  ['analyst reads holidays', analyst, 'hr___getUpcomingHolidays', { year: 2026, region: 'GB' }, 'allow'],
  // IT tools.
  ['employee resets own password', employee, 'it___resetPassword', { userId: 'u20002', system: 'jira' }, 'allow'],
  ['employee resets someone else’s password', employee, 'it___resetPassword', { userId: 'u20001', system: 'jira' }, 'deny'],
  ['it staff resets anyone’s password', itStaff, 'it___resetPassword', { userId: 'u20001', system: 'vpn' }, 'allow'],
  ['analyst checks own VPN', analyst, 'it___checkVPNStatus', { userId: 'u20001' }, 'allow'],
  ['hr staff checks someone else’s VPN', hrStaff, 'it___checkVPNStatus', { userId: 'u20001' }, 'deny'],
  ['employee requests software for self', employee, 'it___requestSoftwareAccess', access('u20002'), 'allow'],
  ['employee requests software for someone else', employee, 'it___requestSoftwareAccess', access('u20001'), 'deny'],
  ['it staff requests software for someone', itStaff, 'it___requestSoftwareAccess', access('u20001'), 'allow'],
  ['employee searches the knowledge base', employee, 'it___searchKnowledgeBase', { query: 'vpn mfa token', maxResults: 3 }, 'allow'],
  // No role, unknown role: default deny everywhere.
  ['no role claim reads a policy', noRole, 'hr___getPolicy', { policyName: 'vacation' }, 'deny'],
  ['no role claim, own balance', noRole, 'hr___checkVacationBalance', { employeeId: 'E10001' }, 'deny'],
  ['unknown role searches', unknownRole, 'it___searchKnowledgeBase', kb('vpn'), 'deny'],
  ['unknown role revenue', unknownRole, 'financial___getQuarterlyRevenue', revenue('EMEA'), 'deny'],
  ['unknown role reads holidays', unknownRole, 'hr___getUpcomingHolidays', { year: 2026, region: 'US' }, 'deny'],
];

describe('Cedar schema generated from the catalog', () => {
  test('parses and declares one action per tool under AgentCore::Action', () => {
    expect(cedar.checkParseSchema(schema)).toEqual({ type: 'success' });
    for (const tool of toolCatalog) expect(schema).toContain(`action "${gatewayToolName(tool)}" in ["CallTool"]`);
  });

  test('context.input follows the zod schema: required, optional, Long, decimal and Set types', () => {
    expect(schema).toMatch(/"financial___getQuarterlyRevenue"[\s\S]*?input: \{\s*region: String,\s*quarter: String,\s*_caller\?: \{\s*sub: String,\s*role\?: String,/);
    expect(schema).toMatch(/"financial___calculateGrowth"[\s\S]*?currentValue: decimal,[\s\S]*?currentLabel\?: String/);
    expect(schema).toMatch(/"financial___generateExecutiveSummary"[\s\S]*?regions\?: Set<String>/);
    expect(schema).toMatch(/"hr___getUpcomingHolidays"[\s\S]*?year: Long/);
  });

  test('every action accepts the optional _caller record the interceptor adds', () => {
    expect(schema.match(/_caller\?: \{\s*sub: String,\s*role\?: String,\s*department\?: String,\s*region\?: String,\s*employeeId\?: String,\s*userId\?: String\s*\}/g)).toHaveLength(toolCatalog.length);
  });

  test('the principal carries claims as String tags', () => {
    expect(schema).toContain('entity OAuthUser = { id: String } tags String;');
  });
});

describe('policy files', () => {
  test.each(files.map((f) => [f.concern, f] as const))('%s validates against the generated schema (strict)', (_concern, file) => {
    const answer = cedar.validate({
      schema,
      policies: { staticPolicies: Object.fromEntries(file.policies.map((p) => [p.id, bindGateway(p.text, ARN)])) },
      validationSettings: { mode: 'strict' },
    });
    expect(answer).toMatchObject({ type: 'success', validationErrors: [] });
  });

  test('one file per concern, the default-deny file holding no policy', () => {
    expect(files.map((f) => f.concern)).toEqual(
      expect.arrayContaining(['00-default-deny', 'financial-analyst', 'financial-senior', 'employee-self-service', 'hr-staff', 'it-staff', 'forbid-compensation']),
    );
    expect(files.find((f) => f.concern === '00-default-deny')?.policies).toEqual([]);
  });

  test('every tool of the catalog is opened by at least one permit', () => {
    const permits = files.flatMap((f) => f.policies).filter((p) => p.effect === 'permit').map((p) => p.text).join('\n');
    const closed = toolCatalog.map(gatewayToolName).filter((name) => !permits.includes(`"${name}"`));
    expect(closed).toEqual([]);
  });

  test('a policy referring to a tool that does not exist fails validation, naming it', () => {
    const bad = parsePolicyFile('bad.cedar', 'permit(principal is AgentCore::OAuthUser, action == AgentCore::Action::"hr___getSalary", resource);');
    expect(() => new CedarAuthorizer({ tools: toolCatalog, policyFiles: [bad] })).toThrow(/InvalidCedarPolicy[\s\S]*hr___getSalary/);
  });

  test('a syntax error names the file', () => {
    expect(() => parsePolicyFile('broken.cedar', 'permit(principal, action resource);')).toThrow(/broken\.cedar/);
  });
});

describe('decision matrix', () => {
  test.each(MATRIX.map(([who, claims, tool, input, expected]) => ({ who, claims, tool, input, expected })))('$who: $tool → $expected', ({ claims, tool, input, expected }) => {
    const result = authorizer.authorize({ claims, toolName: tool, input });
    expect(result.errors).toEqual([]);
    expect(result.decision).toBe(expected);
  });

  test('the matrix covers every tool with at least one allow and one deny', () => {
    for (const name of toolCatalog.map(gatewayToolName)) {
      const rows = MATRIX.filter((r) => r[2] === name);
      expect({ name, decisions: [...new Set(rows.map((r) => r[4]))].sort() }).toEqual({ name, decisions: ['allow', 'deny'] });
    }
  });

  test('the compensation forbids hold exactly the patterns of catalog/policy-text.ts, in folded (lower-case) form', () => {
    const forbids = files.find((f) => f.concern === 'forbid-compensation')!.policies;
    expect(forbids).toHaveLength(2);
    for (const [policy, argument] of [[forbids[0], 'query'], [forbids[1], 'policyName']] as const) {
      const patterns = [...policy.text.matchAll(new RegExp(`context\\.input\\.${argument} like "\\*([^"*]+)\\*"`, 'g'))].map((m) => m[1]);
      expect(patterns.sort()).toEqual(compensationPatterns().sort());
      expect(patterns.filter((p) => p !== p.toLowerCase())).toEqual([]);
    }
  });

  test('Cedar alone compares exactly: without the interceptor folding, an upper-case or look-alike spelling would pass', () => {
    const raw = new CedarAuthorizer({ tools: toolCatalog, gatewayArn: ARN, foldArguments: false });
    for (const query of ['SALARY BANDS', 'ѕаlаrу', 'sal\u200Bary']) expect(raw.authorize({ claims: employee, toolName: 'it___searchKnowledgeBase', input: kb(query) }).decision).toBe('allow');
    expect(raw.authorize({ claims: employee, toolName: 'it___searchKnowledgeBase', input: kb('salary bands') }).decision).toBe('deny');
  });

  test('the second gate of the handlers agrees with the policies: a role may name someone else exactly when the catalog says it acts for others', () => {
    const roles = ['analyst', 'senior-analyst', 'finance-admin', 'employee', 'hr-staff', 'it-staff'];
    const subjectTools = toolCatalog.filter((t) => t.subject);
    expect(subjectTools.map((t) => t.name).sort()).toEqual(['checkVPNStatus', 'checkVacationBalance', 'createHRTicket', 'requestSoftwareAccess', 'resetPassword']);
    for (const tool of subjectTools) {
      const input = { ...tool.examples[0].input, [tool.subject!.argument]: tool.subject!.argument === 'employeeId' ? 'E19999' : 'u29999' };
      for (const role of roles) {
        const decision = authorizer.authorize({ claims: persona(role), toolName: gatewayToolName(tool), input }).decision;
        expect({ tool: tool.name, role, decision }).toEqual({ tool: tool.name, role, decision: tool.subject!.actForOthers.includes(role) ? 'allow' : 'deny' });
      }
    }
  });

  test('a forbid names its reason; a missing permit names role and tool', () => {
    expect(authorizer.authorize({ claims: analyst, toolName: 'it___searchKnowledgeBase', input: kb('executive compensation') })).toMatchObject({
      decision: 'deny',
      policies: ['forbid_compensation_1'],
      message: expect.stringMatching(/compensation, salary and payroll data are not available/),
    });
    expect(authorizer.authorize({ claims: employee, toolName: 'financial___getQuarterlyRevenue', input: revenue('EMEA') }).message).toBe(
      'Denied by policy: no policy permits role employee to call financial___getQuarterlyRevenue with these arguments.',
    );
  });

  test('a call to a tool outside the catalog or without a subject is denied', () => {
    expect(authorizer.authorize({ claims: financeAdmin, toolName: 'hr___getSalary', input: {} })).toMatchObject({ decision: 'deny', message: expect.stringMatching(/not a tool/) });
    const { sub: _sub, ...anonymous } = financeAdmin;
    expect(authorizer.authorize({ claims: anonymous, toolName: 'financial___calculateGrowth', input: growth }).decision).toBe('deny');
  });

  test('claims become string tags; arrays join with spaces; objects are dropped', () => {
    expect(claimsToTags({ role: 'analyst', 'cognito:groups': ['analyst', 'employee'], exp: 5, nested: { a: 1 } })).toEqual({ role: 'analyst', 'cognito:groups': 'analyst employee', exp: '5' });
  });
});
