/**
 * Reference data of the dev environment and the tests: the dev seed loader writes it into the
 * tables, and test/support/dynalite.ts loads it with `startDynalite({ seed: true })`.
 *
 * ```ts
 * import { SEED_ITEMS, SEED } from '../shared/seed-data';
 * SEED_ITEMS.revenue;            // items of the revenue table
 * SEED.employees.withBalance;    // 'E10001', an id the tests and examples use
 * ```
 *
 * Fictional data. Employees carry no compensation data.
 */
import type { TableKey } from './tables';

type Item = Record<string, unknown>;

/** Revenue in millions of USD, 2024-Q1 … 2026-Q3 (the last closed quarter). */
const REVENUE: Record<string, number[]> = {
  EMEA: [1190.4, 1231.2, 1284.6, 1342.0, 1318.7, 1365.9, 1402.3, 1468.1, 1441.5, 1497.2, 1536.8],
  APAC: [820.7, 851.9, 874.5, 912.3, 903.6, 948.2, 981.4, 1027.9, 1012.6, 1059.3, 1094.0],
  AMER: [2150.2, 2214.3, 2298.8, 2401.5, 2352.9, 2433.0, 2519.6, 2630.4, 2588.1, 2671.7, 2760.2],
};
const FIRST_QUARTER = { year: 2024, q: 1 };

function quarterAt(index: number): string {
  const n = FIRST_QUARTER.year * 4 + FIRST_QUARTER.q - 1 + index;
  return `${Math.floor(n / 4)}-Q${(n % 4) + 1}`;
}

const revenue: Item[] = Object.entries(REVENUE).flatMap(([region, values]) => values.map((value, i) => ({ region, quarter: quarterAt(i), revenue: value })));

const employees: Item[] = [
  { employeeId: 'E10001', displayName: 'Alex Morgan', holidayRegion: 'GB', vacationYear: 2026, entitledDays: 25, takenDays: 12, pendingDays: 3 },
  { employeeId: 'E10002', displayName: 'Priya Shah', holidayRegion: 'IN', vacationYear: 2026, entitledDays: 24, takenDays: 20, pendingDays: 0 },
  { employeeId: 'E10003', displayName: 'Jonas Weber', holidayRegion: 'DE', vacationYear: 2026, entitledDays: 30, takenDays: 27, pendingDays: 3 },
  { employeeId: 'E10004', displayName: 'Mei Tan', holidayRegion: 'SG', vacationYear: 2026, entitledDays: 18, takenDays: 4, pendingDays: 5 },
  { employeeId: 'E10005', displayName: 'Chris Lee', holidayRegion: 'US', vacationYear: 2026, entitledDays: 20, takenDays: 15, pendingDays: 2 },
  { employeeId: 'E10006', displayName: 'Ivan Novak', holidayRegion: 'DE', vacationYear: 2026, entitledDays: 28, takenDays: 9, pendingDays: 0 },
];

const section = (heading: string, text: string) => ({ heading, text });
/** Every policy of the catalog's enum except `travel`, which is not published (a NOT_FOUND case). */
const policies: Item[] = [
  {
    policyName: 'vacation',
    title: 'Vacation Policy',
    version: '4.2',
    effectiveDate: '2026-01-01',
    summary: 'Employees accrue paid vacation per calendar year according to their country entitlement. Up to 5 unused days carry over to 31 March of the next year.',
    sections: [
      section('Entitlement', 'Entitlement is set per country and shown by the vacation balance tool; part-time employees receive a pro-rated entitlement.'),
      section('Booking', 'Book vacation at least two weeks ahead in the HR portal; your manager approves within 3 business days.'),
      section('Carry-over', 'Up to 5 unused days carry over and must be taken by 31 March; the rest lapses.'),
    ],
  },
  {
    policyName: 'sick-leave',
    title: 'Sick Leave Policy',
    version: '2.1',
    effectiveDate: '2025-07-01',
    summary: 'Report sickness to your manager before 10:00 on the first day. A medical certificate is required from the fourth consecutive day.',
    sections: [
      section('Reporting', 'Tell your manager before 10:00 on the first day of absence.'),
      section('Certificates', 'From the fourth consecutive calendar day a medical certificate is required.'),
    ],
  },
  {
    policyName: 'parental-leave',
    title: 'Parental Leave Policy',
    version: '3.0',
    effectiveDate: '2025-01-01',
    summary: 'Birth parents receive 26 weeks and other parents 12 weeks of fully paid leave, to be taken within 12 months of the birth or adoption.',
    sections: [
      section('Entitlement', 'Birth parents: 26 weeks paid. Other parents, including adoptive parents: 12 weeks paid.'),
      section('Notice', 'Give HR 8 weeks notice of the planned start; changes need 4 weeks notice via an HR ticket (category leave).'),
    ],
  },
  {
    policyName: 'remote-work',
    title: 'Remote Work Policy',
    version: '2.0',
    effectiveDate: '2025-01-01',
    summary: 'Employees may work remotely up to 3 days per week with manager agreement. Working from another country needs HR approval.',
    sections: [
      section('Eligibility', 'All permanent employees after probation.'),
      section('Limits', 'Up to 3 remote days per week; team anchor days are set by each department.'),
      section('Abroad', 'Working from another country for more than 10 days a year needs HR approval.'),
    ],
  },
  {
    policyName: 'expenses',
    title: 'Business Expenses Policy',
    version: '5.0',
    effectiveDate: '2026-04-01',
    summary: 'Submit expenses with receipts within 30 days. Meals are reimbursed up to 60 USD per day when travelling.',
    sections: [
      section('Submission', 'Submit claims with itemised receipts within 30 days of the expense.'),
      section('Limits', 'Meals up to 60 USD per travel day; economy class for flights under 6 hours.'),
    ],
  },
  {
    policyName: 'code-of-conduct',
    title: 'Code of Conduct',
    version: '1.4',
    effectiveDate: '2024-09-01',
    summary: 'We treat everyone with respect, avoid conflicts of interest and report concerns without fear of retaliation.',
    sections: [
      section('Respect', 'Harassment and discrimination of any kind are not tolerated.'),
      section('Speaking up', 'Raise concerns with your manager, HR (ticket category workplace-concern) or the anonymous hotline.'),
    ],
  },
];

