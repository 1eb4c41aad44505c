/**
 * SAM's implicit REST API through the twin over HTTP, with real tokens from the local Cognito, from the fixture
 * project test/fixtures/implicit-api. There is no AWS::Serverless::Api there. The functions' Api events name no
 * RestApiId, so SAM creates `ServerlessRestApi`. It gets stage `Prod`, and also `Stage` because OpenApiVersion
 * is unset. Its authorizer comes from Globals.Api. Sources: SAM's ImplicitRestApiPlugin and GlobalsPlugin
 * (samtranslator/plugins/api/implicit_rest_api_plugin.py, plugins/globals/globals.py) and
 * shared/reference/aws-api-shapes.md §4.
 */
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  ConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  GetGroupCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { loadSystem } from '../../local/template/system';
import type { Twin } from '../../local/twin';
import { http, PASSWORD, poolUserTokens, startTestTwin } from '../support/twin';
import { samTest, translate } from '../templates/samTransform';
import { outboxMessage } from '../support/cognitoHarness';
import { awsCognitoIdp, cliTest } from '../support/cognitoCli';

const FIXTURE = join(__dirname, '..', 'fixtures', 'implicit-api');

let twin: Twin;
let idToken: string;
const logs: string[] = [];
const EMAIL = 'implicit@example.com';

beforeAll(async () => {
  twin = await startTestTwin({ rootDir: FIXTURE, log: (line) => logs.push(line) });
  const clientId = twin.outputs.auth.AppClientId!;
  idToken = (await poolUserTokens(twin, twin.outputs.auth.UserPoolId!, EMAIL, [clientId]))[clientId]!.idToken;
});
afterAll(async () => {
  await twin?.stop();
});

