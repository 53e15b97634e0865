/**
 * IT support tools (gateway target `it`). Users are identified by their directory user id
 * (u + 5 digits). No tool returns a password or a secret: a reset sends a link to the address on file.
 */
import * as z from 'zod';
import { defineTool } from '../tool';
import { IT_SYSTEMS, SOFTWARE_CATALOG, integer, isoTimestamp, oneOf, text, userId } from '../formats';

export const IT_TARGET = 'it';

const unavailable = {
  code: 'SERVICE_UNAVAILABLE',
  when: 'the IT service desk data store does not answer after 3 attempts with backoff',
  agentAction: 'Tell the user the IT service desk is temporarily unavailable and to try again in a few minutes.',
} as const;
const invalid = (what: string) => ({ code: 'VALIDATION_ERROR', when: what, agentAction: 'Fix the argument named in the error (ask the user if needed) and call again.' }) as const;

/** Employees act on their own record; it-staff act for anyone (as policies/it-staff.cedar permits). */
const selfService = { argument: 'userId', claim: 'userId', actForOthers: ['it-staff'] } as const;
const forbidden = {
  code: 'FORBIDDEN',
  when: 'userId is not the caller’s own and the caller’s role may not act for others',
  agentAction: 'Tell the user they can only do this for themselves; do not retry with another id.',
} as const;
const inProgress = {
  code: 'CONFLICT',
  when: 'an identical request is still being processed',
  agentAction: 'Wait a few seconds and call again with the same arguments; it returns the same request.',
} as const;

export const resetPassword = defineTool({
  name: 'resetPassword',
  target: IT_TARGET,
  description:
    'Starts a password reset for one user on one system: sends a single-use reset link (valid 30 minutes) to the email address on file and returns a request id (format PWR-XXXXXXXX). Never returns a password. Requires userId (u + 5 digits, e.g. u20001) and system, one of: active-directory, email, vpn, sap, salesforce, jira. Idempotent: retrying the same call within 1 hour returns the same request.',
  usage:
    'Use when the user says they forgot a password, are locked out or need a reset for a named system. Ask which system if unclear (active-directory covers the laptop login). Never ask for or repeat passwords.',
  input: z.strictObject({
    userId: userId(),
    system: oneOf(IT_SYSTEMS, 'System whose password to reset: active-directory, email, vpn, sap, salesforce or jira'),
  }),
  output: z.object({
    requestId: z.string().describe('Reset request id, PWR- followed by 8 characters'),
    userId: z.string().describe('The user id'),
    system: z.enum(IT_SYSTEMS).describe('The system'),
    status: z.literal('RESET_LINK_SENT').describe('Always RESET_LINK_SENT: a link went to the email on file'),
    deliveredTo: z.string().describe('Masked email address the link went to, e.g. a***@example.com'),
    expiresAt: isoTimestamp('When the reset link stops working (30 minutes after the request)'),
  }),
  errors: [
    forbidden,
    invalid('userId is not u followed by 5 digits, or system is not one of the listed systems'),
    { code: 'NOT_FOUND', when: 'the user does not exist or has no account on that system', agentAction: 'Tell the user no account was found for that system and suggest requestSoftwareAccess or a service-desk call.' },
    inProgress,
    unavailable,
  ],
  examples: [
    {
      userRequest: "I'm locked out of Jira, can you reset it? My id is u20001.",
      input: { userId: 'u20001', system: 'jira' },
      output: { requestId: 'PWR-4K8Z2M1Q', userId: 'u20001', system: 'jira', status: 'RESET_LINK_SENT', deliveredTo: 'a***@example.com', expiresAt: '2026-11-26T10:00:00.000Z' },
    },
  ],
  mutating: true,
  subject: selfService,
});

export const checkVPNStatus = defineTool({
  name: 'checkVPNStatus',
  target: IT_TARGET,
  description:
    'Returns the VPN status of one user: whether a session is connected now, the gateway and time of the last connection (ISO 8601 UTC), the VPN account status (ACTIVE, LOCKED or DISABLED), the installed client version and whether it is up to date. Requires userId in the format u followed by 5 digits (e.g. u20001).',
  usage:
    'Use when the user reports VPN trouble (cannot connect, keeps dropping, slow). If the account is LOCKED suggest resetPassword with system vpn; if the client is outdated tell them to update it.',
  input: z.strictObject({ userId: userId() }),
  output: z.object({
    userId: z.string().describe('The user id'),
    connected: z.boolean().describe('True when a VPN session is open now'),
    accountStatus: z.enum(['ACTIVE', 'LOCKED', 'DISABLED']).describe('VPN account status: ACTIVE, LOCKED (too many failed logins) or DISABLED'),
    lastConnectedAt: z.string().nullable().describe('Start of the last VPN session, ISO 8601 UTC; null if never connected'),
    gateway: z.string().nullable().describe('VPN gateway of the last session, e.g. vpn-eu-west; null if never connected'),
    clientVersion: z.string().describe('Installed VPN client version, e.g. 5.2.1'),
    clientUpToDate: z.boolean().describe('True when the installed client is the supported version or newer'),
    latestClientVersion: z.string().describe('Current supported VPN client version'),
  }),
  errors: [
    forbidden,
    invalid('userId is missing or not u followed by 5 digits'),
    { code: 'NOT_FOUND', when: 'no user has that userId', agentAction: 'Ask the user to check their user id.' },
    unavailable,
  ],
  examples: [
    {
      userRequest: "My VPN keeps failing (u20002), what's wrong?",
      input: { userId: 'u20002' },
      output: {
        userId: 'u20002',
        connected: false,
        accountStatus: 'LOCKED',
        lastConnectedAt: '2026-11-20T08:12:00.000Z',
        gateway: 'vpn-eu-west',
        clientVersion: '5.0.3',
        clientUpToDate: false,
        latestClientVersion: '5.2.1',
      },
    },
  ],
  subject: selfService,
});