const HOLIDAYS: Record<string, Record<number, [string, string][]>> = {
  US: {
    2026: [['01-01', "New Year's Day"], ['01-19', 'Martin Luther King Jr. Day'], ['05-25', 'Memorial Day'], ['07-03', 'Independence Day (observed)'], ['09-07', 'Labor Day'], ['11-26', 'Thanksgiving Day'], ['12-25', 'Christmas Day']],
    2027: [['01-01', "New Year's Day"], ['01-18', 'Martin Luther King Jr. Day'], ['05-31', 'Memorial Day'], ['07-05', 'Independence Day (observed)'], ['09-06', 'Labor Day'], ['11-25', 'Thanksgiving Day'], ['12-24', 'Christmas Day (observed)']],
  },
  GB: {
    2026: [['01-01', "New Year's Day"], ['04-03', 'Good Friday'], ['04-06', 'Easter Monday'], ['05-04', 'Early May bank holiday'], ['05-25', 'Spring bank holiday'], ['08-31', 'Summer bank holiday'], ['12-25', 'Christmas Day'], ['12-28', 'Boxing Day (substitute day)']],
    2027: [['01-01', "New Year's Day"], ['03-26', 'Good Friday'], ['03-29', 'Easter Monday'], ['05-03', 'Early May bank holiday'], ['05-31', 'Spring bank holiday'], ['08-30', 'Summer bank holiday'], ['12-27', 'Christmas Day (substitute day)'], ['12-28', 'Boxing Day (substitute day)']],
  },
  DE: {
    2026: [['01-01', 'Neujahr'], ['04-03', 'Karfreitag'], ['04-06', 'Ostermontag'], ['05-01', 'Tag der Arbeit'], ['05-14', 'Christi Himmelfahrt'], ['05-25', 'Pfingstmontag'], ['10-03', 'Tag der Deutschen Einheit'], ['12-25', '1. Weihnachtstag'], ['12-26', '2. Weihnachtstag']],
    2027: [['01-01', 'Neujahr'], ['03-26', 'Karfreitag'], ['03-29', 'Ostermontag'], ['05-01', 'Tag der Arbeit'], ['05-06', 'Christi Himmelfahrt'], ['05-17', 'Pfingstmontag'], ['10-03', 'Tag der Deutschen Einheit'], ['12-25', '1. Weihnachtstag'], ['12-26', '2. Weihnachtstag']],
  },
  IN: {
    2026: [['01-26', 'Republic Day'], ['03-04', 'Holi'], ['08-15', 'Independence Day'], ['10-02', 'Gandhi Jayanti'], ['11-08', 'Diwali'], ['12-25', 'Christmas']],
    2027: [['01-26', 'Republic Day'], ['03-22', 'Holi'], ['08-15', 'Independence Day'], ['10-02', 'Gandhi Jayanti'], ['10-29', 'Diwali'], ['12-25', 'Christmas']],
  },
  SG: {
    2026: [['01-01', "New Year's Day"], ['02-17', 'Chinese New Year'], ['04-03', 'Good Friday'], ['05-01', 'Labour Day'], ['08-10', 'National Day (observed)'], ['11-09', 'Deepavali (observed)'], ['12-25', 'Christmas Day']],
    2027: [['01-01', "New Year's Day"], ['02-06', 'Chinese New Year'], ['03-26', 'Good Friday'], ['05-01', 'Labour Day'], ['08-09', 'National Day'], ['10-28', 'Deepavali'], ['12-25', 'Christmas Day']],
  },
};

const holidays: Item[] = Object.entries(HOLIDAYS).flatMap(([region, years]) =>
  Object.entries(years).flatMap(([year, days]) => days.map(([md, name]) => ({ calendar: `${region}#${year}`, date: `${year}-${md}`, name }))),
);

