/**
 * npm run preflight -- [--config-env ENV]... [--region R]
 * Before a first `sam deploy`: checks, read-only and with your credentials, what no template can check and what
 * would otherwise fail a create midway. The templates order their resources so that such a failure still rolls
 * back completely (test/templates/rollback.test.ts); this tells you before you spend the deploy.
 */
import { CloudFormationClient, DescribeStacksCommand, ListExportsCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, DescribeResourceServerCommand, DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { join } from 'node:path';
import { readDeployConfigs } from '../local/template/samconfig';
import { loadSystem } from '../local/template/system';
import type { ResolvedStack } from '../local/template/stack';
import { loadTemplate } from '../local/template/load';
import { parseFlags, runMain, UsageError } from './lib/cli';

const HELP = `Usage: npm run preflight -- [options]

  --config-env ENV   a samconfig.toml env to check (repeatable; default: every env, the auth stack first)
  --region R         default: samconfig.toml's, then AWS_REGION / your profile
  -h, --help

Checks, for a stack that does not exist yet: the SSM parameter names it creates are free; the auth stack's own
DomainPrefix, if any, is held by no one; an API stack's pool (SSM parameters, the auth stack's export) exists, its
resource server identifier is free in it, and the account has its API Gateway CloudWatch Logs role.
Reads only. Exit 0: nothing found; 1: something would fail the deploy (each printed with what to do).
Needs cloudformation:DescribeStacks/ListExports, ssm:GetParameter, cognito-idp:DescribeUserPoolDomain/
DescribeResourceServer and apigateway:GET on /account.`;

interface Finding {
  ok: boolean;
  text: string;
}

interface Clients {
  cloudFormation: CloudFormationClient;
  ssm: SSMClient;
  apiGateway: APIGatewayClient;
  cognito: CognitoIdentityProviderClient;
}

const isNamed = (error: unknown, ...names: string[]) => error instanceof Error && names.includes(error.name);

async function existingStack(clients: Clients, name: string): Promise<Stack | undefined> {
  try {
    const { Stacks } = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    return Stacks?.[0];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
    if (isNamed(error, 'ValidationError') && /does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
}

async function parameterValue(clients: Clients, name: string): Promise<string | undefined> {
  try {
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: name }));
    return Parameter?.Value;
  } catch (error) {
    if (isNamed(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}

async function freeParameterNames(clients: Clients, stack: ResolvedStack): Promise<Finding[]> {
  return Promise.all(
    Object.keys(stack.ssmParameters).map(async (name) =>
      (await parameterValue(clients, name)) === undefined
        ? { ok: true, text: `SSM parameter ${name} is free` }
        : { ok: false, text: `SSM parameter ${name} already exists: the stack cannot create it. Delete it (aws ssm delete-parameter --name ${name}) if nothing uses it, or choose another stack name` },
    ),
  );
}

async function logsRole(clients: Clients, required: boolean): Promise<Finding> {
  const { cloudwatchRoleArn } = await clients.apiGateway.send(new GetAccountCommand({}));
  if (cloudwatchRoleArn) return { ok: true, text: `the account's API Gateway CloudWatch Logs role is ${cloudwatchRoleArn}` };
  const text = 'the account has no API Gateway CloudWatch Logs role: an API stage with access logs fails ("CloudWatch Logs role ARN must be set in account settings to enable logging"). Deploy the auth stack once with ConfigureApiGatewayLogsRole=true';
  return { ok: !required, text: required ? text : `note: ${text} (or before the first API stack)` };
}

async function checkAuth(clients: Clients, stack: ResolvedStack): Promise<Finding[]> {
  const findings = await freeParameterNames(clients, stack);
  const prefix = String(stack.parameters.DomainPrefix ?? '');
  if (prefix === '') {
    findings.push({ ok: true, text: 'domain prefix: derived from the stack id (valid, and no one else can hold it)' });
  } else {
    // DescribeUserPoolDomain describes a prefix domain whoever holds it (its answer names the owner's account, API
    // reference "DescribeUserPoolDomain"); an empty DomainDescription means no one does.
    const { DomainDescription } = await clients.cognito.send(new DescribeUserPoolDomainCommand({ Domain: prefix }));
    findings.push(
      DomainDescription?.Domain || DomainDescription?.UserPoolId
        ? { ok: false, text: `domain prefix ${prefix} is taken${DomainDescription.AWSAccountId ? ` (account ${DomainDescription.AWSAccountId})` : ''}: choose another DomainPrefix, or leave it empty` }
        : { ok: true, text: `domain prefix ${prefix} is free` },
    );
  }
  if (stack.parameters.ConfigureApiGatewayLogsRole !== 'true') findings.push(await logsRole(clients, false));
  return findings;
}

/** The names (not the values) of SSM-typed parameters: samconfig's override, else the template's default. */
function ssmParameterNames(stack: ResolvedStack, overrides: Record<string, string>, parameters: string[]): string[] {
  const declared = loadTemplate(stack.templatePath).Parameters ?? {};
  return parameters.map((parameter) => overrides[parameter] ?? String(declared[parameter]?.Default ?? ''));
}

async function checkApi(clients: Clients, stack: ResolvedStack, overrides: Record<string, string>): Promise<Finding[]> {
  const findings = await freeParameterNames(clients, stack);
  const [poolParameter = '', arnParameter = ''] = ssmParameterNames(stack, overrides, ['UserPoolId', 'UserPoolArn']);
  const poolId = await parameterValue(clients, poolParameter);
  const poolArn = await parameterValue(clients, arnParameter);
  for (const [name, value] of [[poolParameter, poolId], [arnParameter, poolArn]] as const) {
    findings.push(value === undefined
      ? { ok: false, text: `SSM parameter ${name} does not exist: deploy the auth stack first (or set UserPoolId/UserPoolArn to the names it publishes)` }
      : { ok: true, text: `SSM parameter ${name} = ${value}` });
  }
  const exportName = `${String(stack.parameters.AuthStackName)}-UserPoolId`;
  const exported = await findExport(clients, exportName);
  findings.push(exported === undefined
    ? { ok: false, text: `no export named ${exportName}: deploy the auth stack ${String(stack.parameters.AuthStackName)} first, or set AuthStackName` }
    : exported === poolId || poolId === undefined
      ? { ok: true, text: `export ${exportName} = ${exported}` }
      : { ok: false, text: `export ${exportName} is ${exported} but ${poolParameter} says ${poolId}: UserPoolId, UserPoolArn and AuthStackName must name one auth stack` });
  const server = Object.values(stack.resources).find((r) => r.type === 'AWS::Cognito::UserPoolResourceServer');
  if (server && poolId !== undefined) {
    const identifier = String(server.properties.Identifier);
    findings.push((await resourceServerExists(clients, poolId, identifier))
      ? { ok: false, text: `the pool already has a resource server ${identifier} (another API stack?): set ResourceServerIdentifier, or a different stack name` }
      : { ok: true, text: `resource server identifier ${identifier} is free in ${poolId}` });
  }
  findings.push(await logsRole(clients, true));
  return findings;
}

async function findExport(clients: Clients, name: string): Promise<string | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudFormation.send(new ListExportsCommand({ NextToken }));
    const found = page.Exports?.find((e) => e.Name === name);
    if (found) return found.Value;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

async function resourceServerExists(clients: Clients, poolId: string, identifier: string): Promise<boolean> {
  try {
    await clients.cognito.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: identifier }));
    return true;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

/** An existing stack is an update: nothing here applies, but a stack CloudFormation cannot update is worth saying. */
function existingStackFinding(stack: Stack): Finding {
  const status = String(stack.StackStatus);
  if (status === 'ROLLBACK_COMPLETE') return { ok: false, text: `stack ${stack.StackName} is ROLLBACK_COMPLETE (a failed first create): delete it (sam delete) before deploying again` };
  if (status.endsWith('_FAILED')) return { ok: false, text: `stack ${stack.StackName} is ${status}: see its events (aws cloudformation describe-stack-events) before deploying` };
  return { ok: true, text: `stack ${stack.StackName} exists (${status}): a deploy updates it; first-create checks skipped` };
}

async function main(): Promise<number> {
  const flags = parseFlags({ 'config-env': { type: 'string', multiple: true }, region: { type: 'string' } }, HELP);
  if (!flags) return 0;
  const rootDir = process.cwd();
  const configs = readDeployConfigs(join(rootDir, 'samconfig.toml'));
  const region = flags.region ?? configs.auth.region ?? configs.api.region;
  const system = loadSystem({ rootDir, ...(region ? { region } : {}) });
  const known = system.stacks.map((s) => s.configEnv);
  const wanted = flags['config-env'] ?? known;
  for (const env of wanted) if (!known.includes(env)) throw new UsageError(`--config-env ${env}: samconfig.toml has ${known.join(', ')}`);
  const options = region ? { region } : {};
  const clients: Clients = {
    cloudFormation: new CloudFormationClient(options),
    ssm: new SSMClient(options),
    apiGateway: new APIGatewayClient(options),
    cognito: new CognitoIdentityProviderClient(options),
  };
  let failed = 0;
  for (const stack of system.stacks.filter((s) => wanted.includes(s.configEnv))) {
    const existing = await existingStack(clients, stack.name);
    const overrides = [configs.auth, ...configs.apis].find((c) => c.configEnv === stack.configEnv)?.parameterOverrides ?? {};
    const findings = existing
      ? [existingStackFinding(existing)]
      : stack === system.auth ? await checkAuth(clients, stack) : await checkApi(clients, stack, overrides);
    console.log(`${stack.configEnv} (stack ${stack.name})`);
    for (const finding of findings) console.log(`  ${finding.ok ? 'ok  ' : 'FAIL'} ${finding.text}`);
    failed += findings.filter((f) => !f.ok).length;
  }
  console.log(failed === 0 ? 'Nothing found that would fail a first deploy.' : `${failed} problem(s): fix them before \`sam deploy\`.`);
  return failed === 0 ? 0 : 1;
}

runMain('preflight', main);
