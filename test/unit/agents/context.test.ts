import { contextAttributes, systemPrompt, type InvocationContext } from '../../../agents/shared/context';
import { hrSpec } from '../../../catalog/agents';

const ctx: InvocationContext = {
  identity: { userId: 'u-1', token: 'secret.jwt.token', claims: { sub: 'u-1', employeeId: 'E10001', department: 'hr', exp: 1, iat: 1, iss: 'https://idp', scope: 'x', groups: ['a'] } },
  sessionId: 's-123',
  region: 'eu-west-1',
  now: new Date('2026-11-26T09:00:00Z'),
};

describe('context attributes', () => {
  test('date, weekday, user, region, session and user claims — token mechanics and the token itself left out', () => {
    expect(contextAttributes(ctx)).toBe(
      ['current_date: 2026-11-26', 'current_weekday: Thursday', 'user_id: u-1', 'region: eu-west-1', 'session_id: s-123', 'user_claims:', '- department: hr', '- employeeId: E10001', '- sub: u-1'].join('\n'),
    );
  });

  test('the system prompt carries scope, tone, greeting, refusal, attributes, rules and shared memory', () => {
    const prompt = systemPrompt(hrSpec, ctx, {
      instructions: ['Rule one.'],
      sessionTurns: [{ role: 'user', text: 'My employee id is E10001', agent: 'supervisor', at: '2026-11-26T08:59:00Z' }],
      recalled: [{ text: 'Prefers short answers', namespace: '/users/u-1/preferences' }],
    });
    for (const part of [
      'You are the HR policy assistant.',
      '- disclose salary or compensation data',
      hrSpec.tone,
      `answer exactly: "${hrSpec.greeting}"`,
      `call the tool declineOutOfScope once (it answers the user with: "${hrSpec.outOfScopeAnswer}")`,
      'current_date: 2026-11-26',
      '- Rule one.',
      '- Prefers short answers',
      '- User: My employee id is E10001',
    ]) {
      expect(prompt).toContain(part);
    }
    expect(prompt).not.toContain('secret.jwt.token');
  });
});
