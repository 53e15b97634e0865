/**
 * A rule-based stand-in for the LLM of each reference agent, for `npm run agent:dev -- --scripted`
 * and evaluation dry runs: keywords pick the specialist and the tool, regular expressions and the
 * context attributes fill the arguments. It exercises every part of the platform except the model;
 * it is not meant to score well on paraphrases (that is what the real model is for).
 */
import type { AgentId } from '../../catalog/agents';
import { REVENUE_REGIONS } from '../../catalog/formats';
import { ScriptedModel, type ModelCall, type Script, type ScriptedTurn } from './scripted-model';

const attr = (call: ModelCall, name: string) => new RegExp(`^-? ?${name}: (.+)$`, 'm').exec(call.systemPrompt)?.[1]?.trim();
const has = (text: string, re: RegExp) => re.test(text);
const call = (name: string, input: Record<string, unknown>): ScriptedTurn => ({ toolCalls: [{ name, input }] });
const decline: ScriptedTurn = { toolCalls: [{ name: 'declineOutOfScope', input: { reason: 'outside the scope' } }] };
const OUT_OF_SCOPE = /\b(invest|stock|shares|crypto|bitcoin|buy or sell|lawsuit|sue\b|diagnos|salary of|salaries|payroll of)/i;

const isScalar = (v: unknown) => typeof v !== 'object' || v === null;

/** A value on one line: scalars as they are, lists comma-separated, objects as `key: value` pairs. */
function inline(value: unknown): string {
  if (isScalar(value)) return String(value);
  if (Array.isArray(value)) return value.map(inline).join(', ');
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => (Array.isArray(v) && !v.every(isScalar) ? `${k}: [${v.map(inline).join('; ')}]` : `${k}: ${inline(v)}`))
    .join(', ');
}

/**
 * A tool result as text, every field kept: the scalar fields on the first line, then each list or
 * object field under its name, one line per entry (holidays, articles, regions of a summary).
 */
export function renderToolResult(value: Record<string, unknown>): string {
  const entries = Object.entries(value);
  const lines = [inline(Object.fromEntries(entries.filter(([, v]) => isScalar(v))))].filter(Boolean);
  for (const [k, v] of entries.filter(([, v]) => !isScalar(v))) {
    if (Array.isArray(v) && v.length === 0) lines.push(`${k}: none`);
    else if (Array.isArray(v)) lines.push(`${k}:`, ...v.map((item) => `- ${inline(item)}`));
    else lines.push(`${k}: ${inline(v)}`);
  }
  return lines.join('\n');
}

/** After a tool result: relay it (figures verbatim, lists included) — or the error message. */
function relay(call: ModelCall): ScriptedTurn {
  const parts = call.lastToolResults.map((r) => {
    try {
      const value = JSON.parse(r) as Record<string, unknown> & { error?: { message?: string } };
      if (value.error) return `Sorry: ${value.error.message ?? 'the tool failed'}`;
      return renderToolResult(value);
    } catch {
      return r;
    }
  });
  return { text: parts.join('\n') };
}

/** A claim of the verified caller, from the context attributes' `user_claims` block. */
const claim = (call: ModelCall, name: string) => new RegExp(`^- ${name}: (.+)$`, 'm').exec(call.systemPrompt)?.[1]?.trim();

/** The revenue regions of the caller's `region` claim (space-separated codes), in claim order. */
function claimedRegions(call: ModelCall): string[] {
  return (claim(call, 'region') ?? '').split(/\s+/).filter((r) => (REVENUE_REGIONS as readonly string[]).includes(r));
}

function quarterOf(text: string, today: string): string {
  const explicit = /\b(\d{4})-?Q([1-4])\b/i.exec(text) ?? /\bQ([1-4])\s*(\d{4})\b/i.exec(text);
  if (explicit) return /^\d{4}$/.test(explicit[1]) ? `${explicit[1]}-Q${explicit[2]}` : `${explicit[2]}-Q${explicit[1]}`;
  const [y, m] = today.split('-').map(Number);
  const current = Math.floor((m - 1) / 3) + 1;
  const q = /\bQ([1-4])\b/i.exec(text)?.[1];
  if (q) return `${y}-Q${q}`;
  if (/last quarter|previous quarter/i.test(text)) return current === 1 ? `${y - 1}-Q4` : `${y}-Q${current - 1}`;
  return `${y}-Q${current}`;
}

const REGION_WORDS: Record<string, (text: string) => boolean> = {
  EMEA: (t) => /\b(emea|europe|uk|germany|france|middle east|africa)\b/i.test(t),
  APAC: (t) => /\b(apac|asia|pacific|japan|india|singapore|australia)\b/i.test(t),
  // "US" only in capitals: "tell us" is not a region.
  AMER: (t) => /\b(amer|americas|north america|latam|canada)\b/i.test(t) || /\bUSA?\b/.test(t),
};

/** The revenue regions the text names, in catalog order. */
function regionsNamed(text: string): string[] {
  return REVENUE_REGIONS.filter((r) => REGION_WORDS[r](text));
}

