import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { InvocationResult } from '../contracts';
import { instanceEnvironment, logStreamName } from './environment';
import type { FunctionSpec } from './function-spec';
import { forEachLine } from './lines';
import { nodeRuntimeFor } from './node-runtime';
import type { BootstrapMessage, InvokeMessage } from './protocol';

/** Lambda gives the init phase 10 s of its own, whatever the function's Timeout. */
export const INIT_TIMEOUT_MS = 10_000;
/** Lambda's synchronous response limit (6 MB); a bigger result is a function error. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export interface InstanceOptions {
  spec: FunctionSpec;
  /** The bundle directory (`/var/task`). */
  taskRoot: string;
  /** The bootstrap script (see runtime-script.ts). */
  script: string;
  baseEnvironment: Record<string, string>;
  /** NODE_PATH: the runtime's modules (package-plain.ts runtimeModulesDir). */
  nodePath?: string;
  log: (line: string) => void;
}

type State = 'init' | 'idle' | 'busy' | 'dead';
type InitOutcome = { ok: true; initMs: number } | { ok: false; result: InvocationResult };

interface Pending {
  requestId: string;
  started: number;
  timer: NodeJS.Timeout;
  settle: (result: InvocationResult) => void;
}

/**
 * One execution environment: a child process holding the function's module in memory between
 * invocations (warm), running one invocation at a time, killed on timeout like Lambda's sandbox.
 */
export class FunctionInstance {
  private state: State = 'init';
  /** Set when the code changed underneath: finish the current invocation, then go. */
  stale = false;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private pending: Pending | undefined;
  private fatal: { errorType: string; errorMessage: string } | undefined;
  private initWaiter: ((outcome: InitOutcome) => void) | undefined;
  private readonly forked = performance.now();
  /** Init Duration for the next REPORT line (0 once reported: only a cold start has one). */
  private initMs = 0;
  /** Peak RSS the process reported with its last result (0 when unknown: timeouts, crashes). */
  private maxRssKb = 0;

