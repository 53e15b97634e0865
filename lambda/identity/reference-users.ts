/**
 * The reference identities: one person per platform role, matching the seed data of the reference
 * tools (their employee and directory ids exist in the HR and IT tables, their regions in the revenue
 * table). Developers sign in as them locally (dev tokens) and the offline evaluation runs its cases as
 * them in dev and staging (the evaluation client's persona tokens), so a case sees exactly the
 * permissions a real user of that role would.
 *
 * Plain data (no aws-cdk-lib): the token trigger, the local servers and the evaluation runner share it.
 */
import type { Role } from './claims';

/** The caller claims of a reference identity (the token's subject is added by whoever issues it). */
export interface ReferenceUser {
  readonly role: Role;
  readonly department: string;
  /** Space-separated region codes. */
  readonly region?: string;
  readonly employeeId: string;
  readonly userId: string;
}

export const REFERENCE_USERS = {
  /** Junior analyst of EMEA. */
  alex: { role: 'analyst', department: 'finance', region: 'EMEA', employeeId: 'E10001', userId: 'u20001' },
  /** Senior analyst, every region. */
  sam: { role: 'senior-analyst', department: 'finance', region: 'EMEA APAC AMER', employeeId: 'E10005', userId: 'u20005' },
  /** Finance administrator. */
  fran: { role: 'finance-admin', department: 'finance', region: 'EMEA APAC AMER', employeeId: 'E10004', userId: 'u20004' },
  /** Employee without finance access. */
  priya: { role: 'employee', department: 'sales', region: 'APAC', employeeId: 'E10002', userId: 'u20002' },
  /** HR staff. */
  hana: { role: 'hr-staff', department: 'hr', employeeId: 'E10003', userId: 'u20003' },
  /** IT staff. */
  ivan: { role: 'it-staff', department: 'it', employeeId: 'E10006', userId: 'u20006' },
} as const satisfies Record<string, ReferenceUser>;
export type ReferenceUserName = keyof typeof REFERENCE_USERS;

export const REFERENCE_USER_NAMES = Object.keys(REFERENCE_USERS) as ReferenceUserName[];

/** The reference identity with this name, or undefined. */
export function referenceUser(name: string): ReferenceUser | undefined {
  return Object.hasOwn(REFERENCE_USERS, name) ? REFERENCE_USERS[name as ReferenceUserName] : undefined;
}
