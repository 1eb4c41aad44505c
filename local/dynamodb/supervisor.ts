import { startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from './server';

export interface SupervisedDynamoDbLocal {
  endpoint: string;
  port: number;
  loopbackOnly: boolean;
  exposure?: string;
  /** The current Java process (a new one after each restart). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export interface SupervisorOptions extends DynamoDbLocalOptions {
  /** Console lines for the person running the twin. */
  log: (line: string) => void;
  /** Run after each restart, before it is announced (the twin recreates the template's tables there). */
  afterRestart?: (endpoint: string) => Promise<void>;
  /** Attempts per restart before giving up; default 5, a second apart and growing. */
  restartAttempts?: number;
}

/**
 * DynamoDB Local that comes back when it dies. The death is said at once (the functions answer 503 with
 * Retry-After meanwhile: src/lib/http.ts), and it restarts on the same port with the same data directory, so data
 * persisted under .local/state is kept; an in-memory one comes back empty and says so.
 */
export async function superviseDynamoDbLocal(options: SupervisorOptions): Promise<SupervisedDynamoDbLocal> {
  let current: DynamoDbLocal = await startDynamoDbLocal(options);
  const port = current.port;
  const settings: DynamoDbLocalOptions = { ...options, port };
  let stopped = false;
  let restarting: Promise<void> | undefined;

  const watch = (instance: DynamoDbLocal): void => {
    void instance.died.then((how) => {
      if (stopped || instance !== current) return;
      restarting = restart(how);
    });
  };

  const restart = async (how: { code: number | null; signal: NodeJS.Signals | null; output: string }): Promise<void> => {
    const cause = how.signal ? `killed by ${how.signal}` : `exited with code ${how.code}`;
    const data = options.dbPath ? `its data in ${options.dbPath} is kept` : 'it ran in memory, so it comes back empty';
    options.log(`DynamoDB Local (pid ${current.pid ?? '?'}) ${cause}: the functions answer 503 until it is back. Restarting it on port ${port}; ${data}.`);
    const attempts = options.restartAttempts ?? 5;
    for (let attempt = 1; attempt <= attempts && !stopped; attempt++) {
      try {
        const next = await startDynamoDbLocal(settings);
        if (stopped) return void (await next.stop());
        current = next;
        await options.afterRestart?.(next.endpoint);
        options.log(`DynamoDB Local is back on ${next.endpoint} (pid ${next.pid ?? '?'}).`);
        watch(next);
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        if (attempt === attempts) {
          options.log(`DynamoDB Local could not be restarted (${reason}). Stop the twin (Ctrl-C) and start it again.`);
          return;
        }
        await new Promise((done) => setTimeout(done, 1_000 * attempt));
      }
    }
  };

  watch(current);
  return {
    endpoint: current.endpoint,
    port,
    loopbackOnly: current.loopbackOnly,
    exposure: current.exposure,
    pid: () => current.pid,
    async stop() {
      stopped = true;
      await restarting?.catch(() => {});
      await current.stop();
    },
  };
}
