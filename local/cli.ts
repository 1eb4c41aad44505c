/**
 * npm start — the whole system offline: local Cognito, local API Gateway, the functions and DynamoDB Local,
 * all read from the two templates and samconfig.toml.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startTwin, type Twin } from './twin';
import { writeLocalEnvironment } from '../postman/environment';
import { resourcesOfType } from './template/system';
import { createLogSink } from './lambda/log-sink';
import { LOG_FORMATS, type LogFormat } from './lambda/log-format';

const HELP = `Usage: npm start -- [options]

  --api-port N        local API Gateway port        (env TWIN_API_PORT, default 3000; 0 = any free port);
                      further API config envs take the ports after it
  --config-file FILE  the samconfig.toml to read    (default samconfig.toml; like sam deploy --config-file)
  --cognito-port N    local Cognito port            (env TWIN_COGNITO_PORT, default 9229)
  --cloudfront-port N local CloudFront port         (env TWIN_CLOUDFRONT_PORT, default 3100), when a stack has a
                      distribution (e.g. --api-param EnableCloudFront=true)
  --dynamodb-port N   DynamoDB Local port           (env TWIN_DYNAMODB_PORT, default 8000)
  --web-port N        the links web app (web/)      (env TWIN_WEB_PORT, default 5173: the template's default callback URL)
  --local-dir DIR     where state and outputs.json live (default .local)
  --fresh             start clean, all in memory: .local/state (ids, users, keys, data) is neither read nor changed
  --auth-param K=V    override an auth-stack parameter (like sam deploy --parameter-overrides); repeatable
  --api-param K=V     override a parameter of every API stack; repeatable
  --function-concurrency N  execution environments per function at most, where the template sets no
                      ReservedConcurrentExecutions (env TWIN_FUNCTION_CONCURRENCY, default 4); calls beyond it wait
  --allowed-host NAME also answer requests for this host name (repeatable; env TWIN_ALLOWED_HOSTS, comma-separated).
                      Every listener answers only IP addresses, localhost and *.localhost otherwise: a web page
                      that points its own name at 127.0.0.1 (DNS rebinding) gets 403
  --log-format F      compact (default: one line per function log entry) or json (every field, pretty-printed)
  --verbose           the same as --log-format json
  -h, --help          this text`;

function port(flag: string | undefined, env: string | undefined, fallback: number, name: string): number {
  const raw = flag ?? env;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new UsageError(`${name} must be a port number (0-65535, 0 = any free port), got '${raw}'`);
  return value;
}

function keyValues(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const at = item.indexOf('=');
    if (at < 1) throw new UsageError(`${flag} expects Key=Value, got '${item}'`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

class UsageError extends Error {}

function positiveInteger(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new UsageError(`${name} must be a whole number from 1 to 1000, got '${raw}'`);
  return value;
}

/** A path as a person would type it here: relative inside the project, absolute outside it. */
function shownPath(rootDir: string, path: string): string {
  const shown = relative(rootDir, path);
  return shown === '' ? '.' : shown.startsWith('..') ? path : shown;
}

/**
 * The twin whose outputs.json this is, if it still runs: its process is alive and its Cognito answers (a pid alone
 * could have been reused by an unrelated process since).
 */
async function runningTwin(outputsFile: string): Promise<{ pid: number; cognito: string } | undefined> {
  let local: { Pid?: unknown; CognitoEndpoint?: unknown } | undefined;
  try {
    local = (JSON.parse(readFileSync(outputsFile, 'utf8')) as { local?: typeof local }).local;
  } catch {
    return undefined;
  }
  const pid = Number(local?.Pid);
  const cognito = typeof local?.CognitoEndpoint === 'string' ? local.CognitoEndpoint : '';
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !cognito) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  try {
    await fetch(cognito, { signal: AbortSignal.timeout(2_000) });
    return { pid, cognito };
  } catch {
    return undefined;
  }
}

function logFormat(flag: string | undefined, verbose: boolean): LogFormat {
  if (flag === undefined) return verbose ? 'json' : 'compact';
  if (!(LOG_FORMATS as readonly string[]).includes(flag)) throw new UsageError(`--log-format must be ${LOG_FORMATS.join(' or ')}, got '${flag}'`);
  return flag as LogFormat;
}

/** One line per further API stack (config env, URL, clients), after the default API's block. */
function otherApiLines(twin: Twin): string[] {
  const others = Object.entries(twin.outputs.apis).filter(([configEnv]) => configEnv !== twin.system.api.configEnv);
  if (others.length === 0) return [];
  return [
    '',
    'More API stacks on the same user pool (each trusts only its own clients):',
    ...others.map(([configEnv, o]) => `  ${configEnv.padEnd(13)}  ${o.ApiUrl}   M2M ${o.M2MClientId}   read-only ${o.ReadOnlyClientId}   user ${o.UserClientId}`),
  ];
}

