/**
 * `npm start` as a person runs it: a real process on fixed ports, a banner, .local/outputs.json, and Ctrl-C
 * stopping everything (Java included). State goes to a temporary --local-dir, never the developer's .local/.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortFree, freePort } from '../../local/net';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

interface Run { child: ChildProcess; output: () => string; exited: Promise<number | null> }

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  let output = '';
  const child = spawn(TSX, ['local/cli.ts', ...args], { cwd: process.cwd(), env: { ...env, FORCE_COLOR: '0' } });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, text: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`npm start exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  const localDir = mkdtempSync(join(tmpdir(), 'twin-cli-'));
  afterAll(() => rmSync(localDir, { recursive: true, force: true }));

  test('starts on the given ports, writes outputs, prints no secret, and Ctrl-C leaves no process behind', async () => {
    const [apiPort, cognitoPort, dynamodbPort] = [await freePort(), await freePort(), await freePort()];
    const run = runCli(['--api-port', String(apiPort), '--cognito-port', String(cognitoPort), '--dynamodb-port', String(dynamodbPort), '--local-dir', localDir]);
    try {
      await waitFor(run, 'Ctrl-C stops everything');
      const outputsFile = join(localDir, 'outputs.json');
      expect(statSync(outputsFile).mode & 0o777).toBe(0o600);
      const outputs = JSON.parse(readFileSync(outputsFile, 'utf8'));
      expect(outputs.api.ApiUrl).toBe(`http://127.0.0.1:${apiPort}/v1/`);
      expect(outputs.auth.TokenUrl).toBe(`http://127.0.0.1:${cognitoPort}/oauth2/token`);
      expect(outputs.auth.IssuerUrl).toBe(`http://127.0.0.1:${cognitoPort}/${outputs.auth.UserPoolId}`);
      expect(outputs.auth.UserPoolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
      for (const key of ['M2MClientId', 'ReadOnlyClientId', 'UserClientId']) expect(run.output()).toContain(outputs.api[key]);
      for (const secret of Object.values(outputs.local.ClientSecrets) as string[]) expect(run.output()).not.toContain(secret);

      const me = await fetch(`${outputs.api.ApiUrl}me`);
      expect(me.status).toBe(401);
      // The access log line is written as the response finishes: wait for it rather than race it.
      await waitFor(run, 'GET /v1/me 401');
      expect(run.output()).toMatch(/\[api\] GET \/v1\/me 401 \d+ms principal=- /);
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
    // Everything it started is gone: the ports are free again, DynamoDB Local's Java included.
    await assertPortFree(apiPort, 'api');
    await assertPortFree(cognitoPort, 'cognito');
    await assertPortFree(dynamodbPort, 'dynamodb');
  });

  test("other templates (SAM's single-template layout) get a banner of what they declare, and no Postman environment", async () => {
    const [apiPort, cognitoPort, dynamodbPort, webPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'twin-cli-generic-'));
    const run = runCli(['--config-file', 'test/fixtures/single-template/samconfig.toml', '--fresh', '--local-dir', dir, '--api-port', String(apiPort), '--cognito-port', String(cognitoPort), '--dynamodb-port', String(dynamodbPort), '--web-port', String(webPort)]);
    try {
      await waitFor(run, 'Ctrl-C stops everything');
      const outputs = JSON.parse(readFileSync(join(dir, 'outputs.json'), 'utf8'));
      const banner = run.output();
      expect(banner).toContain(`    NotesApi                 http://127.0.0.1:${apiPort}/`);
      expect(banner).toContain(`  User pool      ${outputs.api.UserPoolId}   issuer http://127.0.0.1:${cognitoPort}/${outputs.api.UserPoolId}`);
      expect(banner).toContain(`    ApiUrl = http://127.0.0.1:${apiPort}`);
      expect(banner).toContain(`--client-id ${outputs.api.UserPoolClientId} --auth-flow USER_PASSWORD_AUTH`);
      expect(banner).not.toContain('undefined');
      expect(banner).not.toContain('Postman');

      // The token CLI takes any app client of these templates by its id.
      const idp = new CognitoIdentityProviderClient({ endpoint: outputs.local.CognitoEndpoint, region: outputs.local.Region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        await idp.send(new AdminCreateUserCommand({ UserPoolId: outputs.api.UserPoolId, Username: 'cli@example.com', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'cli@example.com' }] }));
        await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: outputs.api.UserPoolId, Username: 'cli@example.com', Password: 'Correct-Horse-9', Permanent: true }));
      } finally {
        idp.destroy();
      }
      const token = await new Promise<string>((done, fail) => {
        execFile(TSX, ['scripts/token.ts', '--client', outputs.api.UserPoolClientId, '--username', 'cli@example.com', '--local-dir', dir], { env: { ...process.env, TOKEN_PASSWORD: 'Correct-Horse-9' } }, (error, stdout, stderr) => (error ? fail(new Error(stderr)) : done(stdout.trim())));
      });
      const notes = await fetch(`${outputs.api.ApiUrl}/notes`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: '{"text":"from the CLI"}' });
      expect(notes.status).toBe(201);
    } finally {
      run.child.kill('SIGINT');
      await run.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a second twin on the same --local-dir (--fresh, other ports) refuses to start while the first runs, and overwrites nothing', async () => {
    const ports = async () => ['--api-port', String(await freePort()), '--cognito-port', String(await freePort()), '--dynamodb-port', String(await freePort())];
    const dir = mkdtempSync(join(tmpdir(), 'twin-cli-two-'));
    const first = runCli([...(await ports()), '--local-dir', dir, '--fresh']);
    try {
      await waitFor(first, 'Ctrl-C stops everything');
      const outputs = readFileSync(join(dir, 'outputs.json'), 'utf8');
      const second = runCli([...(await ports()), '--local-dir', dir, '--fresh']);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`npm start: another twin (pid ${JSON.parse(outputs).local.Pid}, Cognito ${JSON.parse(outputs).local.CognitoEndpoint}) runs from ${dir}:`);
      expect(readFileSync(join(dir, 'outputs.json'), 'utf8')).toBe(outputs);
    } finally {
      first.child.kill('SIGINT');
    }
    expect(await first.exited).toBe(0);
    // Once it has stopped, its outputs.json no longer holds anyone back.
    const third = runCli([...(await ports()), '--local-dir', dir, '--fresh']);
    try {
      await waitFor(third, 'Ctrl-C stops everything');
    } finally {
      third.child.kill('SIGINT');
    }
    expect(await third.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  test('kill -TERM of the `npm start` process (npm dies, its shell too) leaves no process behind', async () => {
    const [apiPort, cognitoPort, dynamodbPort] = [await freePort(), await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'twin-cli-npm-'));
    let output = '';
    const npm = spawn('npm', ['start', '--', '--api-port', String(apiPort), '--cognito-port', String(cognitoPort), '--dynamodb-port', String(dynamodbPort), '--local-dir', dir, '--fresh'], { cwd: process.cwd(), env: { ...process.env, FORCE_COLOR: '0' } });
    npm.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    npm.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    try {
      await waitFor({ child: npm, output: () => output, exited: Promise.resolve(null) }, 'Ctrl-C stops everything');
      npm.kill('SIGTERM');
      // The twin notices it was orphaned (polled twice a second) and stops; allow a loaded machine its time.
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          for (const [port, what] of [[apiPort, 'api'], [cognitoPort, 'cognito'], [dynamodbPort, 'dynamodb']] as const) await assertPortFree(port, what);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      npm.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  test('a taken port is one clear line and a non-zero exit', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((done) => blocker.listen(0, '127.0.0.1', () => {
      const address = blocker.address();
      done(typeof address === 'object' && address ? address.port : 0);
    }));
    try {
      const run = runCli(['--api-port', String(port), '--local-dir', localDir, '--fresh']);
      expect(await run.exited).toBe(1);
      const lines = run.output().trim().split('\n');
      expect(lines[lines.length - 1]).toBe(`npm start: Port ${port} (API Gateway, api/LinksApi) is already in use: stop what holds it or choose another port.`);
    } finally {
      blocker.close();
    }
  });

  test('without Java, one line says what to install, and nothing is left running', async () => {
    // A PATH holding only node: DynamoDB Local's `java` cannot be found.
    const bin = mkdtempSync(join(tmpdir(), 'twin-nojava-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const apiPort = await freePort();
      const run = runCli(['--api-port', String(apiPort), '--local-dir', localDir, '--fresh'], { ...process.env, PATH: bin });
      expect(await run.exited).toBe(1);
      const lines = run.output().trim().split('\n');
      expect(lines[lines.length - 1]).toMatch(/^npm start: Java 17\+ is required for DynamoDB Local but `java` was not found on PATH/);
      await assertPortFree(apiPort, 'api');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('a bad flag value is rejected with a usage line', async () => {
    const run = runCli(['--api-port', 'eighty', '--local-dir', localDir]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("--api-port must be a port number (0-65535, 0 = any free port), got 'eighty'");
  });
});
