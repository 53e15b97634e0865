/**
 * The caller claims the platform's Cedar policies read, and the roles they know. One place, so the
 * token trigger, the interceptor, the local tool server and the policies never disagree.
 *
 * Plain data (no aws-cdk-lib).
 */

/** Roles, most privileged first: a user in several groups gets the first that matches. */
export const ROLES = ['finance-admin', 'senior-analyst', 'analyst', 'hr-staff', 'it-staff', 'employee'] as const;
export type Role = (typeof ROLES)[number];

/** Claims added to access (and id) tokens. */
export const CLAIMS = {
  /** One of {@link ROLES}. */
  role: 'role',
  /** Department name, e.g. `finance`. */
  department: 'department',
  /** Space-separated sales region codes the caller may query, e.g. `EMEA` or `EMEA APAC`. */
  region: 'region',
  /** HR system id of the caller, `E` + 5 digits. */
  employeeId: 'employeeId',
  /** Directory login of the caller, `u` + 5 digits. */
  userId: 'userId',
} as const;

/** Cognito custom attributes the claims are read from (`custom:` prefix in the trigger event). */
export const USER_ATTRIBUTES = {
  department: 'department',
  region: 'region',
  employeeId: 'employeeId',
  userId: 'userId',
} as const;

export const REGION_CODES = ['EMEA', 'APAC', 'AMER'] as const;

/** The caller as the gateway and the policies see it. */
export interface CallerClaims {
  readonly sub: string;
  readonly role?: Role;
  readonly department?: string;
  readonly region?: string;
  readonly employeeId?: string;
  readonly userId?: string;
}

/** The role of a user from their groups: the most privileged known group, or undefined. */
export function roleFromGroups(groups: readonly string[] | undefined): Role | undefined {
  const set = new Set(groups ?? []);
  return ROLES.find((r) => set.has(r));
}

/** Normalise a region attribute: known codes only, upper-case, deduplicated, space-separated. */
export function normaliseRegions(value: string | undefined): { value?: string; rejected: string[] } {
  const parts = (value ?? '').split(/[\s,]+/).filter(Boolean).map((p) => p.toUpperCase());
  const known = [...new Set(parts.filter((p): p is (typeof REGION_CODES)[number] => (REGION_CODES as readonly string[]).includes(p)))];
  return { value: known.length ? known.join(' ') : undefined, rejected: parts.filter((p) => !(REGION_CODES as readonly string[]).includes(p)) };
}
