/**
 * The scripts that talk to AWS, against moto's server (the AWS APIs they read, emulated by a project nobody here
 * wrote): `npm run preflight` (an empty account, a taken name, a deployed auth stack) and `npm run web` (the web app's
 * config from the stacks' outputs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { probe, PYTHON, run, testWithTool } from '../support/tools';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const moto = probe('moto server (python)', PYTHON, ['-c', 'import moto.server, flask; print(moto.__version__)']);
const motoTest = testWithTool(moto, 'Install it with `pip install "moto[server]"`.');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

/** moto's server on a free loopback port, answering; stop it with kill(). */
async function startMoto(): Promise<{ endpoint: string; process: ChildProcess }> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return { endpoint, process: child };
    } catch {
      if (attempt > 100) throw new Error('moto server did not start');
      await new Promise((done) => setTimeout(done, 200));
    }
  }
}

describe('npm run preflight (against moto)', () => {
  let server: ChildProcess | undefined;
  let endpoint = '';
  let dir = '';
  const clients = () => {
    const options = { region: REGION, endpoint, credentials: CREDENTIALS };
    return {
      ssm: new SSMClient(options),
      cognito: new CognitoIdentityProviderClient(options),
      cloudFormation: new CloudFormationClient(options),
      apiGateway: new APIGatewayClient(options),
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-'));
    if (!moto.ok) return;
    ({ endpoint, process: server } = await startMoto());
  }, 60_000);

  afterAll(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    if (moto.ok) await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  });

  /** Runs the CLI in `cwd` (a project root with samconfig.toml) against moto, with nothing from ~/.aws. */
  function preflight(args: string[], cwd = ROOT) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      AWS_CONFIG_FILE: join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    };
    for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_DYNAMODB']) delete env[key];
    return run(TSX, [join(ROOT, 'scripts', 'preflight.ts'), ...args], { cwd, env });
  }

  const lines = (stdout: string, mark: 'ok' | 'FAIL') => stdout.split('\n').filter((l) => l.trim().startsWith(mark)).map((l) => l.trim());

  motoTest('an empty account: the auth stack may be created; the API stack may not, and the output says why', async () => {
    const auth = await preflight(['--config-env', 'auth']);
    expect({ code: auth.code, fails: lines(auth.stdout, 'FAIL') }).toEqual({ code: 0, fails: [] });
    expect(auth.stdout).toContain('SSM parameter /links-auth/CognitoUserPoolId is free');
    expect(auth.stdout).toContain('domain prefix: derived from the stack id');
    expect(auth.stdout).toMatch(/note: the account has no API Gateway CloudWatch Logs role/);

    const api = await preflight(['--config-env', 'api']);
    expect(api.code).toBe(1);
    const fails = lines(api.stdout, 'FAIL').join('\n');
    expect(fails).toContain('SSM parameter /links-auth/CognitoUserPoolId does not exist');
    expect(fails).toContain('no export named links-auth-UserPoolId');
    expect(fails).toContain('no API Gateway CloudWatch Logs role');
  }, 60_000);

  motoTest('an SSM name already in use and an explicit domain prefix someone holds fail the auth stack\'s check', async () => {
    const { ssm, cognito } = clients();
    await ssm.send(new PutParameterCommand({ Name: '/links-auth/CognitoIssuerUrl', Value: 'someone else\'s', Type: 'String' }));
    const other = await cognito.send(new CreateUserPoolCommand({ PoolName: 'someone-else' }));
    await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: other.UserPool!.Id!, Domain: 'links-login' }));
    writeFileSync(join(dir, 'samconfig.toml'), [
      'version = 0.1',
      '[auth.build.parameters]',
      `template_file = ${JSON.stringify(join(ROOT, 'auth-stack', 'template.yaml'))}`,
      '[auth.deploy.parameters]',
      'stack_name = "links-auth"',
      'parameter_overrides = "DomainPrefix=links-login"',
      '[api.build.parameters]',
      `template_file = ${JSON.stringify(join(ROOT, 'api-stack', 'template.yaml'))}`,
      '[api.deploy.parameters]',
      'stack_name = "links-api"',
    ].join('\n'));

    const result = await preflight(['--config-env', 'auth'], dir);
    expect(result.code).toBe(1);
    const fails = lines(result.stdout, 'FAIL');
    expect(fails).toHaveLength(2);
    expect(fails.join('\n')).toContain('SSM parameter /links-auth/CognitoIssuerUrl already exists');
    expect(fails.join('\n')).toContain('domain prefix links-login is taken');
  }, 60_000);

  motoTest('with the auth stack deployed the API stack passes, until its resource server identifier is taken', async () => {
    const { ssm, cognito, cloudFormation, apiGateway } = clients();
    const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'links-auth-users' }))).UserPool!;
    await ssm.send(new PutParameterCommand({ Name: '/links-auth/CognitoUserPoolId', Value: pool.Id!, Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: '/links-auth/CognitoUserPoolArn', Value: pool.Arn!, Type: 'String' }));
    await cloudFormation.send(new CreateStackCommand({
      StackName: 'links-auth',
      TemplateBody: JSON.stringify({
        Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
        Outputs: { UserPoolId: { Value: pool.Id, Export: { Name: 'links-auth-UserPoolId' } } },
      }),
    }));
    await apiGateway.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: 'arn:aws:iam::123456789012:role/apigw-logs' }] }));

    const clean = await preflight([]);
    expect({ code: clean.code, fails: lines(clean.stdout, 'FAIL') }).toEqual({ code: 0, fails: [] });
    expect(clean.stdout).toMatch(/stack links-auth exists \(CREATE_COMPLETE\)/);
    expect(clean.stdout).toContain(`resource server identifier links-api is free in ${pool.Id}`);

    await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id!, Identifier: 'links-api', Name: 'another API' }));
    const taken = await preflight(['--config-env', 'api']);
    expect(taken.code).toBe(1);
    expect(lines(taken.stdout, 'FAIL')).toEqual([expect.stringContaining('the pool already has a resource server links-api')]);
  }, 90_000);

  test('a config env samconfig.toml does not have is a usage error (exit 2), before any AWS call', async () => {
    const result = await run(TSX, [join(ROOT, 'scripts', 'preflight.ts'), '--config-env', 'nope'], { cwd: ROOT, env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--config-env nope: samconfig.toml has auth, api/);
  }, 30_000);
});

