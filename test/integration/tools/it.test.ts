import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { checkVPNStatus, requestSoftwareAccess, resetPassword, searchKnowledgeBase } from '../../../catalog';
import { createToolDeps, type ToolDeps } from '../../../lambda/shared/deps';
import { SEED } from '../../../lambda/shared/seed-data';
import { dispatch as dispatchIt } from '../../../lambda/tools/it/handlers';
import { checked } from './support/checked-dispatch';
import { startDynalite, type LocalDynamo } from '../../../local/dynalite';

/** Every success is parsed by the tool's catalog output schema. */
const dispatch = checked(dispatchIt);

const NOW = new Date('2026-11-26T09:30:00.000Z');
let db: LocalDynamo;
let deps: ToolDeps;
beforeAll(async () => {
  db = await startDynalite({ seed: true });
  deps = createToolDeps({ client: db.client, tables: db.tables, now: () => NOW });
});
afterAll(() => db.stop());

async function requests() {
  const { Items = [] } = await db.client.send(new ScanCommand({ TableName: db.tables.itRequests }));
  return Items;
}

describe('resetPassword', () => {
  test('sends a 30-minute link to the masked address on file, stores the request, returns no secret', async () => {
    const result = await dispatch('resetPassword', { userId: SEED.users.active, system: 'salesforce' }, deps);
    expect(resetPassword.output.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ userId: 'u20001', system: 'salesforce', status: 'RESET_LINK_SENT', deliveredTo: 'a***@example.com', expiresAt: '2026-11-26T10:00:00.000Z' });
    expect(JSON.stringify(result)).not.toMatch(/password"|secret|token/i);
    const stored = (await requests()).filter((i) => i.requestId.S === (result as { requestId: string }).requestId);
    expect(stored.map((i) => i.kind.S)).toEqual(['password-reset']);
  });

  test('a system the user has no account on is NOT_FOUND', async () => {
    expect(await dispatch('resetPassword', { userId: SEED.users.noVpn, system: 'sap' }, deps)).toEqual({
      error: { code: 'NOT_FOUND', message: 'User u20003 has no sap account.', retryable: false },
    });
  });

  test('a user id in the wrong format names the field and format', async () => {
    expect(await dispatch('resetPassword', { userId: 'alex.morgan', system: 'email' }, deps)).toMatchObject({
      error: { code: 'VALIDATION_ERROR', fields: [{ field: 'userId', expected: 'expected a user id: u followed by 5 digits, e.g. u20001' }] },
    });
  });
});

describe('checkVPNStatus', () => {
  test('reports a locked account and an outdated client', async () => {
    const result = await dispatch('checkVPNStatus', { userId: SEED.users.vpnLocked }, deps);
    expect(checkVPNStatus.output.safeParse(result).success).toBe(true);
    // The catalog's worked example is this very call: what the agent is shown is what the handler returns.
    const [example] = checkVPNStatus.examples;
    expect(example.input).toEqual({ userId: SEED.users.vpnLocked });
    expect(result).toEqual(example.output);
    expect(result).toMatchObject({ userId: 'u20002', connected: false, accountStatus: 'LOCKED', clientUpToDate: false, latestClientVersion: '5.2.1' });
  });

  test('a user who never connected has null session fields', async () => {
    expect(await dispatch('checkVPNStatus', { userId: SEED.users.noVpn }, deps)).toMatchObject({ connected: false, accountStatus: 'DISABLED', lastConnectedAt: null, gateway: null, clientUpToDate: true });
  });

  test('an unknown user is NOT_FOUND', async () => {
    expect(await dispatch('checkVPNStatus', { userId: SEED.users.unknown }, deps)).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No user with id u99999.' } });
  });
});