/** An SDK client of the twin's Cognito (any credentials do locally). */
const sdk = () => new CognitoIdentityProviderClient({ endpoint: twin.cognito.url, region: twin.system.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
/** A token's claims, as the client sees them (no verification: the gateway tests verify). */
const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
/** USER_PASSWORD_AUTH on the fixture's public app client. */
const passwordSignIn = (client: CognitoIdentityProviderClient, email: string) =>
  client.send(new InitiateAuthCommand({ ClientId: twin.outputs.auth.AppClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));

test('the template gets ServerlessRestApi with stage Prod, and the events point at it', () => {
  const system = loadSystem({ rootDir: FIXTURE });
  const api = system.api.resources.ServerlessRestApi;
  expect(api).toMatchObject({ type: 'AWS::Serverless::Api', properties: { StageName: 'Prod' } });
  // Globals.Api applies to it: the Cognito authorizer, on the pool the auth stack published.
  expect(api?.properties.Auth).toMatchObject({ DefaultAuthorizer: 'PoolAuthorizer', Authorizers: { PoolAuthorizer: { UserPoolArn: system.auth.resources.Pool!.arn } } });
  const events = system.api.resources.HelloFunction!.properties.Events as Record<string, { Properties: { RestApiId: string } }>;
  expect(events.Hello!.Properties.RestApiId).toBe(api!.physicalId);
});

test('its URL output (Ref and .Stage of ServerlessRestApi) points at the local gateway serving it', () => {
  expect(twin.gateway.logicalId).toBe('ServerlessRestApi');
  expect(twin.outputs.api.ApiUrl).toBe(`${twin.gateway.url}/Prod/`);
});

test('the Cognito authorizer from Globals guards its routes: an ID token gets in, none gets 401', async () => {
  const base = twin.outputs.api.ApiUrl!;
  const allowed = await http(`${base}hello/ada`, { headers: { authorization: idToken } });
  expect(allowed.status).toBe(200);
  expect(allowed.body).toEqual({ resource: '/hello/{name}', stage: 'Prod', name: 'ada', email: EMAIL, groups: null });
  const refused = await http(`${base}hello/ada`);
  expect(refused.status).toBe(401);
  expect(refused.body).toEqual({ message: 'Unauthorized' });
});

test('Auth: NONE opens a route; the "Stage" stage SAM also deploys answers too; other stages are 403', async () => {
  expect((await http(`${twin.gateway.url}/Prod/public`)).body).toMatchObject({ resource: '/public', stage: 'Prod' });
  expect((await http(`${twin.gateway.url}/Stage/public`)).body).toMatchObject({ stage: 'Stage' });
  expect((await http(`${twin.gateway.url}/v1/public`)).status).toBe(403);
});

// The real SAM transform agrees: the same API id source (ServerlessRestApi), stage Prod, and the Globals authorizer.
samTest('the real SAM transform makes the same implicit API of the fixture', async () => {
  const system = loadSystem({ rootDir: FIXTURE });
  const processed = await translate(system, system.api);
  const restApis = Object.entries(processed.Resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::RestApi').map(([id]) => id);
  expect(restApis).toEqual(['ServerlessRestApi']);
  // Prod is an AWS::ApiGateway::Stage; "Stage" is the stage the swagger-2.0 Deployment itself creates (sam#191).
  const stageOf = (type: string) => Object.values(processed.Resources).filter((r) => r.Type === type).map((r) => r.Properties?.StageName);
  expect([...stageOf('AWS::ApiGateway::Stage'), ...stageOf('AWS::ApiGateway::Deployment')].sort()).toEqual(['Prod', 'Stage']);
  const body = processed.Resources.ServerlessRestApi!.Properties!.Body as { paths: Record<string, Record<string, { security?: unknown[] }>>; securityDefinitions: Record<string, unknown> };
  expect(Object.keys(body.paths).sort()).toEqual(['/hello/{name}', '/public']);
  expect(body.paths['/hello/{name}']!.get!.security).toEqual([{ PoolAuthorizer: [] }]);
  expect(body.paths['/public']!.get!.security ?? [{ NONE: [] }]).toEqual([{ NONE: [] }]);
  expect(body.securityDefinitions.PoolAuthorizer).toMatchObject({ 'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [system.auth.resources.Pool!.arn] } });
});

describe('groups and users declared in the template (UserPoolGroup, UserPoolUser, UserPoolUserToGroupAttachment)', () => {

  test('the groups are listed; an unknown one is ResourceNotFoundException "Group not found."', async () => {
    const client = sdk();
    try {
      const pool = twin.outputs.auth.UserPoolId!;
      const { Groups } = await client.send(new ListGroupsCommand({ UserPoolId: pool }));
      expect(Groups?.map((g) => [g.GroupName, g.Precedence])).toEqual([['admins', 1], ['editors', 5]]);
      await expect(client.send(new GetGroupCommand({ UserPoolId: pool, GroupName: 'nobody' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Group not found.' });
    } finally {
      client.destroy();
    }
  });

  test("the template's user exists (FORCE_CHANGE_PASSWORD); its tokens carry its groups, and the authorizer hands them on", async () => {
    const client = sdk();
    try {
      const pool = twin.outputs.auth.UserPoolId!;
      const seeded = await client.send(new AdminGetUserCommand({ UserPoolId: pool, Username: 'seeded@example.com' }));
      expect(seeded.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
      await client.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: 'seeded@example.com', Password: PASSWORD, Permanent: true }));
      const tokens = (await passwordSignIn(client, 'seeded@example.com')).AuthenticationResult!;
      // By precedence; the ID token also names the roles and the preferred (lowest precedence) one.
      expect(payload(tokens.IdToken!)).toMatchObject({ 'cognito:groups': ['admins', 'editors'], 'cognito:roles': ['arn:aws:iam::000000000000:role/admins'], 'cognito:preferred_role': 'arn:aws:iam::000000000000:role/admins' });
      expect(payload(tokens.AccessToken!)['cognito:groups']).toEqual(['admins', 'editors']);
      expect(payload(tokens.AccessToken!)).not.toHaveProperty('cognito:roles');
      const reply = await http(`${twin.outputs.api.ApiUrl!}hello/seed`, { headers: { authorization: tokens.IdToken! } });
      // A REST API's Cognito authorizer joins list claims with commas (claims.ts).
      expect(reply.body).toMatchObject({ groups: 'admins,editors' });
    } finally {
      client.destroy();
    }
  });

  test('AdminAddUserToGroup / AdminListGroupsForUser / AdminRemoveUserFromGroup change the next tokens', async () => {
    const client = sdk();
    try {
      const pool = twin.outputs.auth.UserPoolId!;
      const signIn = async () => payload((await passwordSignIn(client, EMAIL)).AuthenticationResult!.IdToken!);
      expect(await signIn()).not.toHaveProperty('cognito:groups');
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: EMAIL, GroupName: 'editors' }));
      expect((await client.send(new AdminListGroupsForUserCommand({ UserPoolId: pool, Username: EMAIL }))).Groups?.map((g) => g.GroupName)).toEqual(['editors']);
      expect((await signIn())['cognito:groups']).toEqual(['editors']);
      await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: EMAIL, GroupName: 'editors' }));
      expect(await signIn()).not.toHaveProperty('cognito:groups');
      await expect(client.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: EMAIL, GroupName: 'nobody' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      client.destroy();
    }
  });
});

describe('groups made at run time (CreateGroup, ListUsersInGroup, DeleteGroup), driven by the AWS CLI', () => {
  cliTest('a created group is listed, can take members who then carry it, and deleting it takes it out of their next tokens', async () => {
    const pool = twin.outputs.auth.UserPoolId!;
    const created = await awsCognitoIdp(twin, ['create-group', '--user-pool-id', pool, '--group-name', 'reviewers', '--precedence', '3', '--description', 'Reviews pets']);
    expect(created.json).toMatchObject({ Group: { GroupName: 'reviewers', UserPoolId: pool, Precedence: 3, Description: 'Reviews pets' } });
    const again = await awsCognitoIdp(twin, ['create-group', '--user-pool-id', pool, '--group-name', 'admins']);
    expect(again.stderr).toContain('GroupExistsException');
    expect((await awsCognitoIdp(twin, ['admin-add-user-to-group', '--user-pool-id', pool, '--username', EMAIL, '--group-name', 'reviewers'])).code).toBe(0);
    const members = await awsCognitoIdp(twin, ['list-users-in-group', '--user-pool-id', pool, '--group-name', 'reviewers']);
    expect((members.json?.Users as { Attributes: { Name: string; Value: string }[] }[]).map((u) => u.Attributes.find((a) => a.Name === 'email')?.Value)).toEqual([EMAIL]);
    const signIn = async () => {
      const client = sdk();
      try {
        return payload((await passwordSignIn(client, EMAIL)).AuthenticationResult!.IdToken!);
      } finally {
        client.destroy();
      }
    };
    expect((await signIn())['cognito:groups']).toEqual(['reviewers']);
    expect((await awsCognitoIdp(twin, ['delete-group', '--user-pool-id', pool, '--group-name', 'reviewers'])).code).toBe(0);
    expect(await signIn()).not.toHaveProperty('cognito:groups');
    expect((await awsCognitoIdp(twin, ['get-group', '--user-pool-id', pool, '--group-name', 'reviewers'])).stderr).toContain('ResourceNotFoundException');
  });

  cliTest("update-group changes a template's group (it drifts from the stack, as on AWS), listed once", async () => {
    const pool = twin.outputs.auth.UserPoolId!;
    const updated = await awsCognitoIdp(twin, ['update-group', '--user-pool-id', pool, '--group-name', 'editors', '--precedence', '2']);
    expect(updated.json).toMatchObject({ Group: { GroupName: 'editors', Precedence: 2, Description: 'Can edit' } });
    const listed = await awsCognitoIdp(twin, ['list-groups', '--user-pool-id', pool]);
    expect((listed.json?.Groups as { GroupName: string; Precedence?: number }[]).filter((g) => g.GroupName === 'editors')).toEqual([expect.objectContaining({ Precedence: 2 })]);
  });
});

describe('pre token generation trigger (V2_0, in the auth stack)', () => {

  test('its claims reach both tokens and its scope the access token; sub stays; refreshed tokens say so', async () => {
    const client = sdk();
    try {
      const signIn = (await passwordSignIn(client, EMAIL)).AuthenticationResult!;
      const id = payload(signIn.IdToken!);
      const access = payload(signIn.AccessToken!);
      expect(id).toMatchObject({ tenant: 'acme', source: 'TokenGeneration_Authentication', email: EMAIL });
      expect(access).toMatchObject({ tenant: 'acme', scope: 'aws.cognito.signin.user.admin pets/read' });
      expect(id.sub).not.toBe('not-allowed');
      expect(access.sub).toBe(id.sub);
      const refreshed = (await client.send(new InitiateAuthCommand({ ClientId: twin.outputs.auth.AppClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: signIn.RefreshToken! } }))).AuthenticationResult!;
      expect(payload(refreshed.IdToken!)).toMatchObject({ source: 'TokenGeneration_RefreshTokens' });
      // The gateway's Cognito authorizer hands the added claim on as any other.
      const reply = await http(`${twin.outputs.api.ApiUrl!}hello/tenant`, { headers: { authorization: signIn.IdToken! } });
      expect(reply.status).toBe(200);
    } finally {
      client.destroy();
    }
  });
});

describe('user-lifecycle triggers (PostConfirmation, PreAuthentication, PostAuthentication)', () => {
  const newUser = async (client: CognitoIdentityProviderClient, email: string) => {
    const pool = twin.outputs.auth.UserPoolId!;
    await client.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: email, Password: PASSWORD, Permanent: true }));
  };

  test('confirming a signed-up user runs PostConfirmation, whose function writes through the AWS SDK to DynamoDB Local', async () => {
    const client = sdk();
    const dynamo = new DynamoDBClient({ endpoint: twin.dynamodbEndpoint, region: twin.system.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const email = 'confirmed@example.com';
      const { UserSub } = await client.send(new SignUpCommand({ ClientId: twin.outputs.auth.AppClientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      await client.send(new AdminConfirmSignUpCommand({ UserPoolId: twin.outputs.auth.UserPoolId!, Username: email }));
      const table = twin.system.auth.resources.ProfilesTable!.physicalId;
      const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: { id: { S: UserSub! } } }));
      expect(Item).toEqual({ id: { S: UserSub }, email: { S: email }, status: { S: 'CONFIRMED' } });
    } finally {
      client.destroy();
      dynamo.destroy();
    }
  });

  test("CustomMessage writes the sign-up email; Cognito puts the code in place of {####}, and the code confirms", async () => {
    const client = sdk();
    try {
      const email = 'custom-message@example.com';
      await client.send(new SignUpCommand({ ClientId: twin.outputs.auth.AppClientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
      const { text } = outboxMessage(logs, email, 'confirmation code');
      expect(text).toContain('Subject: Welcome to the pets API');
      const code = /your code is (\d{6})\./.exec(text)?.[1];
      expect(code).toBeDefined();
      await client.send(new ConfirmSignUpCommand({ ClientId: twin.outputs.auth.AppClientId, Username: email, ConfirmationCode: code! }));
      expect((await client.send(new AdminGetUserCommand({ UserPoolId: twin.outputs.auth.UserPoolId!, Username: email }))).UserStatus).toBe('CONFIRMED');
    } finally {
      client.destroy();
    }
  });

  test('PreAuthentication and PostAuthentication can refuse a sign-in: UserLambdaValidationException with the message', async () => {
    const client = sdk();
    try {
      await newUser(client, 'blocked@example.com');
      await expect(passwordSignIn(client, 'blocked@example.com')).rejects.toMatchObject({ name: 'UserLambdaValidationException', message: 'PreAuthentication failed with error Blocked by policy.' });
      await newUser(client, 'nopost@example.com');
      await expect(passwordSignIn(client, 'nopost@example.com')).rejects.toMatchObject({ name: 'UserLambdaValidationException', message: 'PostAuthentication failed with error Not today.' });
    } finally {
      client.destroy();
    }
  });
});
