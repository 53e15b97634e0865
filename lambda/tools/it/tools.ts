/**
 * IT support tools: the pure functions serving them, typed by the catalog definitions (type-only
 * imports, so the Lambda bundle does not carry the catalog). ./handlers.ts binds them to the catalog
 * definitions.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ToolFailure } from '../../../catalog/result';
import { AUTO_APPROVED_SOFTWARE } from '../../../catalog/formats';
import { compensationTermIn } from '../../../catalog/policy-text';
import type { checkVPNStatus, requestSoftwareAccess, resetPassword, searchKnowledgeBase } from '../../../catalog/tools/it';
import { createOnce } from '../../shared/create-once';
import type { ToolContext } from '../../shared/deps';
import type { ToolImplementation } from '../../shared/dispatch';

/** What the error messages call the data store. */
export const IT_SERVICE = 'IT service desk';

/** The VPN client version the service desk supports. */
export const LATEST_VPN_CLIENT = '5.2.1';
/** Lifetime of a password reset link. */
export const RESET_LINK_MINUTES = 30;
export const KB_BASE_URL = 'https://kb.example.com/articles/';

interface UserItem {
  userId: string;
  email: string;
  accounts: string[];
  software: string[];
  vpn: { connected: boolean; accountStatus: 'ACTIVE' | 'LOCKED' | 'DISABLED'; lastConnectedAt: string | null; gateway: string | null; clientVersion: string };
}

async function requireUser(ctx: ToolContext, userId: string): Promise<UserItem> {
  const { Item } = await ctx.db.send(new GetCommand({ TableName: ctx.tables.itUsers, Key: { userId } }));
  if (!Item) throw new ToolFailure('NOT_FOUND', `No user with id ${userId}.`);
  return Item as UserItem;
}

/** `alex.morgan@example.com` → `a***@example.com`. */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** Numeric comparison of dotted versions: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export const passwordReset: ToolImplementation<typeof resetPassword> = async ({ userId, system }, ctx) => {
  const user = await requireUser(ctx, userId);
  if (!user.accounts.includes(system)) throw new ToolFailure('NOT_FOUND', `User ${userId} has no ${system} account.`);
  const stored = await createOnce(ctx, {
    table: ctx.tables.itRequests,
    keyAttribute: 'requestId',
    idPrefix: 'PWR-',
    item: (requestId, createdAt) => ({
      requestId,
      userId,
      system,
      status: 'RESET_LINK_SENT',
      deliveredTo: maskEmail(user.email),
      expiresAt: new Date(createdAt.getTime() + RESET_LINK_MINUTES * 60_000).toISOString(),
      kind: 'password-reset',
      createdAt: createdAt.toISOString(),
    }),
  });
  return {
    requestId: String(stored.requestId),
    userId,
    system,
    status: 'RESET_LINK_SENT' as const,
    deliveredTo: String(stored.deliveredTo),
    expiresAt: String(stored.expiresAt),
  };
};

export const vpnStatus: ToolImplementation<typeof checkVPNStatus> = async ({ userId }, ctx) => {
  const { vpn } = await requireUser(ctx, userId);
  return {
    userId,
    connected: vpn.connected,
    accountStatus: vpn.accountStatus,
    lastConnectedAt: vpn.lastConnectedAt ?? null,
    gateway: vpn.gateway ?? null,
    clientVersion: vpn.clientVersion,
    clientUpToDate: compareVersions(vpn.clientVersion, LATEST_VPN_CLIENT) >= 0,
    latestClientVersion: LATEST_VPN_CLIENT,
  };
};

export const softwareAccess: ToolImplementation<typeof requestSoftwareAccess> = async ({ userId, software, justification }, ctx) => {
  const user = await requireUser(ctx, userId);
  if (user.software.includes(software)) throw new ToolFailure('CONFLICT', `User ${userId} already has access to ${software}.`);
  const selfService = AUTO_APPROVED_SOFTWARE.includes(software);
  const stored = await createOnce(ctx, {
    table: ctx.tables.itRequests,
    keyAttribute: 'requestId',
    idPrefix: 'SAR-',
    item: (requestId, createdAt) => ({
      requestId,
      userId,
      software,
      status: selfService ? 'APPROVED' : 'PENDING_APPROVAL',
      approver: selfService ? 'self-service' : 'manager',
      createdAt: createdAt.toISOString(),
      kind: 'software-access',
      justification,
    }),
  });
  return {
    requestId: String(stored.requestId),
    userId,
    software,
    status: stored.status as 'APPROVED' | 'PENDING_APPROVAL',
    approver: stored.approver as 'self-service' | 'manager',
    createdAt: String(stored.createdAt),
  };
};

const terms = (text: string) => [...new Set(text.toLowerCase().split(/[^a-z0-9-]+/).filter((t) => t.length >= 2))];

export const knowledgeSearch: ToolImplementation<typeof searchKnowledgeBase> = async ({ query, maxResults = 5 }, ctx) => {
  // Second gate behind the Cedar forbid: whatever spelling reached us, no pay data search reads the table.
  const term = compensationTermIn(query);
  if (term) throw new ToolFailure('FORBIDDEN', 'Compensation, salary and payroll information is not available through the IT knowledge base; contact HR directly.');
  const wanted = terms(query);
  const articles: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.send(new ScanCommand({ TableName: ctx.tables.knowledgeArticles, ExclusiveStartKey }));
    articles.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const results = articles
    .map((a) => {
      const haystack = new Set(terms(`${a.title} ${(a.tags as string[]).join(' ')} ${a.body}`));
      const hits = wanted.filter((t) => haystack.has(t)).length;
      return { a, score: wanted.length ? Math.round((hits / wanted.length) * 100) / 100 : 0 };
    })
    .filter((r) => r.score > 0)
    .sort((x, y) => y.score - x.score || String(x.a.articleId).localeCompare(String(y.a.articleId)))
    .slice(0, maxResults)
    .map(({ a, score }) => ({
      articleId: String(a.articleId),
      title: String(a.title),
      excerpt: String(a.body).slice(0, 200),
      score,
      url: `${KB_BASE_URL}${a.articleId}`,
    }));
  return { query, results };
};