describe('npm run web (against moto\'s CloudFormation)', () => {
  let server: ChildProcess | undefined;
  let endpoint = '';

  beforeAll(async () => {
    if (!moto.ok) return;
    ({ endpoint, process: server } = await startMoto());
  }, 60_000);
  afterAll(() => server?.kill());

  motoTest('serves the web app with its config from the deployed stacks\' outputs', async () => {
    const cloudFormation = new CloudFormationClient({ region: REGION, endpoint, credentials: CREDENTIALS });
    const stack = (name: string, outputs: Record<string, string>) => cloudFormation.send(new CreateStackCommand({
      StackName: name,
      TemplateBody: JSON.stringify({ Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } }, Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])) }),
    }));
    await stack('links-auth', { IssuerUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc', TokenUrl: 'https://login-x.auth.us-east-1.amazoncognito.com/oauth2/token' });
    await stack('links-api', { WebClientId: 'webclient123', ApiUrl: 'https://abc.execute-api.us-east-1.amazonaws.com/v1/', ResourceServerId: 'links-api' });
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_REGION: REGION };
    delete env.AWS_PROFILE;
    const web = spawn(TSX, [join(ROOT, 'scripts', 'web.ts'), '--port', String(port)], { cwd: ROOT, env });
    try {
      let output = '';
      web.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      web.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      const deadline = Date.now() + 60_000;
      while (!output.includes('Web app: ')) {
        if (Date.now() > deadline || web.exitCode !== null) throw new Error(`npm run web did not start:\n${output}`);
        await new Promise((done) => setTimeout(done, 100));
      }
      expect(await (await fetch(`http://localhost:${port}/config.json`)).json()).toEqual({
        authority: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc',
        clientId: 'webclient123',
        apiUrl: 'https://abc.execute-api.us-east-1.amazonaws.com/v1/',
        scope: 'openid email links-api/read links-api/write',
        loginBaseUrl: 'https://login-x.auth.us-east-1.amazoncognito.com',
      });
      expect((await fetch(`http://localhost:${port}/callback`)).headers.get('content-type')).toContain('text/html');
    } finally {
      web.kill('SIGTERM');
    }
  }, 90_000);
});