const itUsers: Item[] = [
  {
    userId: 'u20001',
    email: 'alex.morgan@example.com',
    accounts: ['active-directory', 'email', 'vpn', 'jira', 'salesforce'],
    software: ['slack', 'zoom', 'jira'],
    vpn: { connected: true, accountStatus: 'ACTIVE', lastConnectedAt: '2026-11-26T07:45:00.000Z', gateway: 'vpn-eu-west', clientVersion: '5.2.1' },
  },
  {
    userId: 'u20002',
    email: 'priya.shah@example.com',
    accounts: ['active-directory', 'email', 'vpn', 'sap', 'jira'],
    software: ['slack', 'zoom', 'tableau'],
    vpn: { connected: false, accountStatus: 'LOCKED', lastConnectedAt: '2026-11-20T08:12:00.000Z', gateway: 'vpn-eu-west', clientVersion: '5.0.3' },
  },
  {
    userId: 'u20003',
    email: 'jonas.weber@example.com',
    accounts: ['active-directory', 'email', 'jira'],
    software: ['slack'],
    vpn: { connected: false, accountStatus: 'DISABLED', lastConnectedAt: null, gateway: null, clientVersion: '5.2.1' },
  },
  {
    userId: 'u20004',
    email: 'mei.tan@example.com',
    accounts: ['active-directory', 'email', 'vpn', 'sap', 'jira'],
    software: ['slack', 'zoom', 'tableau', 'adobe-acrobat'],
    vpn: { connected: true, accountStatus: 'ACTIVE', lastConnectedAt: '2026-11-26T01:30:00.000Z', gateway: 'vpn-ap-south', clientVersion: '5.2.1' },
  },
  {
    userId: 'u20005',
    email: 'chris.lee@example.com',
    accounts: ['active-directory', 'email', 'vpn', 'salesforce', 'jira'],
    software: ['slack', 'zoom', 'tableau'],
    vpn: { connected: false, accountStatus: 'ACTIVE', lastConnectedAt: '2026-11-25T22:10:00.000Z', gateway: 'vpn-us-east', clientVersion: '5.1.0' },
  },
  {
    userId: 'u20006',
    email: 'ivan.novak@example.com',
    accounts: ['active-directory', 'email', 'vpn', 'jira'],
    software: ['slack', 'zoom', 'github', 'visual-studio-code'],
    vpn: { connected: true, accountStatus: 'ACTIVE', lastConnectedAt: '2026-11-26T08:05:00.000Z', gateway: 'vpn-eu-west', clientVersion: '5.2.1' },
  },
];

const article = (articleId: string, title: string, tags: string[], body: string): Item => ({ articleId, title, tags, body });
const knowledgeArticles: Item[] = [
  article('KB-0001', 'Connect to the VPN for the first time', ['vpn', 'remote', 'setup'], 'Install the VPN client 5.2.1 or newer from the software portal, sign in with your directory user id and approve the MFA prompt. Choose the gateway closest to you (vpn-eu-west, vpn-us-east or vpn-ap-south).'),
  article('KB-0002', 'Move multi-factor authentication (MFA) to a new phone', ['mfa', 'phone', 'authenticator'], 'Before you wipe your old phone, open the authenticator app and choose Transfer accounts. On the new phone scan the QR code. If the old phone is lost, ask the service desk for a temporary MFA code.'),
  article('KB-0003', 'Add a network printer', ['printer', 'printing', 'office'], 'Open Settings > Printers, choose Add printer and pick the printer named after your floor, e.g. LON-3-EAST. Drivers install automatically.'),
  article('KB-0004', 'Set up company email on a mobile phone', ['email', 'mobile', 'phone', 'outlook'], 'Install the Outlook app, sign in with your company email address and approve the MFA prompt. Your device must have a screen lock.'),
  article('KB-0005', 'VPN disconnects every few minutes', ['vpn', 'troubleshooting', 'wifi'], 'Update the VPN client to the supported version, switch from Wi-Fi power saving to maximum performance and reconnect to a different gateway. If your account is locked, reset the vpn password.'),
  article('KB-0006', 'Connect to office Wi-Fi', ['wifi', 'network', 'office'], 'Choose the CORP network and sign in with your directory user id. Guests use the GUEST network with a daily code from reception.'),
];

/** Items per seeded table. */
export const SEED_ITEMS: Readonly<Partial<Record<TableKey, readonly Item[]>>> = {
  revenue,
  employees,
  policies,
  holidays,
  itUsers,
  knowledgeArticles,
};

/** Named ids in the seed data, so tests and examples say what they mean. */
export const SEED = {
  lastClosedQuarter: quarterAt(REVENUE.EMEA.length - 1),
  firstQuarter: quarterAt(0),
  employees: { withBalance: 'E10001', inIndia: 'E10002', unknown: 'E99999' },
  users: { active: 'u20001', vpnLocked: 'u20002', noVpn: 'u20003', unknown: 'u99999' },
  unpublishedPolicy: 'travel',
  calendarYears: [2026, 2027],
} as const;
