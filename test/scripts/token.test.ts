/**
 * `npm run token` as people run it: the real CLI in a child process (tsx scripts/token.ts) against a twin
 * started here, found through --local-dir. Tokens are checked with aws-jwt-verify against the twin's JWKS.
 * The twin runs in this process, so the CLI is only ever run asynchronously.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Twin } from '../../local/twin';
import { verifyToken } from '../support/cognitoVerify';
import { PASSWORD, startTestTwin } from '../support/twin';
import { run, type RunResult } from '../support/tools';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const JWT_LINE = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;


/** scripts/token.ts with `args`, cwd = the project root; TOKEN_PASSWORD only when `env` gives it. */
function token(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...options.env };
  if (!options.env?.TOKEN_PASSWORD) delete env.TOKEN_PASSWORD;
  delete env.SCRIPTS_DEBUG;
  return run(TSX, ['scripts/token.ts', ...args], { cwd: ROOT, env, input: options.stdin ?? '' });
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const scopesOf = (claims: { scope?: unknown }) => String(claims.scope ?? '').split(' ').sort();

describe('npm run token, against a twin', () => {
  let twin: Twin;
  let localDir: string;
  let emptyDir: string;
  let issuer: string;
  let rs: string;
  const email = 'token-cli@example.com';

  beforeAll(async () => {
    localDir = mkdtempSync(join(tmpdir(), 'token-cli-'));
    emptyDir = mkdtempSync(join(tmpdir(), 'token-cli-none-'));
    twin = await startTestTwin({ outputsFile: join(localDir, 'outputs.json') });
    issuer = twin.outputs.auth.IssuerUrl!;
    rs = twin.outputs.api.ResourceServerId!;
    const cognito = new CognitoIdentityProviderClient({ endpoint: twin.cognito.url, region: twin.system.region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    try {
      const pool = twin.outputs.auth.UserPoolId!;
      await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: email, Password: PASSWORD, Permanent: true }));
    } finally {
      cognito.destroy();
    }
  });
  afterAll(async () => {
    await twin?.stop();
    for (const dir of [localDir, emptyDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const at = () => ['--local-dir', localDir];

  /** Success: exit 0, stdout exactly one line holding the JWT, nothing on stderr. */
  function onlyToken(run: RunResult): string {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(JWT_LINE);
    return run.stdout.trim();
  }

  /** Failure: the exit code and one line on stderr, `token: …`; nothing on stdout. */
  function oneLineError(run: RunResult, code: number, message: RegExp): void {
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout: '' });
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^token: /);
    expect(run.stderr).toMatch(message);
  }

  test('m2m: a client-credentials access token with read and write', async () => {
    const jwt = onlyToken(await token(['--client', 'm2m', ...at()]));
    const clientId = twin.outputs.api.M2MClientId!;
    const claims = await verifyToken(jwt, { issuer, tokenUse: 'access', clientId });
    expect(claims.client_id).toBe(clientId);
    expect(scopesOf(claims)).toEqual([`${rs}/read`, `${rs}/write`]);
  });

  test('--api names an API config env the twin does not serve: one line saying which it serves', async () => {
    oneLineError(await token(['--client', 'm2m', '--api', 'nope', ...at()]), 1, /the twin serves no API config env 'nope' \(it serves: api\)/);
  });

  test('readonly: only the read scope', async () => {
    const jwt = onlyToken(await token(['--client', 'readonly', ...at()]));
    const clientId = twin.outputs.api.ReadOnlyClientId!;
    const claims = await verifyToken(jwt, { issuer, tokenUse: 'access', clientId });
    expect(scopesOf(claims)).toEqual([`${rs}/read`]);
    expect(rs).toBe('links-api');
  });

  test('--scope narrows what the m2m client asks for', async () => {
    const jwt = onlyToken(await token(['--client', 'm2m', '--scope', 'links-api/read', ...at()]));
    const claims = await verifyToken(jwt, { issuer, tokenUse: 'access', clientId: twin.outputs.api.M2MClientId! });
    expect(claims.scope).toBe('links-api/read');
  });

  test('user, password from TOKEN_PASSWORD: the user\'s access token', async () => {
    const jwt = onlyToken(await token(['--client', 'user', '--username', email, ...at()], { env: { TOKEN_PASSWORD: PASSWORD } }));
    const clientId = twin.outputs.api.UserClientId!;
    const claims = await verifyToken(jwt, { issuer, tokenUse: 'access', clientId });
    expect(claims.username).toBeDefined();
    expect(scopesOf(claims)).toEqual(['aws.cognito.signin.user.admin']);
  });

  test('user, password from --password-stdin (the first line; TOKEN_PASSWORD not needed)', async () => {
    const jwt = onlyToken(await token(['--client', 'user', '--username', email, '--password-stdin', ...at()], { stdin: `${PASSWORD}\nnot read\n` }));
    await verifyToken(jwt, { issuer, tokenUse: 'access', clientId: twin.outputs.api.UserClientId! });
  });

  test('--id prints the ID token: token_use id, aud the user client', async () => {
    const jwt = onlyToken(await token(['--client', 'user', '--username', email, '--id', ...at()], { env: { TOKEN_PASSWORD: PASSWORD } }));
    const clientId = twin.outputs.api.UserClientId!;
    const claims = await verifyToken(jwt, { issuer, tokenUse: 'id', clientId });
    expect(claims.token_use).toBe('id');
    expect(claims.aud).toBe(clientId);
    expect(claims.email).toBe(email);
    expect(payloadOf(jwt).client_id).toBeUndefined();
  });

  test('--password still works, with a one-line warning on stderr (stdout stays the token alone)', async () => {
    const run = await token(['--client', 'user', '--username', email, '--password', PASSWORD, ...at()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(JWT_LINE);
    await verifyToken(run.stdout.trim(), { issuer, tokenUse: 'access', clientId: twin.outputs.api.UserClientId! });
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^token: warning: --password .*debug log.*TOKEN_PASSWORD.*--password-stdin\n$/);
    expect(run.stderr).not.toContain(PASSWORD);
  });

  describe('one-line errors, non-zero exit', () => {
    test('no --client (usage: exit 2)', async () => {
      oneLineError(await token(at()), 2, /--client is required/);
    });

    test('an unknown client', async () => {
      oneLineError(await token(['--client', 'admin', ...at()]), 2, /--client must be m2m, readonly, user or an app client id of the running twin, got 'admin'/);
    });

    test('user without --username', async () => {
      oneLineError(await token(['--client', 'user', ...at()], { env: { TOKEN_PASSWORD: PASSWORD } }), 2, /--client user needs --username/);
    });

    test('user without any password', async () => {
      oneLineError(await token(['--client', 'user', '--username', email, ...at()]), 2, /needs the password in TOKEN_PASSWORD, or --password-stdin/);
    });

    test('--password-stdin with nothing on stdin', async () => {
      oneLineError(await token(['--client', 'user', '--username', email, '--password-stdin', ...at()], { stdin: '' }), 2, /--password-stdin read no password/);
    });

    test('a wrong password', async () => {
      oneLineError(await token(['--client', 'user', '--username', email, ...at()], { env: { TOKEN_PASSWORD: 'Wrong-Horse-9' } }), 1, new RegExp(`sign-in as ${email} failed: NotAuthorizedException`));
    });

    test('a scope the client may not have', async () => {
      oneLineError(await token(['--client', 'readonly', '--scope', 'links-api/write', ...at()]), 1, /invalid_scope for the readonly client \(scope 'links-api\/write'\)/);
    });

    test('no twin running (no outputs.json)', async () => {
      oneLineError(await token(['--client', 'm2m', '--local-dir', emptyDir]), 1, /the local twin is not running \(no .*outputs\.json\): start it with `npm start`/);
    });
  });
});
