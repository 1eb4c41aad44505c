/**
 * npm run token — prints a token and nothing else, for $(…) in shells:
 *   TOKEN=$(npm run -s token -- --client m2m)
 *   TOKEN=$(TOKEN_PASSWORD=… npm run -s token -- --client user --username U)
 * A user's password comes from TOKEN_PASSWORD or --password-stdin, never the command line: npm writes its
 * argv to its debug log (~/.npm/_logs) and every process's argv shows in `ps`.
 * Against the running local twin (.local/outputs.json) or, with --auth-stack/--api-stack, the deployed stacks.
 */
import { cognitoClient, fetchClientCredentialsToken, signInWithPassword, TokenEndpointError, describeAwsError } from './lib/cognito';
import { parseFlags, runMain, stackNames, UsageError } from './lib/cli';
import { awsTarget, localClientTarget, localTarget, CLIENT_NAMES, TargetError, type ApiTarget, type ClientName } from './lib/targets';

const HELP = `Usage: npm run -s token -- --client m2m|readonly|user [options]

Prints only the token (-s keeps npm's own lines out of $(…)).

  --client C          m2m (client credentials, read+write), readonly (client credentials, read),
                      user (USER_PASSWORD_AUTH with SECRET_HASH), or, for any other templates on the
                      local twin, an app client id (with --username: a password sign-in; without:
                      client credentials)
  --username U        with --client user: the user's email. The password: env TOKEN_PASSWORD
                      (TOKEN_PASSWORD=… npm run -s token -- --client user --username U), or
  --password-stdin    read it from the first line of stdin (piped from a password manager, a file…)
  --password P        deprecated, warns: the command line lands in npm's debug log and in ps
  --id                with --client user: print the ID token (what GET /me wants) instead of the access token
  --scope S           with m2m/readonly: space-separated scopes to ask for (default: all the client may have)
  --local-dir DIR     the twin's directory, as given to npm start --local-dir (default .local)
  --api ENV           the twin's API stack of samconfig config env ENV (default: the default API, env api)
  --auth-stack NAME   use the deployed stacks instead of the local twin (default names: samconfig.toml)
  --api-stack NAME
  --region R          with --auth-stack/--api-stack
  -h, --help`;

const PASSWORD_FLAG_WARNING =
  'token: warning: --password is deprecated — npm\'s debug log and ps show the command line; use TOKEN_PASSWORD=… or --password-stdin';

/** --password-stdin: the first line of stdin, without its line ending (the rest is not read). */
async function readPasswordLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  process.stdin.destroy();
  const line = text.split('\n', 1)[0]!.replace(/\r$/, '');
  if (!line) throw new UsageError('--password-stdin read no password (an empty first line, or nothing on stdin)');
  return line;
}

