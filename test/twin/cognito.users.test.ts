/**
 * The user-management operations (issue #8) through the real SDK v3 client, each with the answers and errors AWS
 * gives (cognito-client-facts.md §3): ListUsers with Cognito's filter syntax and pagination, disable/enable,
 * global sign-out, attribute updates, admin password reset, self-deletion, and the pool's description.
 */
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ConfirmForgotPasswordCommand,
  DeleteUserCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  ListResourceServersCommand,
  ListUsersCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { failure, signIn, startTestCognito, STRONG_PASSWORD, uniqueEmail, userExists, type TestCognito } from '../support/cognitoHarness';

let t: TestCognito;
beforeAll(async () => {
  t = await startTestCognito();
});
afterAll(() => t.stop());

async function user(label: string, attributes: Record<string, string> = {}): Promise<string> {
  const email = uniqueEmail(label);
  const UserAttributes = [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }, ...Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }))];
  await t.sdk.send(new AdminCreateUserCommand({ UserPoolId: t.poolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes }));
  await t.sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: t.poolId, Username: email, Password: STRONG_PASSWORD, Permanent: true }));
  return email;
}

test('ListUsers: email = and ^= (no case), status, cognito:user_status, pagination; a bad filter is InvalidParameterException', async () => {
  const prefix = `lister-${Date.now()}`;
  const emails = [await user(`${prefix}-a`), await user(`${prefix}-b`), await user(`${prefix}-c`)];
  const exact = await t.sdk.send(new ListUsersCommand({ UserPoolId: t.poolId, Filter: `email = "${emails[1]!.toUpperCase()}"` }));
  expect(exact.Users?.map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value)).toEqual([emails[1]]);
  const byPrefix = await t.sdk.send(new ListUsersCommand({ UserPoolId: t.poolId, Filter: `email ^= "${prefix}"`, Limit: 2 }));
  expect(byPrefix.Users).toHaveLength(2);
  const rest = await t.sdk.send(new ListUsersCommand({ UserPoolId: t.poolId, Filter: `email ^= "${prefix}"`, Limit: 2, PaginationToken: byPrefix.PaginationToken }));
  expect(rest.Users).toHaveLength(1);
  expect(rest.PaginationToken).toBeUndefined();
  await t.sdk.send(new AdminDisableUserCommand({ UserPoolId: t.poolId, Username: emails[2] }));
  const disabled = await t.sdk.send(new ListUsersCommand({ UserPoolId: t.poolId, Filter: 'status = "Disabled"' }));
  expect(disabled.Users?.map((u) => u.Enabled)).toEqual(disabled.Users?.map(() => false));
  expect(disabled.Users?.some((u) => u.Attributes?.some((a) => a.Value === emails[2]))).toBe(true);
  const confirmed = await t.sdk.send(new ListUsersCommand({ UserPoolId: t.poolId, Filter: 'cognito:user_status = "CONFIRMED"', AttributesToGet: ['email'] }));
  expect(confirmed.Users?.every((u) => u.Attributes?.every((a) => a.Name === 'email'))).toBe(true);
  expect(await failure(t.sdk.send(new ListUsersCommand({ UserPoolId: t.poolId, Filter: 'custom:team = "x"' })))).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid search filter provided' });
});

test('AdminDisableUser: sign-in says "User is disabled." and the user\'s access tokens are revoked; AdminEnableUser undoes the first', async () => {
  const email = await user('disable');
  const before = await signIn(t, email);
  await t.sdk.send(new AdminDisableUserCommand({ UserPoolId: t.poolId, Username: email }));
  expect(await failure(signIn(t, email))).toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
  expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: before.AuthenticationResult!.AccessToken! })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
  await t.sdk.send(new AdminEnableUserCommand({ UserPoolId: t.poolId, Username: email }));
  expect((await signIn(t, email)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
});