/** What the banner says of DynamoDB Local's reach (see What a web page can do to the twin, README). */
function dynamoExposure(twin: Twin): string {
  const dynamo = twin.dynamodb;
  if (!dynamo) return '';
  if (dynamo.loopbackOnly) return '   (loopback only, Host-checked)';
  return `   (WARNING: listens on every interface and checks no Host: ${dynamo.exposure ?? 'unknown'})`;
}

/** Whether the templates are this project's (the links API's outputs), which the full banner, Postman and the token CLI speak. */
function isLinksApi(twin: Twin): boolean {
  const { auth, api } = twin.outputs;
  return auth.TokenUrl !== undefined && api.M2MClientId !== undefined && api.UserClientId !== undefined;
}

/**
 * The banner for any other templates: every API with its stage URL, each pool's issuer and app clients, the tables,
 * and every stack's outputs (localized), all read from what the templates declare.
 */
function genericBanner(twin: Twin, rootDir: string, outputsFile: string): string {
  const { local } = twin.outputs;
  const pools = resourcesOfType(twin.system, 'AWS::Cognito::UserPool');
  const clients = resourcesOfType(twin.system, 'AWS::Cognito::UserPoolClient');
  const tables = [...resourcesOfType(twin.system, 'AWS::DynamoDB::Table'), ...resourcesOfType(twin.system, 'AWS::Serverless::SimpleTable')];
  const firstPool = pools[0]?.physicalId;
  const firstClient = clients.find((client) => String(client.properties.UserPoolId) === firstPool)?.physicalId;
  return [
    '',
    `Local twin ready in ${(twin.readyMs / 1000).toFixed(1)} s — no AWS account involved.`,
    '',
    '  APIs',
    ...twin.apiGateways.map((gateway) => `    ${gateway.logicalId.padEnd(24)} ${gateway.stageUrl}`),
    ...(twin.apiGateways.length === 0 ? ['    (none in the templates)'] : []),
    ...(twin.functionUrls.length > 0 ? ['  Function URLs', ...twin.functionUrls.map((url) => `    ${url.logicalId.padEnd(24)} ${url.stageUrl}`)] : []),
    `  Cognito        ${local.CognitoEndpoint}   (aws cognito-idp … --endpoint-url ${local.CognitoEndpoint})`,
    ...pools.map((pool) => `  User pool      ${pool.physicalId}   issuer ${twin.cognito.issuerFor(pool.physicalId)}`),
    ...clients.map((client) => `    app client   ${client.physicalId}   ${String(client.properties.ClientName ?? client.logicalId)}${client.properties.GenerateSecret === true ? ' (secret in the outputs file)' : ''}`),
    `  DynamoDB       ${local.DynamoDbEndpoint}${tables.length > 0 ? `   tables ${tables.map((t) => t.physicalId).join(', ')}` : ''}${dynamoExposure(twin)}`,
    ...twin.system.stacks.flatMap((stack) => {
      // Nested stacks' outputs reach their parent's through Fn::GetAtt; they have no entry of their own.
      if (stack !== twin.system.auth && !twin.system.apis.includes(stack)) return [];
      const outputs = stack === twin.system.auth ? twin.outputs.auth : twin.outputs.apis[stack.configEnv] ?? {};
      return Object.keys(outputs).length === 0 ? [] : [`  Outputs of ${stack.name}`, ...Object.entries(outputs).map(([key, value]) => `    ${key} = ${value}`)];
    }),
    `  Outputs file   ${relative(rootDir, outputsFile)}   (mode 0600: client secrets${local.ApiKeys ? ' and API keys (local.ApiKeys)' : ''} live there; never printed)`,
    '',
    ...(firstPool && firstClient
      ? [
          'Create a user and sign in (the client must allow USER_PASSWORD_AUTH; a client with a secret also needs SECRET_HASH):',
          `  aws cognito-idp admin-create-user --endpoint-url ${local.CognitoEndpoint} --user-pool-id ${firstPool} --username you@example.com --message-action SUPPRESS`,
          `  aws cognito-idp admin-set-user-password --endpoint-url ${local.CognitoEndpoint} --user-pool-id ${firstPool} --username you@example.com --password 'Passw0rd!x' --permanent`,
          `  aws cognito-idp initiate-auth --endpoint-url ${local.CognitoEndpoint} --client-id ${firstClient} --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME=you@example.com,PASSWORD='Passw0rd!x'`,
          '',
        ]
      : []),
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

function banner(twin: Twin, rootDir: string, outputsFile: string, postmanLine: string): string {
  if (!isLinksApi(twin)) return genericBanner(twin, rootDir, outputsFile);
  const { auth, api, local } = twin.outputs;
  const outputs = relative(rootDir, outputsFile);
  const localDir = relative(rootDir, dirname(outputsFile));
  const localDirFlag = localDir === '.local' ? '' : ` --local-dir ${localDir}`;
  return [
    '',
    `Local twin ready in ${(twin.readyMs / 1000).toFixed(1)} s — no AWS account involved.`,
    '',
    `  API            ${api.ApiUrl}`,
    ...(local.WebAppUrl ? [`  Web app        ${local.WebAppUrl}   (sign in through the hosted login with the web client)`] : []),
    ...(api.CloudFrontUrl ? [`  CloudFront     ${api.CloudFrontUrl}   (the same API through its distribution)`] : []),
    `  Token URL      ${auth.TokenUrl}`,
    `  Cognito        ${local.CognitoEndpoint}   (aws cognito-idp … --endpoint-url ${local.CognitoEndpoint})`,
    `  Issuer         ${auth.IssuerUrl}`,
    `  User pool      ${auth.UserPoolId}`,
    `  M2M client     ${api.M2MClientId}   (scopes read+write)`,
    `  Read-only      ${api.ReadOnlyClientId}   (scope read)`,
    `  User client    ${api.UserClientId}   (confidential: server-side apps)`,
    ...(api.WebClientId ? [`  Web client     ${api.WebClientId}   (public, no secret: browsers and mobile apps, SRP sign-in)`] : []),
    `  DynamoDB       ${local.DynamoDbEndpoint}   table ${api.TableName}${dynamoExposure(twin)}`,
    `  Outputs        ${outputs}   (client secrets live there and in the Postman environment, mode 0600; never printed)`,
    ...otherApiLines(twin),
    '',
    'Get an M2M token and call the API:',
    `  TOKEN=$(npm run -s token -- --client m2m${localDirFlag})      # client credentials from ${auth.TokenUrl}`,
    `  curl -s -X POST -H "Authorization: $TOKEN" -H 'Content-Type: application/json' -d '{"url":"https://example.com","tags":["demo"]}' ${api.ApiUrl}links`,
    `  curl -s -H "Authorization: $TOKEN" ${api.ApiUrl}links`,
    '',
    postmanLine,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'api-port': { type: 'string' },
      'cognito-port': { type: 'string' },
      'cloudfront-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'web-port': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      'local-dir': { type: 'string', default: '.local' },
      'config-file': { type: 'string' },
      'auth-param': { type: 'string', multiple: true },
      'api-param': { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      'function-concurrency': { type: 'string' },
      'log-format': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const rootDir = process.cwd();
  const localDir = resolve(rootDir, values['local-dir']);
  const outputsFile = join(localDir, 'outputs.json');
  const stateDir = values.fresh ? undefined : join(localDir, 'state');
  const consoleLog = createLogSink({ format: logFormat(values['log-format'], values.verbose) });
  const running = await runningTwin(outputsFile);
  if (running) {
    throw new UsageError(
      `another twin (pid ${running.pid}, Cognito ${running.cognito}) runs from ${shownPath(rootDir, localDir)}: this one would overwrite `
        + 'its outputs.json and Postman environment, and the token CLI would then point at the wrong ports. '
        + 'Stop it first, or give this one its own --local-dir.',
    );
  }

  const twin = await startTwin({
    rootDir,
    configFile: values['config-file'] === undefined ? undefined : resolve(rootDir, values['config-file']),
    apiPort: port(values['api-port'], process.env.TWIN_API_PORT, 3000, '--api-port'),
    cognitoPort: port(values['cognito-port'], process.env.TWIN_COGNITO_PORT, 9229, '--cognito-port'),
    cloudFrontPort: port(values['cloudfront-port'], process.env.TWIN_CLOUDFRONT_PORT, 3100, '--cloudfront-port'),
    dynamodbPort: port(values['dynamodb-port'], process.env.TWIN_DYNAMODB_PORT, 8000, '--dynamodb-port'),
    webPort: port(values['web-port'], process.env.TWIN_WEB_PORT, 5173, '--web-port'),
    stateDir,
    outputsFile,
    authParameters: keyValues(values['auth-param'], '--auth-param'),
    apiParameters: keyValues(values['api-param'], '--api-param'),
    functionConcurrency: positiveInteger(values['function-concurrency'] ?? process.env.TWIN_FUNCTION_CONCURRENCY, '--function-concurrency'),
    allowedHosts: [...(values['allowed-host'] ?? []), ...(process.env.TWIN_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean)],
    log: (line) => consoleLog.log(line),
  });
  // The Postman collection and environment are the links API's: other templates get none.
  const postmanLine = isLinksApi(twin) ? writeLocalEnvironment(twin.outputs, rootDir, localDir) : '';
  consoleLog.flush();
  console.log(banner(twin, rootDir, outputsFile, postmanLine));

  await new Promise<void>((done) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping the twin…`);
      twin.stop().finally(done);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGHUP', () => shutdown('SIGHUP'));
    // `kill -TERM` of the npm process (or a dying parent) sends this process no signal: npm's shell dies and this
    // one is handed to init. Being re-parented means nobody is left to stop the twin, so it stops itself.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) shutdown(`parent process ${parent} exited`);
    }, 500).unref();
  });
  return 0;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One clear line for the things a person can fix (port taken, Java missing, bad parameter).
    const message = error instanceof Error ? error.message : String(error);
    console.error(`npm start: ${message}`);
    if (!(error instanceof UsageError) && process.env.TWIN_DEBUG) console.error(error);
    process.exit(1);
  },
);