export const requestSoftwareAccess = defineTool({
  name: 'requestSoftwareAccess',
  target: IT_TARGET,
  description:
    'Files a request for a licence of one approved software product for one user and returns a request id (format SAR-XXXXXXXX) and status: APPROVED for self-service software (slack, zoom, visual-studio-code), otherwise PENDING_APPROVAL by the manager. Requires userId (u + 5 digits), software (one of: slack, zoom, figma, tableau, github, jira, visual-studio-code, adobe-acrobat) and a justification of 20–500 characters. Idempotent: retrying the same call within 1 hour returns the same request.',
  usage:
    'Use when the user asks for access to, a licence for or installation of a software product from the approved catalog. Ask for a business justification if the user gave none. Software outside the list is not available through this tool: tell the user to contact the service desk.',
  input: z.strictObject({
    userId: userId(),
    software: oneOf(SOFTWARE_CATALOG, 'Approved software product: slack, zoom, figma, tableau, github, jira, visual-studio-code or adobe-acrobat'),
    justification: text(20, 500, 'Business reason for the access, in the user’s words; 20–500 characters'),
  }),
  output: z.object({
    requestId: z.string().describe('Request id, SAR- followed by 8 characters'),
    userId: z.string().describe('The user id'),
    software: z.enum(SOFTWARE_CATALOG).describe('The software product'),
    status: z.enum(['APPROVED', 'PENDING_APPROVAL']).describe('APPROVED (self-service software) or PENDING_APPROVAL (waiting for the manager)'),
    approver: z.enum(['self-service', 'manager']).describe('Who approves: self-service or the user’s manager'),
    createdAt: isoTimestamp('When the request was filed'),
  }),
  errors: [
    forbidden,
    invalid('userId, software or justification is missing or malformed (justification must be 20–500 characters)'),
    { code: 'NOT_FOUND', when: 'no user has that userId', agentAction: 'Ask the user to check their user id; no request was filed.' },
    { code: 'CONFLICT', when: 'the user already has access to that software, or an identical request is still being processed', agentAction: 'Tell the user they already have access (or wait and retry with the same arguments).' },
    unavailable,
  ],
  examples: [
    {
      userRequest: 'I need Figma to review the new design mock-ups with the UX team (u20001).',
      input: { userId: 'u20001', software: 'figma', justification: 'Review and comment on the new design mock-ups with the UX team.' },
      output: { requestId: 'SAR-9QX2L7MB', userId: 'u20001', software: 'figma', status: 'PENDING_APPROVAL', approver: 'manager', createdAt: '2026-11-26T09:30:00.000Z' },
    },
  ],
  mutating: true,
  subject: selfService,
});

export const searchKnowledgeBase = defineTool({
  name: 'searchKnowledgeBase',
  target: IT_TARGET,
  description:
    'Searches the IT knowledge base articles by keywords and returns up to maxResults matches (default 5), best first, each with article id (format KB-NNNN), title, a 200-character excerpt, a relevance score from 0 to 1 and a link. Requires query text of 3–200 characters; an empty result list means no article matched.',
  usage:
    'Use for how-to and troubleshooting questions (printers, Wi-Fi, email setup, MFA, VPN set-up) before suggesting a ticket. Pass the user’s key terms, not a full sentence. Cite the article id and link in the answer.',
  input: z.strictObject({
    query: text(3, 200, 'Search keywords, e.g. "vpn mfa token"; 3–200 characters'),
    maxResults: integer(1, 10, 'Maximum number of articles to return, 1–10; default 5').optional(),
  }),
  output: z.object({
    query: z.string().describe('The query as searched (trimmed)'),
    results: z
      .array(
        z.object({
          articleId: z.string().describe('Article id, KB- followed by 4 digits'),
          title: z.string().describe('Article title'),
          excerpt: z.string().describe('First 200 characters of the article body'),
          score: z.number().describe('Relevance from 0 to 1: share of query terms the article contains'),
          url: z.string().describe('Link to the full article'),
        }),
      )
      .describe('Matching articles, best first; empty when nothing matched'),
  }),
  errors: [
    invalid('query is shorter than 3 or longer than 200 characters, or maxResults is not 1–10'),
    {
      code: 'FORBIDDEN',
      when: 'the query asks for compensation, salary, payroll or other pay data, in any spelling',
      agentAction: 'Tell the user pay data is not available through the assistant and to contact HR directly; do not rephrase the search.',
    },
    unavailable,
  ],
  examples: [
    {
      userRequest: 'How do I set up MFA on my new phone?',
      input: { query: 'mfa new phone', maxResults: 3 },
      output: {
        query: 'mfa new phone',
        results: [
          {
            articleId: 'KB-0002',
            title: 'Move multi-factor authentication (MFA) to a new phone',
            excerpt: 'Before you wipe your old phone, open the authenticator app and...',
            score: 1,
            url: 'https://kb.example.com/articles/KB-0002',
          },
        ],
      },
    },
  ],
});

export const itTools = [resetPassword, checkVPNStatus, requestSoftwareAccess, searchKnowledgeBase] as const;
