/**
 * npm run postman:env -- [--auth-stack NAME] [--api-stack NAME] [--region R] [--out FILE]
 * Writes the Postman environment for the deployed stacks: CloudFormation outputs, and the app clients'
 * secrets read with DescribeUserPoolClient (as `secret` values). The file is git-ignored: never commit it.
 * (The local twin's environment is written by `npm start`.)
 */
import { relative, resolve } from 'node:path';
import { AWS_ENVIRONMENT_FILE, environmentValues, postmanEnvironment, writeEnvironmentFile } from '../postman/environment';
import { parseFlags, runMain, stackNames } from './lib/cli';
import { awsTarget } from './lib/targets';

const HELP = `Usage: npm run postman:env -- [options]

  --auth-stack NAME   the auth stack (default: samconfig.toml's, links-auth)
  --api-stack NAME    the API stack (default: samconfig.toml's, links-api)
  --region R          default: samconfig.toml's, then AWS_REGION / your profile
  --username EMAIL    fill in the user the collection's User folder signs in as (the password you type in Postman)
  --out FILE          default: ${AWS_ENVIRONMENT_FILE}
  -h, --help

Needs AWS credentials allowed cloudformation:DescribeStacks and cognito-idp:DescribeUserPoolClient.`;

async function main(): Promise<number> {
  const values = parseFlags(
    {
      'auth-stack': { type: 'string' },
      'api-stack': { type: 'string' },
      region: { type: 'string' },
      username: { type: 'string' },
      out: { type: 'string' },
    },
    HELP,
  );
  if (!values) return 0;
  const rootDir = process.cwd();
  const stacks = stackNames(values, rootDir, true)!;
  const target = await awsTarget(stacks);
  const out = resolve(rootDir, values.out ?? AWS_ENVIRONMENT_FILE);
  const name = `links-api (AWS ${stacks.apiStack}, ${target.region})`;
  writeEnvironmentFile(out, postmanEnvironment(name, environmentValues(target, values.username ? { username: values.username } : {})));
  const missing = (['m2m', 'readonly', 'user'] as const).filter((client) => !target.clients[client].clientSecret);
  const shown = relative(rootDir, out).startsWith('..') ? out : relative(rootDir, out);
  console.log(`Wrote ${shown} for ${target.apiUrl} (client secrets as secret values, file mode 0600 — never commit it).`);
  if (missing.length) console.warn(`Warning: no client secret for ${missing.join(', ')}.`);
  console.log('Import it into Postman with postman/links-api.postman_collection.json; set username/password for the User folder.');
  return 0;
}

runMain('postman:env', main);