describe('requestSoftwareAccess', () => {
  test('self-service software is APPROVED at once', async () => {
    const result = await dispatch('requestSoftwareAccess', { userId: SEED.users.noVpn, software: 'zoom', justification: 'Weekly video calls with the Singapore team.' }, deps);
    expect(requestSoftwareAccess.output.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ software: 'zoom', status: 'APPROVED', approver: 'self-service' });
  });

  test('other software waits for the manager, and the justification is stored', async () => {
    const justification = 'Build dashboards for the quarterly business review.';
    const result = (await dispatch('requestSoftwareAccess', { userId: SEED.users.active, software: 'tableau', justification }, deps)) as { requestId: string };
    expect(result).toMatchObject({ status: 'PENDING_APPROVAL', approver: 'manager' });
    const stored = (await requests()).filter((i) => i.requestId.S === result.requestId);
    expect(stored.map((i) => [i.kind.S, i.justification.S])).toEqual([['software-access', justification]]);
  });

  test('software the user already has is a CONFLICT and nothing is written', async () => {
    const before = (await requests()).length;
    const result = await dispatch('requestSoftwareAccess', { userId: SEED.users.active, software: 'jira', justification: 'Track the sprint work of my team please.' }, deps);
    expect(result).toEqual({ error: { code: 'CONFLICT', message: 'User u20001 already has access to jira.', retryable: false } });
    expect((await requests()).length).toBe(before);
  });

  test('software outside the catalog lists the allowed products', async () => {
    expect(await dispatch('requestSoftwareAccess', { userId: SEED.users.active, software: 'photoshop', justification: 'Edit product photos for the website.' }, deps)).toMatchObject({
      error: { code: 'VALIDATION_ERROR', fields: [{ field: 'software', expected: expect.stringContaining('slack, zoom, figma') }] },
    });
  });
});

describe('searchKnowledgeBase', () => {
  test('ranks articles by the share of query terms they contain', async () => {
    const result = await dispatch('searchKnowledgeBase', { query: 'vpn disconnects', maxResults: 2 }, deps);
    expect(searchKnowledgeBase.output.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({
      query: 'vpn disconnects',
      results: [
        { articleId: 'KB-0005', score: 1, url: 'https://kb.example.com/articles/KB-0005' },
        { articleId: 'KB-0001', score: 0.5 },
      ],
    });
  });

  test('defaults to at most 5 results and trims the query', async () => {
    const result = (await dispatch('searchKnowledgeBase', { query: '  office phone wifi vpn email printer  ' }, deps)) as { query: string; results: unknown[] };
    expect(result.query).toBe('office phone wifi vpn email printer');
    expect(result.results).toHaveLength(5);
  });

  test('no match is an empty list, not an error', async () => {
    expect(await dispatch('searchKnowledgeBase', { query: 'quantum teleporter' }, deps)).toEqual({ query: 'quantum teleporter', results: [] });
  });

  test('a too-short query and out-of-range maxResults are validation errors', async () => {
    expect(await dispatch('searchKnowledgeBase', { query: 'a', maxResults: 50 }, deps)).toMatchObject({
      error: {
        code: 'VALIDATION_ERROR',
        fields: [
          { field: 'query', expected: expect.stringMatching(/^expected text of 3–200 characters with at least one visible character/) },
          { field: 'maxResults', expected: 'expected a whole number from 1 to 10' },
        ],
      },
    });
  });

  test.each(['SALARY BANDS', 'PAYROLL calendar', 'remuneration policy', 'pay grade of a lead', 'PAYGRADE', 'wages', 'sálary', 'ｓａｌａｒｙ', 'ѕаlаrу list', 'sal\u200Bary', 's a l a r y', 'executive Compensation'])(
    'a search for pay data (%j) is FORBIDDEN before the knowledge base is read, whatever the policy engine did',
    async (query) => {
      const client = db.newClient();
      const reads: string[] = [];
      client.middlewareStack.add(
        (next, context) => async (args) => {
          reads.push(context.commandName!);
          return next(args);
        },
        { step: 'initialize', name: 'countReads' },
      );
      const watched = createToolDeps({ client, tables: db.tables, now: () => NOW });
      expect(await dispatch('searchKnowledgeBase', { query }, watched)).toEqual({
        error: { code: 'FORBIDDEN', message: 'Compensation, salary and payroll information is not available through the IT knowledge base; contact HR directly.', retryable: false },
      });
      expect(reads).toEqual([]);
    },
  );
});
