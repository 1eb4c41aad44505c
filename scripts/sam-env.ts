/**
 * npm run sam:env — the files `sam local invoke` / `sam local start-api` need to run this project's functions
 * against the twin's DynamoDB Local: an --env-vars file and sample events whose claims name the twin's clients.
 *
 * The values are the templates' own, resolved as `npm start` resolves them (the same persisted ids in
 * <local-dir>/state/ids.json, so the table names and client ids are the running twin's), with
 * AWS_ENDPOINT_URL_DYNAMODB pointed at DynamoDB Local as a Docker container reaches it. SAM CLI only overrides
 * variables the template declares (aws-sam-cli#381): the API template declares that one empty for this.
 */
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { IdStore } from '../local/template/ids';
import { loadSystem, type System } from '../local/template/system';
import type { ResolvedStack } from '../local/template/stack';
import { parseFlags, runMain, UsageError } from './lib/cli';
import { writePrivateFile } from './lib/files';
import { samLocalFiles } from './lib/samLocal';
import { readTwinOutputs, TargetError } from './lib/targets';

const HELP = `Usage: npm run sam:env -- [options]

Writes <local-dir>/sam/<config env>/env.json (for --env-vars) and events/<LogicalId>.json (for -e).

  --config-env ENV    the stack whose functions sam local runs: api (default), another API env, or auth
  --docker-host H     how the SAM container reaches this machine (default host.docker.internal; on Linux
                      pass --add-host host.docker.internal:host-gateway to sam local)
  --dynamodb-port N   DynamoDB Local's port, as given to npm start (default 8000)
  --local-dir DIR     npm start's --local-dir (default .local)
  -h, --help

Start the twin without --fresh (npm start): its persisted ids are the ones written here.`;

async function main(): Promise<number> {
  const values = parseFlags(
    {
      'config-env': { type: 'string', default: 'api' },
      'docker-host': { type: 'string', default: 'host.docker.internal' },
      'dynamodb-port': { type: 'string', default: '8000' },
      'local-dir': { type: 'string', default: '.local' },
    },
    HELP,
  );
  if (!values) return 0;
  const port = Number(values['dynamodb-port']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--dynamodb-port must be a port number, got '${values['dynamodb-port']}'`);
  if (!/^[A-Za-z0-9.-]+$/.test(values['docker-host'])) throw new UsageError(`--docker-host must be a host name, got '${values['docker-host']}'`);
  const rootDir = process.cwd();
  const localDir = resolve(rootDir, values['local-dir']);
  const system = loadSystem({ rootDir, ids: new IdStore(join(localDir, 'state', 'ids.json')) });
  const stack = system.stacks.find((s) => s.configEnv === values['config-env']);
  if (!stack) throw new UsageError(`--config-env ${values['config-env']} is not in samconfig.toml (envs: ${system.stacks.map((s) => s.configEnv).join(', ')})`);
  assertSameTwin(rootDir, values['local-dir'], system, stack);

  const files = samLocalFiles(system, stack, `http://${values['docker-host']}:${port}`);
  const dir = join(localDir, 'sam', stack.configEnv);
  writePrivateFile(join(dir, 'env.json'), JSON.stringify(files.environment, null, 2) + '\n');
  rmSync(join(dir, 'events'), { recursive: true, force: true });
  for (const [logicalId, event] of Object.entries(files.events)) writePrivateFile(join(dir, 'events', `${logicalId}.json`), JSON.stringify(event, null, 2) + '\n');
  const shown = relative(rootDir, dir).startsWith('..') ? dir : relative(rootDir, dir);
  console.log(`Wrote ${shown}/env.json (${Object.keys(files.environment).length} functions) and ${shown}/events/ for stack ${stack.name}.`);
  console.log(`  sam local invoke <LogicalId> -t .aws-sam/${stack.configEnv}/template.yaml -e ${shown}/events/<LogicalId>.json --env-vars ${shown}/env.json --add-host host.docker.internal:host-gateway`);
  return 0;
}

/** The twin that is running (if its outputs are there) must be the one whose ids were just read. */
function assertSameTwin(rootDir: string, localDir: string, system: System, stack: ResolvedStack): void {
  let outputs;
  try {
    outputs = readTwinOutputs(rootDir, localDir);
  } catch (error) {
    if (error instanceof TargetError) return; // not running: the ids are what it will use when it starts
    throw error;
  }
  const running = outputs.apis?.[stack.configEnv]?.TableName ?? (stack === system.api ? outputs.api.TableName : undefined);
  if (running !== undefined && stack.outputs.TableName !== undefined && running !== stack.outputs.TableName) {
    throw new TargetError(`the running twin's table is ${running}, not ${stack.outputs.TableName}: it was started with --fresh (ids not persisted). Restart it with plain \`npm start\``);
  }
}

runMain('sam:env', main);
