/**
 * How a pre token generation trigger's answer changes the tokens (local/cognito/pre-token-generation.ts), per the
 * Cognito developer guide's "Pre token generation Lambda trigger": group overrides replace `cognito:groups` in
 * both tokens (roles only in the ID token), claims are added, overridden or suppressed, and scopes are added or
 * suppressed. Claims that identify the token never change. The trigger itself runs through the twin in
 * implicitApi.test.ts.
 */
import { applyOverrides, applyScopes } from '../../local/cognito/pre-token-generation';

const base = { sub: 's-1', 'cognito:groups': ['admins'], 'cognito:roles': ['arn:role/admins'], email: 'a@example.com', token_use: 'id', iss: 'http://local/pool' };

test('a group override replaces the groups; roles and the preferred role stay in the ID token only', () => {
  const groups = { names: ['auditors'], roles: ['arn:role/auditors'], preferredRole: 'arn:role/auditors' };
  expect(applyOverrides(base, { add: {}, suppress: [] }, groups, 'id')).toMatchObject({ 'cognito:groups': ['auditors'], 'cognito:roles': ['arn:role/auditors'], 'cognito:preferred_role': 'arn:role/auditors' });
  const access = applyOverrides({ ...base, token_use: 'access' }, { add: {}, suppress: [] }, groups, 'access');
  expect(access['cognito:groups']).toEqual(['auditors']);
  expect(access).not.toHaveProperty('cognito:roles');
  expect(applyOverrides(base, { add: {}, suppress: [] }, { names: [], roles: [] }, 'id')).not.toHaveProperty('cognito:groups');
});

test('claims are added, overridden and suppressed, except those that identify the token', () => {
  const out = applyOverrides(base, { add: { tenant: 'acme', email: 'b@example.com', sub: 'x', iss: 'evil', token_use: 'access' }, suppress: ['email', 'exp', 'sub'] }, undefined, 'id');
  expect(out).toMatchObject({ tenant: 'acme', sub: 's-1', iss: 'http://local/pool', token_use: 'id' });
  expect(out).not.toHaveProperty('email');
});

test('scopes: suppressed ones go, added ones come once', () => {
  expect(applyScopes('openid aws.cognito.signin.user.admin', { add: {}, suppress: [], scopesToAdd: ['pets/read', 'openid'], scopesToSuppress: ['aws.cognito.signin.user.admin'] })).toBe('openid pets/read');
});