const supervisor: Script = (c) => {
  if (c.lastToolResults.length) return { text: c.lastToolResults.join('\n') };
  const t = c.lastUserText;
  if (has(t, OUT_OF_SCOPE)) return decline;
  const route = (id: string): ScriptedTurn =>
    c.toolNames.includes('runSequence') ? call('runSequence', { steps: [{ specialist: id, request: t }] }) : call(`delegate_${id}`, { request: t });
  if (has(t, /revenue|growth|quarter|\bq[1-4]\b|executive summary|sales|earnings|emea|apac|amer/i)) return route('financial');
  if (has(t, /vacation|pto|leave|holiday|policy|hr\b|ticket|parental|remote|expense|travel|harass|benefit/i)) return route('hr');
  if (has(t, /password|vpn|software|install|access|laptop|outlook|email|wifi|log ?in|locked|knowledge|printer|ransomware|mfa|authenticator/i)) return route('it');
  return { text: 'Hello! I can help with financial analytics, HR policies and IT support. What do you need today?' };
};

const financial: Script = (c) => {
  if (c.lastToolResults.length) return relay(c);
  const t = c.lastUserText;
  if (has(t, OUT_OF_SCOPE)) return decline;
  const today = attr(c, 'current_date') ?? new Date().toISOString().slice(0, 10);
  // Regions the user names, else those of their region claim (an EMEA analyst asks for EMEA only,
  // as the policies require), else every region (staff without a region claim; the policies decide).
  const named = regionsNamed(t);
  const scope = named.length ? named : claimedRegions(c);
  if (has(t, /summary|report/i)) return call('financial___generateExecutiveSummary', { quarter: quarterOf(t, today), regions: scope.length ? scope : [...REVENUE_REGIONS] });
  return call('financial___getQuarterlyRevenue', { region: scope[0] ?? 'EMEA', quarter: quarterOf(t, today) });
};

const hr: Script = (c) => {
  if (c.lastToolResults.length) return relay(c);
  const t = c.lastUserText;
  if (has(t, OUT_OF_SCOPE)) return decline;
  const employeeId = attr(c, 'employeeId') ?? /\bE\d{5}\b/.exec(`${c.systemPrompt}\n${t}`)?.[0];
  const today = attr(c, 'current_date') ?? new Date().toISOString().slice(0, 10);
  if (has(t, /holiday|bank holiday|public/i) && !has(t, /my holiday|allowance/i)) {
    return call('hr___getUpcomingHolidays', { year: Number(today.slice(0, 4)), region: /\b(GB|UK|britain)\b/i.test(t) ? 'GB' : /\b(DE|germany)\b/i.test(t) ? 'DE' : /\b(IN|india)\b/i.test(t) ? 'IN' : /\b(SG|singapore)\b/i.test(t) ? 'SG' : 'US' });
  }
  const policy = /(sick|parental|remote|wfh|expense|travel|conduct)/i.exec(t)?.[1]?.toLowerCase();
  if (policy || has(t, /policy/i)) {
    const names: Record<string, string> = { sick: 'sick-leave', parental: 'parental-leave', remote: 'remote-work', wfh: 'remote-work', expense: 'expenses', travel: 'travel', conduct: 'code-of-conduct' };
    return call('hr___getPolicy', { policyName: (policy && names[policy]) ?? 'vacation' });
  }
  if (!employeeId) return { text: 'What is your employee id?' };
  if (has(t, /ticket|report|harass|complain|concern/i)) {
    return call('hr___createHRTicket', { employeeId, category: has(t, /harass|concern|report/i) ? 'workplace-concern' : 'other', description: t.padEnd(20, '.') });
  }
  return call('hr___checkVacationBalance', { employeeId });
};

const it: Script = (c) => {
  if (c.lastToolResults.length) return relay(c);
  const t = c.lastUserText;
  if (has(t, OUT_OF_SCOPE)) return decline;
  const userId = attr(c, 'userId') ?? /\bu\d{5}\b/.exec(`${c.systemPrompt}\n${t}`)?.[0];
  if (has(t, /password|locked|reset/i)) {
    const system = /vpn/i.test(t) ? 'vpn' : /email|outlook|mail/i.test(t) ? 'email' : /sap/i.test(t) ? 'sap' : /salesforce/i.test(t) ? 'salesforce' : /jira/i.test(t) ? 'jira' : /\b(ad|windows|laptop|network)\b/i.test(t) ? 'active-directory' : undefined;
    if (!system) return { text: 'Which system: active-directory, email, vpn, sap, salesforce or jira?' };
    return userId ? call('it___resetPassword', { userId, system }) : { text: 'What is your user id?' };
  }
  if (has(t, /vpn/i)) return userId ? call('it___checkVPNStatus', { userId }) : { text: 'What is your user id?' };
  const software = /(slack|zoom|figma|tableau|github|jira|vs ?code|visual studio code|acrobat)/i.exec(t)?.[1]?.toLowerCase();
  if (software && has(t, /access|install|need|request/i)) {
    const names: Record<string, string> = { 'vs code': 'visual-studio-code', vscode: 'visual-studio-code', 'visual studio code': 'visual-studio-code', acrobat: 'adobe-acrobat' };
    return userId ? call('it___requestSoftwareAccess', { userId, software: names[software] ?? software, justification: t.padEnd(20, '.') }) : { text: 'What is your user id?' };
  }
  return call('it___searchKnowledgeBase', { query: t.slice(0, 200).padEnd(3, ' ') });
};

const SCRIPTS: Record<AgentId, Script> = { supervisor, financial, hr, it };

/** A fresh keyword-scripted model for an agent. */
export function keywordModel(agent: AgentId): ScriptedModel {
  return new ScriptedModel(SCRIPTS[agent], { modelId: 'scripted-keywords' });
}
