/**
 * npm run web -- [--auth-stack NAME] [--api-stack NAME] [--region R] [--port N]
 * Serves the links web app (web/) against the deployed stacks: its /config.json from their CloudFormation outputs
 * (issuer, web client, API URL, the hosted domain). The local twin serves it itself (`npm start`).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { startWebApp } from '../local/web/server';
import { parseFlags, runMain, stackNames, UsageError } from './lib/cli';
import { TargetError } from './lib/targets';

const HELP = `Usage: npm run web -- [options]

  --auth-stack NAME   the auth stack (default: samconfig.toml's, links-auth)
  --api-stack NAME    the API stack (default: samconfig.toml's, links-api)
  --region R          default: samconfig.toml's, then AWS_REGION / your profile
  --port N            default 5173: the API stack's default CallbackUrls (http://localhost:5173/callback)
  -h, --help

Needs cloudformation:DescribeStacks. The web client's CallbackUrls and LogoutUrls must list this app's URL.`;

async function outputsOf(client: CloudFormationClient, stack: string): Promise<Record<string, string>> {
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stack }));
  return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

async function main(): Promise<number> {
  const flags = parseFlags({ 'auth-stack': { type: 'string' }, 'api-stack': { type: 'string' }, region: { type: 'string' }, port: { type: 'string' } }, HELP);
  if (!flags) return 0;
  const port = Number(flags.port ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got '${flags.port}'`);
  const stacks = stackNames(flags, process.cwd(), true)!;
  const cloudFormation = new CloudFormationClient(stacks.region ? { region: stacks.region } : {});
  const [auth, api] = await Promise.all([outputsOf(cloudFormation, stacks.authStack), outputsOf(cloudFormation, stacks.apiStack)]);
  const missing = [['auth', 'IssuerUrl', auth], ['auth', 'TokenUrl', auth], ['api', 'WebClientId', api], ['api', 'ApiUrl', api], ['api', 'ResourceServerId', api]]
    .filter(([, key, outputs]) => !(outputs as Record<string, string>)[key as string])
    .map(([stack, key]) => `${stack}.${key as string}`);
  if (missing.length) throw new TargetError(`the stacks have no output ${missing.join(', ')}: deploy the current templates`);
  const web = await startWebApp({
    port,
    config: {
      authority: auth.IssuerUrl!,
      clientId: api.WebClientId!,
      apiUrl: api.ApiUrl!,
      scope: `openid email ${api.ResourceServerId}/read ${api.ResourceServerId}/write`,
      loginBaseUrl: auth.TokenUrl!.replace(/\/oauth2\/token$/, ''),
    },
  });
  console.log(`Web app: ${web.url}/  (against ${api.ApiUrl}; Ctrl-C stops it)`);
  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => done());
  });
  await web.stop();
  return 0;
}

runMain('web', main);