  private constructor(private readonly options: InstanceOptions) {
    const { spec } = options;
    this.child = fork(options.script, [], {
      // The Node major the function's Runtime names, when installed (see node-runtime.ts).
      execPath: nodeRuntimeFor(spec.runtime).execPath,
      cwd: options.taskRoot,
      env: instanceEnvironment({
        spec,
        base: options.baseEnvironment,
        taskRoot: options.taskRoot,
        runtimeDir: dirname(options.script),
        logStreamName: logStreamName(),
        path: process.env.PATH,
        nodePath: options.nodePath,
      }),
      // Not the runner's own flags (jest, tsx loaders): a function gets a plain node, with a heap
      // sized to its MemorySize so a memory hog dies of OOM as it would in Lambda.
      execArgv: [`--max-old-space-size=${Math.max(32, Math.floor(spec.memoryMb * 0.9))}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const prefix = `[${spec.logicalId}] `;
    if (this.child.stdout) forEachLine(this.child.stdout, (line) => options.log(prefix + line));
    if (this.child.stderr) forEachLine(this.child.stderr, (line) => options.log(prefix + line));
    this.child.on('message', (message: BootstrapMessage) => this.onMessage(message));
    this.exited = new Promise((done) => {
      this.child.once('exit', (code, signal) => {
        this.onExit(code, signal);
        done();
      });
      // A process that never started emits 'error' and no 'exit'. Later 'error's (a send to a dying
      // process) are answered through send's callback; this listener only keeps them from being unhandled.
      this.child.on('error', (error) => {
        if (this.state !== 'dead' && this.child.pid === undefined) {
          this.onExit(null, null, error.message);
          done();
        }
      });
    });
  }

  /** Forks and waits out the init phase. A failed init is an invocation result, never a throw. */
  static async start(options: InstanceOptions, track: (instance: FunctionInstance) => void): Promise<{ instance: FunctionInstance } | { result: InvocationResult }> {
    const instance = new FunctionInstance(options);
    track(instance);
    const outcome = await new Promise<InitOutcome>((settle) => {
      const done = (value: InitOutcome) => {
        clearTimeout(timer);
        instance.initWaiter = undefined;
        settle(value);
      };
      const timer = setTimeout(() => {
        options.log(`[${options.spec.logicalId}] INIT_REPORT Init Duration: ${INIT_TIMEOUT_MS} ms Phase: init Status: timeout`);
        done({ ok: false, result: { status: 'timeout', durationMs: INIT_TIMEOUT_MS } });
        void instance.kill();
      }, INIT_TIMEOUT_MS);
      instance.initWaiter = done;
    });
    if (!outcome.ok) return { result: outcome.result };
    // It may have died between saying ready and now.
    if (instance.state !== 'init') return { result: { status: 'crash', errorMessage: 'Runtime exited right after init', durationMs: outcome.initMs } };
    instance.initMs = outcome.initMs;
    instance.state = 'idle';
    return { instance };
  }

  get idle(): boolean {
    return this.state === 'idle' && !this.stale;
  }

  /** The code changed underneath: go now if idle, else right after the current invocation. */
  retire(): void {
    this.stale = true;
    if (this.state === 'idle') void this.kill();
  }

  get dead(): boolean {
    return this.state === 'dead';
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  invoke(event: unknown, invokedFunctionArn: string): Promise<InvocationResult> {
    const { spec } = this.options;
    const requestId = randomUUID();
    const started = performance.now();
    const timeoutMs = spec.timeoutSeconds * 1000;
    let eventJson: string;
    try {
      // Exactly one JSON round trip, as through Lambda's Invoke API (undefined members vanish, dates become strings).
      eventJson = JSON.stringify(event === undefined ? null : event);
    } catch (error) {
      return Promise.resolve({ status: 'crash', errorMessage: `The event is not JSON: ${String(error)}`, durationMs: 0 });
    }
    this.state = 'busy';
    return new Promise<InvocationResult>((settle) => {
      const timer = setTimeout(() => {
        this.options.log(`[${spec.logicalId}] ${new Date().toISOString()} ${requestId} Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`);
        // Dead from now on, before the caller hears of it: this environment must never be picked again.
        this.state = 'dead';
        this.finish({ status: 'timeout', durationMs: performance.now() - started });
        // Lambda stops the whole sandbox: module state does not survive a timeout.
        void this.kill();
      }, timeoutMs);
      this.pending = { requestId, started, timer, settle };
      const message: InvokeMessage = {
        type: 'invoke',
        requestId,
        event: eventJson,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn,
      };
      const unreachable = (error: unknown) => {
        this.state = 'dead';
        this.finish({ status: 'crash', errorMessage: `Could not reach the function: ${String(error)}`, durationMs: 0 });
        void this.kill();
      };
      try {
        this.child.send(message, (error) => {
          if (error) unreachable(error);
        });
      } catch (error) {
        unreachable(error);
      }
    });
  }

  /** Stops the process (SIGKILL, as Lambda's sandbox teardown) and waits until it is gone. */
  kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }

  private finish(result: InvocationResult): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    if (this.state === 'busy') this.state = 'idle';
    this.report(pending, result);
    pending.settle(result);
  }

  private report(pending: Pending, result: InvocationResult): void {
    const { spec } = this.options;
    const duration = performance.now() - pending.started;
    const init = this.initMs > 0 ? ` Init Duration: ${this.initMs.toFixed(2)} ms` : '';
    const memory = this.maxRssKb > 0 ? ` Max Memory Used: ${Math.ceil(this.maxRssKb / 1024)} MB` : '';
    this.initMs = 0;
    this.maxRssKb = 0;
    this.options.log(
      `[${spec.logicalId}] REPORT RequestId: ${pending.requestId} Duration: ${duration.toFixed(2)} ms Billed Duration: ${Math.ceil(duration)} ms Memory Size: ${spec.memoryMb} MB${memory}${init}` +
        (result.status === 'ok' ? '' : ` Status: ${result.status}`),
    );
  }

  private onMessage(message: BootstrapMessage): void {
    switch (message.type) {
      case 'ready':
        this.initWaiter?.({ ok: true, initMs: performance.now() - this.forked });
        return;
      case 'init-error':
        // Lambda reports a failed init as the invocation's function error, then discards the sandbox.
        this.initWaiter?.({ ok: false, result: { status: 'error', errorType: message.errorType, errorMessage: message.errorMessage, durationMs: performance.now() - this.forked } });
        void this.kill();
        return;
      case 'result':
      case 'error': {
        if (message.requestId !== this.pending?.requestId) return;
        const durationMs = performance.now() - this.pending.started;
        this.maxRssKb = message.maxRssKb;
        if (message.type === 'error') {
          this.finish({ status: 'error', errorType: message.errorType, errorMessage: message.errorMessage, durationMs });
        } else if (Buffer.byteLength(message.payload) > MAX_RESPONSE_BYTES) {
          this.finish({
            status: 'error',
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
            durationMs,
          });
        } else {
          this.finish({ status: 'ok', payload: JSON.parse(message.payload) as unknown, durationMs });
        }
        return;
      }
      case 'fatal':
        this.fatal = { errorType: message.errorType, errorMessage: message.errorMessage };
        return;
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void {
    const wasState = this.state;
    this.state = 'dead';
    const cause = spawnError
      ? `could not start: ${spawnError}`
      : `Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`;
    const errorMessage = this.fatal ? `${this.fatal.errorType}: ${this.fatal.errorMessage} (${cause})` : cause;
    if (wasState === 'init') {
      this.initWaiter?.({ ok: false, result: { status: 'crash', errorMessage, durationMs: performance.now() - this.forked } });
    }
    if (this.pending) {
      this.finish({ status: 'crash', errorMessage, durationMs: performance.now() - this.pending.started });
    }
  }
}