test('AdminUserGlobalSignOut revokes the user\'s tokens; AdminUpdateUserAttributes sets attributes but never sub', async () => {
  const email = await user('global');
  const session = await signIn(t, email);
  await t.sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId: t.poolId, Username: email }));
  expect(await failure(t.sdk.send(new GetUserCommand({ AccessToken: session.AuthenticationResult!.AccessToken! })))).toMatchObject({ message: 'Access Token has been revoked' });
  await t.sdk.send(new AdminUpdateUserAttributesCommand({ UserPoolId: t.poolId, Username: email, UserAttributes: [{ Name: 'name', Value: 'Ada' }] }));
  const got = await t.sdk.send(new AdminGetUserCommand({ UserPoolId: t.poolId, Username: email }));
  expect(got.UserAttributes?.find((a) => a.Name === 'name')?.Value).toBe('Ada');
  expect(await failure(t.sdk.send(new AdminUpdateUserAttributesCommand({ UserPoolId: t.poolId, Username: email, UserAttributes: [{ Name: 'sub', Value: 'x' }] })))).toMatchObject({ name: 'InvalidParameterException' });
});

test('AdminResetUserPassword: sign-in needs a reset (PasswordResetRequiredException) until the emailed code sets a new password', async () => {
  const email = await user('admin-reset');
  await t.sdk.send(new AdminResetUserPasswordCommand({ UserPoolId: t.poolId, Username: email }));
  expect(await failure(signIn(t, email))).toMatchObject({ name: 'PasswordResetRequiredException', message: 'Password reset required for the user' });
  const line = [...t.logs].reverse().find((l) => l.startsWith(`Cognito: password reset code for ${email} `));
  const code = /: (\d{6})$/.exec(line ?? '')?.[1];
  await t.sdk.send(new ConfirmForgotPasswordCommand({ ClientId: t.webClientId, Username: email, ConfirmationCode: code!, Password: 'After-Reset-Passw0rd!' }));
  expect((await signIn(t, email, 'After-Reset-Passw0rd!')).AuthenticationResult).toBeDefined();
});

test('DeleteUser: a signed-in user deletes their own account', async () => {
  const email = await user('self-delete');
  const session = await signIn(t, email);
  await t.sdk.send(new DeleteUserCommand({ AccessToken: session.AuthenticationResult!.AccessToken! }));
  expect(await userExists(t, email)).toBe(false);
});

test('DescribeUserPool, DescribeResourceServer and ListResourceServers report the templates\' pool and scopes', async () => {
  const pool = (await t.sdk.send(new DescribeUserPoolCommand({ UserPoolId: t.poolId }))).UserPool!;
  expect(pool).toMatchObject({ Id: t.poolId, UsernameAttributes: ['email'], Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: true } } });
  const identifier = String(t.system.api.resources.ResourceServer!.properties.Identifier);
  const server = (await t.sdk.send(new DescribeResourceServerCommand({ UserPoolId: t.poolId, Identifier: identifier }))).ResourceServer!;
  expect(server.Scopes).toEqual([{ ScopeName: 'read', ScopeDescription: 'Read links and tags' }, { ScopeName: 'write', ScopeDescription: 'Create, tag and delete links' }]);
  const listed = await t.sdk.send(new ListResourceServersCommand({ UserPoolId: t.poolId, MaxResults: 50 }));
  expect(listed.ResourceServers?.map((r) => r.Identifier)).toEqual([identifier]);
  expect(await failure(t.sdk.send(new DescribeResourceServerCommand({ UserPoolId: t.poolId, Identifier: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException' });
});

test('UpdateUserAttributes: a new email is unverified until VerifyUserAttribute takes the code sent to it; sub is not the user\'s to set', async () => {
  const email = await user('change-email');
  const session = await signIn(t, email);
  const token = session.AuthenticationResult!.AccessToken!;
  const next = uniqueEmail('changed-to');
  const changed = await t.sdk.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'email', Value: next }] }));
  expect(changed.CodeDeliveryDetailsList).toEqual([expect.objectContaining({ DeliveryMedium: 'EMAIL', AttributeName: 'email' })]);
  const attributes = async () => Object.fromEntries(((await t.sdk.send(new GetUserCommand({ AccessToken: token }))).UserAttributes ?? []).map((a) => [a.Name, a.Value]));
  expect(await attributes()).toMatchObject({ email: next, email_verified: 'false' });
  expect(await failure(t.sdk.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: '000000' })))).toMatchObject({ name: 'CodeMismatchException' });
  const code = /: (\d{6})$/.exec([...t.logs].reverse().find((l) => l.startsWith(`Cognito: verification code for ${next} `)) ?? '')?.[1];
  await t.sdk.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: code! }));
  expect(await attributes()).toMatchObject({ email: next, email_verified: 'true' });
  expect(await failure(t.sdk.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: 'sub', Value: 'mine' }] })))).toMatchObject({ name: 'InvalidParameterException' });
});