async function main(): Promise<number> {
  const values = parseFlags(
    {
      client: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      id: { type: 'boolean', default: false },
      scope: { type: 'string' },
      'auth-stack': { type: 'string' },
      'api-stack': { type: 'string' },
      region: { type: 'string' },
      'local-dir': { type: 'string' },
      api: { type: 'string' },
    },
    HELP,
  );
  if (!values) return 0;
  if (values.password !== undefined) console.error(PASSWORD_FLAG_WARNING);
  const client = values.client;
  if (!client) throw new UsageError('--client is required: m2m, readonly or user');
  if (!(CLIENT_NAMES as readonly string[]).includes(client)) {
    // Any other templates: an app client by its id, on the local twin.
    if (!/^[a-z0-9]{20,128}$/.test(client)) throw new UsageError(`--client must be m2m, readonly, user or an app client id of the running twin, got '${client}'`);
    return anyClientToken(client, values);
  }
  const name = client as ClientName;
  const fromStdin = values['password-stdin'];
  const givenPassword = values.password || process.env.TOKEN_PASSWORD || undefined;
  if (name === 'user') {
    if (!values.username) throw new UsageError('--client user needs --username (the user\'s email)');
    if (fromStdin && values.password !== undefined) throw new UsageError('give --password-stdin or --password, not both');
    if (!fromStdin && !givenPassword) {
      throw new UsageError('--client user needs the password in TOKEN_PASSWORD, or --password-stdin');
    }
    if (values.scope !== undefined) throw new UsageError('--scope only applies to m2m/readonly (a password sign-in gets aws.cognito.signin.user.admin)');
  } else {
    if (values.id) throw new UsageError(`--id only applies to --client user: client-credentials tokens have no ID token`);
    if (values.username !== undefined || values.password !== undefined || fromStdin) {
      throw new UsageError('--username/--password/--password-stdin only apply to --client user');
    }
  }

  const rootDir = process.cwd();
  const stacks = stackNames(values, rootDir, false);
  if (stacks && (values['local-dir'] !== undefined || values.api !== undefined)) {
    throw new UsageError('--local-dir and --api are for the local twin, not with --auth-stack/--api-stack (name the API stack with --api-stack)');
  }
  const target: ApiTarget = stacks ? await awsTarget(stacks, [name]) : await localTarget(rootDir, values['local-dir'], values.api);
  const app = target.clients[name];
  if (name !== 'user' && !app.clientSecret) throw new TargetError(`the ${name} client ${app.clientId} has no secret: cannot use client credentials`);

  if (name === 'user') {
    const password = fromStdin ? await readPasswordLine() : givenPassword!;
    await printUserToken(target.cognito, { clientId: app.clientId, clientSecret: app.clientSecret || undefined, username: values.username!, password }, values.id === true);
    return 0;
  }
  try {
    const token = await fetchClientCredentialsToken({
      tokenUrl: target.tokenUrl,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      ...(values.scope ? { scope: values.scope } : {}),
    });
    process.stdout.write(`${token.accessToken}\n`);
  } catch (error) {
    if (error instanceof TokenEndpointError) throw new TargetError(`${error.message} for the ${name} client${error.error === 'invalid_scope' ? ` (scope '${values.scope}')` : ''}`);
    throw error;
  }
  return 0;
}

/** A USER_PASSWORD_AUTH sign-in (SECRET_HASH when the client has a secret): prints the access token, or the ID token. */
async function printUserToken(
  cognito: Parameters<typeof cognitoClient>[0],
  user: { clientId: string; clientSecret?: string; username: string; password: string },
  idToken: boolean,
): Promise<void> {
  const idp = cognitoClient(cognito);
  try {
    const tokens = await signInWithPassword(idp, user);
    process.stdout.write(`${idToken ? tokens.idToken : tokens.accessToken}\n`);
  } catch (error) {
    throw new TargetError(`sign-in as ${user.username} failed: ${describeAwsError(error)}`);
  } finally {
    idp.destroy();
  }
}

/**
 * `--client <app client id>`: with --username, a USER_PASSWORD_AUTH sign-in (with SECRET_HASH when the client has a
 * secret); without, client credentials (the client needs a secret). Against the running local twin only.
 */
async function anyClientToken(clientId: string, values: { username?: string; password?: string; 'password-stdin'?: boolean; id?: boolean; scope?: string; 'local-dir'?: string; 'auth-stack'?: string; 'api-stack'?: string }): Promise<number> {
  if (values['auth-stack'] !== undefined || values['api-stack'] !== undefined) throw new UsageError('--client <app client id> is for the local twin; on AWS use m2m, readonly or user');
  const target = await localClientTarget(process.cwd(), values['local-dir'], clientId);
  if (values.username) {
    const password = values['password-stdin'] ? await readPasswordLine() : values.password || process.env.TOKEN_PASSWORD;
    if (!password) throw new UsageError('a sign-in needs the password in TOKEN_PASSWORD, or --password-stdin');
    await printUserToken(target.cognito, { clientId, clientSecret: target.clientSecret, username: values.username, password }, values.id === true);
    return 0;
  }
  if (!target.clientSecret) throw new TargetError(`app client ${clientId} has no secret: client credentials need one (give --username to sign a user in)`);
  const token = await fetchClientCredentialsToken({ tokenUrl: target.tokenUrl, clientId, clientSecret: target.clientSecret, ...(values.scope ? { scope: values.scope } : {}) });
  process.stdout.write(`${token.accessToken}\n`);
  return 0;
}

runMain('token', main);
