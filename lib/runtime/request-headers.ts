import { AS_OF_HEADER, SESSION_HEADER } from '../../agents/shared/http';

/**
 * Request headers AgentCore Runtime passes to the agent code, and the rules the service applies to
 * the allowlist.
 * @see https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-header-allowlist.html
 */

/** Prefix of the headers AgentCore forwards although they start with `x-amzn-`. */
export const CUSTOM_HEADER_PREFIX = 'X-Amzn-Bedrock-AgentCore-Runtime-Custom-';

/** At most this many headers per runtime. */
export const MAX_REQUEST_HEADERS = 20;

/**
 * The headers the kit's agent code reads, always allow-listed: the caller's JWT (`Authorization`,
 * verified again by the agent, which acts for the user) and the supervisor's current-date attribute
 * (`agents/shared/http.ts` AS_OF_HEADER). The session id header is not among them: the runtime
 * always forwards it, and the service refuses it on the allowlist (an `x-amzn-` header).
 */
export const AGENT_REQUEST_HEADERS = ['Authorization', canonicalCase(AS_OF_HEADER)] as const;

/**
 * Headers of the service's restricted list (authentication, content negotiation, caching, connection,
 * request context, range and transfer), lower-case; the service checks the rest of its list at deploy.
 */
const RESTRICTED = new Set(
  [
    'proxy-authorization', 'www-authenticate',
    'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'content-type', 'content-length', 'content-encoding', 'content-language', 'content-location', 'content-range',
    'cache-control', 'etag', 'expires', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'pragma', 'vary',
    'connection', 'keep-alive', 'proxy-connection', 'upgrade',
    'host', 'referer', 'user-agent', 'from',
    'range', 'accept-ranges', 'transfer-encoding', 'te', 'trailer',
  ],
);

/** `X-Amzn-Bedrock-AgentCore-Runtime-Custom-<suffix>`: a custom header under the prefix every AgentCore release forwards. */
export function customRequestHeader(suffix: string): string {
  return `${CUSTOM_HEADER_PREFIX}${suffix}`;
}

/**
 * The allowlist of a runtime: the kit's own headers first, then the given ones (a given header equal
 * to one of the kit's, in any case, is not repeated). Returns the problems found, each naming the
 * header and the rule; empty when the list is valid.
 */
export function requestHeaderAllowlist(given: readonly string[]): { headers: string[]; problems: string[] } {
  const problems: string[] = [];
  const headers: string[] = [...AGENT_REQUEST_HEADERS];
  const seen = new Set(headers.map((h) => h.toLowerCase()));
  const kitOwn = new Set(seen);
  for (const header of given) {
    const lower = header.toLowerCase();
    const where = `requestHeaders: ${JSON.stringify(header)}`;
    if (kitOwn.has(lower)) continue;
    if (seen.has(lower)) {
      problems.push(`${where} is listed twice (header names are compared without case)`);
      continue;
    }
    seen.add(lower);
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,255}$/.test(header)) {
      problems.push(`${where} is not a header name: a letter, then letters, digits, - or _ (at most 256 characters)`);
    } else if (lower === SESSION_HEADER) {
      problems.push(`${where}: the runtime always forwards the session id; leave it out of the allowlist`);
    } else if (lower.startsWith('x-amzn-') && !lower.startsWith(CUSTOM_HEADER_PREFIX.toLowerCase())) {
      problems.push(`${where}: x-amzn- headers are reserved; only ${CUSTOM_HEADER_PREFIX}* may be forwarded (customRequestHeader('${header.replace(/^x-amzn-/i, '')}'))`);
    } else if (lower.startsWith('x-amz-')) {
      problems.push(`${where}: x-amz- headers are reserved for SigV4 signing and are never forwarded`);
    } else if (RESTRICTED.has(lower)) {
      problems.push(`${where} is on AgentCore's restricted list and is never forwarded`);
    }
    headers.push(header);
  }
  if (headers.length > MAX_REQUEST_HEADERS) {
    problems.push(
      `requestHeaders: ${headers.length} headers (${headers.length - AGENT_REQUEST_HEADERS.length} given + ${AGENT_REQUEST_HEADERS.length} the kit's agents read: ${AGENT_REQUEST_HEADERS.join(', ')}); AgentCore allows at most ${MAX_REQUEST_HEADERS}`,
    );
  }
  return { headers, problems };
}

/** `x-amzn-bedrock-agentcore-runtime-custom-as-of` → `X-Amzn-Bedrock-AgentCore-Runtime-Custom-As-Of` (the spelling AgentCore documents). */
function canonicalCase(lower: string): string {
  const prefix = CUSTOM_HEADER_PREFIX.toLowerCase();
  if (!lower.startsWith(prefix)) throw new Error(`${lower} is not a custom AgentCore header`);
  return customRequestHeader(
    lower
      .slice(prefix.length)
      .split('-')
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
      .join('-'),
  );
}
