/**
 * `npm run postman:env` for deployed stacks, the real CLI in a child process against a fake AWS (one HTTP
 * server speaking CloudFormation's query protocol and Cognito's JSON protocol, reached through the SDK's
 * AWS_ENDPOINT_URL_<SERVICE> variables): the environment's scopes are what DescribeUserPoolClient says.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostmanEnvironment } from '../../postman/environment';
import { run } from '../support/tools';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

const POOL = 'eu-west-1_AbCdEf123';
const STACKS: Record<string, Record<string, string>> = {
  'links-auth': {
    UserPoolId: POOL,
    TokenUrl: 'https://links-auth-x.auth.eu-west-1.amazoncognito.com/oauth2/token',
    IssuerUrl: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
  },
  'links-api': {
    ApiUrl: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/v1/',
    M2MClientId: 'm2mclientid0000000000000000',
    ReadOnlyClientId: 'readonlyclientid00000000000',
    UserClientId: 'userclientid000000000000000',
    ResourceServerId: 'links-api',
  },
};
// Deliberately not what the templates declare: the environment must take AWS's word for it.
const CLIENTS: Record<string, { ClientSecret: string; AllowedOAuthScopes?: string[] }> = {
  m2mclientid0000000000000000: { ClientSecret: 'm2m-secret', AllowedOAuthScopes: ['links-api/write', 'links-api/read', 'links-api/admin'] },
  readonlyclientid00000000000: { ClientSecret: 'readonly-secret', AllowedOAuthScopes: ['links-api/read'] },
  userclientid000000000000000: { ClientSecret: 'user-secret', AllowedOAuthScopes: ['openid', 'email'] },
};

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function describeStacks(name: string): string {
  const outputs = Object.entries(STACKS[name] ?? {})
    .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
    .join('');
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>${name}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/1</StackId>
<CreationTime>2025-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${outputs}</Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
}

describe('npm run postman:env (deployed stacks)', () => {
  let server: Server;
  let endpoint: string;
  let dir: string;
  const described: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'postman-env-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const target = req.headers['x-amz-target'];
        if (target === 'AWSCognitoIdentityProviderService.DescribeUserPoolClient') {
          const { UserPoolId, ClientId } = JSON.parse(body) as { UserPoolId: string; ClientId: string };
          described.push(ClientId);
          const client = CLIENTS[ClientId];
          res.setHeader('Content-Type', 'application/x-amz-json-1.1');
          res.end(JSON.stringify({ UserPoolClient: { UserPoolId, ClientId, ClientName: ClientId, ...client } }));
          return;
        }
        const form = new URLSearchParams(body);
        if (form.get('Action') === 'DescribeStacks') {
          res.setHeader('Content-Type', 'text/xml');
          res.end(describeStacks(form.get('StackName') ?? ''));
          return;
        }
        res.statusCode = 400;
        res.end(`unexpected request ${String(target)} ${body}`);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(dir, { recursive: true, force: true });
  });

  function postmanEnv(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // Nothing from the developer's ~/.aws may take part.
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    };
    for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_DYNAMODB']) delete env[key];
    return run(TSX, ['scripts/postman-env.ts', ...args], { cwd: ROOT, env, input: '' });
  }

  test('scopes and secrets come from DescribeUserPoolClient, one call per client', async () => {
    const out = join(dir, 'aws.postman_environment.json');
    const run = await postmanEnv(['--auth-stack', 'links-auth', '--api-stack', 'links-api', '--region', 'eu-west-1', '--out', out]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(described.sort()).toEqual(Object.keys(CLIENTS).sort());
    const env = JSON.parse(readFileSync(out, 'utf8')) as PostmanEnvironment;
    const value = (key: string) => env.values.find((v) => v.key === key);
    expect(value('scope')?.value).toBe('links-api/write links-api/read links-api/admin');
    expect(value('readOnlyScope')?.value).toBe('links-api/read');
    expect(value('clientSecret')).toMatchObject({ value: 'm2m-secret', type: 'secret' });
    expect(value('baseUrl')?.value).toBe('https://abc123defg.execute-api.eu-west-1.amazonaws.com/v1');
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });
});
