/**
 * npm run test:api — the Postman collection through newman, against a twin started here on free ports
 * (in memory, stopped afterwards) or, with --use-running, against the twin `npm start` runs.
 * Creates the user the User folder signs in as (AdminCreateUser + AdminSetUserPassword --permanent).
 * Exit 0 only if every assertion passed and each client asked for exactly one token.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { cognitoClient, createUserWithPassword, deleteUser, describeAwsError } from '../scripts/lib/cognito';
import { parseFlags, runMain, UsageError } from '../scripts/lib/cli';
import { localTarget, targetFromTwinOutputs, type ApiTarget } from '../scripts/lib/targets';
import { environmentValues, postmanEnvironment } from './environment';
import { assertionTotals, newmanUser, tokenCountProblems, TokenRequestCounter } from './run-checks';

const HELP = `Usage: npm run test:api -- [options]

  --use-running       run against the twin \`npm start\` runs (.local/outputs.json) instead of starting one
  --local-dir DIR     with --use-running: that twin's --local-dir (default .local)
  --folder NAME       run only this folder or request (repeatable); token counts are then only checked to be at most 1
  -h, --help

Reports: reports/newman-junit.xml (JUnit), reports/twin.log (the started twin's console).`;

const ROOT = process.cwd();
const COLLECTION = join(ROOT, 'postman', 'links-api.postman_collection.json');
const REPORTS = join(ROOT, 'reports');
const JUNIT = join(REPORTS, 'newman-junit.xml');
const TWIN_LOG = join(REPORTS, 'twin.log');

interface Started {
  target: ApiTarget;
  stop(): Promise<void>;
}

async function startOwnTwin(log: WriteStream): Promise<Started> {
  // Imported here so --use-running needs none of the twin's code.
  const { startTwin } = await import('../local/twin');
  const twin = await startTwin({
    rootDir: ROOT,
    apiPort: 0,
    cognitoPort: 0,
    dynamodbPort: 0,
    cloudFrontPort: 0,
    // The stack's CloudFront front is opt-in; the run turns it on so the collection's CloudFront folder
    // is exercised (it skips itself against an environment without cloudFrontUrl).
    apiParameters: { EnableCloudFront: 'true' },
    log: (line) => log.write(`${line}\n`),
  });
  return { target: targetFromTwinOutputs(twin.outputs), stop: () => twin.stop() };
}

function runNewman(options: newman.NewmanRunOptions, counter: TokenRequestCounter): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    const emitter = newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary)));
    emitter.on('request', (_error, args) => counter.observe(args.request));
  });
}

async function main(): Promise<number> {
  const values = parseFlags(
    {
      'use-running': { type: 'boolean', default: false },
      'local-dir': { type: 'string' },
      folder: { type: 'string', multiple: true },
    },
    HELP,
  );
  if (!values) return 0;
  mkdirSync(REPORTS, { recursive: true });

  let started: Started | undefined;
  let log: WriteStream | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping…`);
    void (started?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    let target: ApiTarget;
    if (values['local-dir'] !== undefined && !values['use-running']) throw new UsageError('--local-dir goes with --use-running');
    if (values['use-running']) {
      target = await localTarget(ROOT, values['local-dir']);
      console.log(`Using the running twin: ${target.apiUrl}`);
    } else {
      log = createWriteStream(TWIN_LOG, { flags: 'w' });
      const t0 = Date.now();
      started = await startOwnTwin(log);
      target = started.target;
      console.log(`Started a twin in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${target.apiUrl} (console: ${relative(ROOT, TWIN_LOG)})`);
    }

    const user = newmanUser();
    const idp = cognitoClient(target.cognito);
    try {
      await createUserWithPassword(idp, { userPoolId: target.userPoolId, ...user }).catch((error: unknown) => {
        throw new Error(`cannot create the test user in ${target.userPoolId}: ${describeAwsError(error)}`);
      });
      const counter = new TokenRequestCounter(target);
      const summary = await runNewman(
        {
          collection: COLLECTION,
          environment: postmanEnvironment('links-api (newman)', environmentValues(target, user)),
          folder: values.folder,
          reporters: ['cli', 'junit'],
          reporter: { junit: { export: JUNIT } },
          timeoutRequest: 30_000,
          color: 'auto',
        },
        counter,
      );
      const { passed, failed } = assertionTotals(summary);
      const counts = counter.counts();
      const problems = tokenCountProblems(counts, !values.folder?.length);
      console.log(`newman: ${passed} passed, ${failed} failed`);
      console.log(`token requests: m2m=${counts.m2m} readonly=${counts.readonly} user=${counts.user} (JUnit: ${relative(ROOT, JUNIT)})`);
      for (const problem of problems) console.error(`test:api: ${problem}`);
      if (passed === 0) console.error('test:api: no assertion ran');
      return failed === 0 && passed > 0 && problems.length === 0 ? 0 : 1;
    } finally {
      await deleteUser(idp, target.userPoolId, user.username).catch(() => undefined);
      idp.destroy();
    }
  } finally {
    await started?.stop();
    log?.end();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

runMain('test:api', main);
