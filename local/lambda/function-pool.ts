import { delimiter, join } from 'node:path';
import type { InvocationResult } from '../contracts';
import { buildBundle, inputsChanged, type BuildResult } from './bundle';
import type { LayerPaths } from './layers';
import { packagePlainFunction } from './package-plain';
import type { FunctionSpec } from './function-spec';
import { FunctionInstance } from './instance';

export interface PoolOptions {
  buildDir: string;
  /** Where plain JavaScript functions are packaged: outside the project (package-plain.ts isolatedRoot). */
  plainDir: string;
  /** NODE_PATH of every execution environment: the runtime's own modules. */
  nodePath?: string;
  /** The function's layers' NODE_PATH entries (lambda/layers.ts); none without. */
  layersFor?: (spec: FunctionSpec) => Promise<LayerPaths>;
  baseEnvironment: Record<string, string>;
  log: (line: string) => void;
  runtimeScript: () => Promise<string>;
  /** Execution environments at most, unless the template's ReservedConcurrentExecutions says otherwise. */
  concurrency: number;
  /** An environment idle this long is retired. */
  idleTimeoutMs: number;
  /** Shared by every pool: cold starts run a few at a time, so none times out waiting for the CPU (see Slots). */
  initSlots: Slots;
}

type Code = { ok: true; taskRoot: string } | { ok: false; message: string };

/**
 * A counting semaphore. Cold starts take a slot for their init phase only: 48 simultaneous first calls on a 2-core
 * machine then run a few inits at a time, each with its full init timeout, instead of all timing out together.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((done) => this.waiting.push(done));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

/**
 * All execution environments of one function, and its bundle. Built on the first invocation (a cold
 * start), rebuilt when one of its sources changes — then the instances holding the old code are retired.
 * At most `limit` environments at once (ReservedConcurrentExecutions, else the twin's default): a call that finds
 * none free and none to spare waits, first come first served. Environments idle for idleTimeoutMs are retired.
 */
export class FunctionPool {
  private readonly instances = new Set<FunctionInstance>();
  private built: Extract<BuildResult, { ok: true }> | undefined;
  /** NODE_PATH of this function's environments: its layers', then the runtime's modules. */
  private nodePath: string | undefined;
  private building: Promise<Code> | undefined;
  private stopped = false;
  /** Environments being started (forked, in init): they count against the limit. */
  private starting = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly lastUsed = new Map<FunctionInstance, number>();
  /** New environments promised to the call that started them: idle after init, but not anyone else's to take. */
  private readonly reserved = new Set<FunctionInstance>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(readonly spec: FunctionSpec, private readonly options: PoolOptions) {
    this.nodePath = options.nodePath;
  }

  /** How many environments this function may have at once. */
  get limit(): number {
    return this.spec.reservedConcurrency ?? this.options.concurrency;
  }

  async invoke(event: unknown): Promise<InvocationResult> {
    const started = performance.now();
    const failed = (errorMessage: string): InvocationResult => ({ status: 'crash', errorMessage, durationMs: performance.now() - started });
    if (this.stopped) return failed('The function runner is stopped');
    if (this.spec.unsupported) return failed(`${this.spec.logicalId}: ${this.spec.unsupported}`);
    // Lambda throttles every call of a function whose reserved concurrency is 0 (TooManyRequestsException).
    if (this.limit === 0) return failed(`Rate Exceeded: ${this.spec.logicalId} has ReservedConcurrentExecutions 0`);
    const code = await this.code();
    if (!code.ok) return failed(code.message);

    for (;;) {
      if (this.stopped) return failed('The function runner is stopped');
      const idle = this.idleInstance();
      // Picked and made busy in the same tick: no other waiting call can take it in between.
      if (idle) return this.run(idle, event);
      if (this.live + this.starting < this.limit) {
        const launched = await this.launch(code.taskRoot);
        if ('result' in launched) {
          // A failed start frees its place for a waiting call.
          this.wakeOne();
          return launched.result;
        }
        if (this.stopped) return failed('The function runner is stopped');
        return this.run(launched.instance, event);
      }
      await new Promise<void>((done) => this.waiting.push(done));
    }
  }

  private async run(instance: FunctionInstance, event: unknown): Promise<InvocationResult> {
    this.reserved.delete(instance);
    const invocation = instance.invoke(event, this.spec.arn);
    try {
      return await invocation;
    } finally {
      if (instance.stale) void instance.kill();
      this.lastUsed.set(instance, Date.now());
      this.forgetDead();
      this.wakeOne();
    }
  }

  /** A new environment, started when an init slot is free (its init timeout starts then). */
  private async launch(taskRoot: string): Promise<{ instance: FunctionInstance } | { result: InvocationResult }> {
    // Counted as starting until its process exists; from then on it counts among the live instances.
    this.starting += 1;
    let counted = true;
    const created = () => {
      if (counted) this.starting -= 1;
      counted = false;
    };
    try {
      const script = await this.options.runtimeScript();
      return await this.options.initSlots.run(async () => {
        // Checked before forking: a process started after stop() would outlive it.
        if (this.stopped) return { result: { status: 'crash' as const, errorMessage: 'The function runner is stopped', durationMs: 0 } };
        const launch = await FunctionInstance.start(
          { spec: this.spec, taskRoot, script, baseEnvironment: this.options.baseEnvironment, nodePath: this.nodePath, log: this.options.log },
          (instance) => {
            this.instances.add(instance);
            this.reserved.add(instance);
            created();
          },
        );
        if ('instance' in launch) this.scheduleSweep();
        return launch;
      });
    } catch (error) {
      this.wakeOne();
      throw error;
    } finally {
      created();
      this.forgetDead();
    }
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  /** Environments alive (busy, idle or in init). */
  private get live(): number {
    let count = 0;
    for (const instance of this.instances) if (!instance.dead) count += 1;
    return count;
  }

  /** Retires environments idle for longer than idleTimeoutMs; runs while the pool has any. */
  private scheduleSweep(): void {
    if (this.sweeper || this.stopped) return;
    const every = Math.max(1_000, Math.min(30_000, this.options.idleTimeoutMs / 2));
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const instance of this.instances) {
        if (instance.idle && now - (this.lastUsed.get(instance) ?? now) >= this.options.idleTimeoutMs) {
          this.options.log(`[${this.spec.logicalId}] idle for ${Math.round(this.options.idleTimeoutMs / 1000)} s: environment retired`);
          void instance.kill().then(() => this.forgetDead());
        }
      }
      if (this.instances.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, every);
    this.sweeper.unref();
  }

  /** Kills every instance and waits until all are gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([...this.instances].map((instance) => instance.kill()));
    this.instances.clear();
  }

  get size(): number {
    return this.instances.size;
  }

  get pids(): number[] {
    return [...this.instances].flatMap((instance) => (instance.pid === undefined ? [] : [instance.pid]));
  }

  /** The most recently used idle environment, as Lambda prefers warm ones. */
  private idleInstance(): FunctionInstance | undefined {
    return [...this.instances].reverse().find((instance) => instance.idle && !this.reserved.has(instance));
  }

  private forgetDead(): void {
    for (const instance of this.instances) {
      if (!instance.dead) continue;
      this.instances.delete(instance);
      this.lastUsed.delete(instance);
      this.reserved.delete(instance);
    }
  }

  /** The code to run: a bundle, or the packaged CodeUri (plain JavaScript), current with its sources. */
  private code(): Promise<Code> {
    if (this.building) return this.building;
    if (this.built && !inputsChanged(this.built.inputs)) return Promise.resolve({ ok: true, taskRoot: this.built.taskRoot });
    this.building = this.rebuild().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async rebuild(): Promise<Code> {
    const { logicalId } = this.spec;
    const reloading = this.built !== undefined;
    const result = this.spec.esbuild
      ? await buildBundle(this.spec, join(this.options.buildDir, logicalId))
      : await packagePlainFunction(this.spec, join(this.options.plainDir, this.spec.stackName, logicalId), this.options.log);
    if (!result.ok) {
      this.built = undefined;
      this.options.log(`[${logicalId}] ${result.message}`);
      this.retireAll();
      return { ok: false, message: result.message };
    }
    this.built = result;
    if (this.spec.layers.length > 0 && this.options.layersFor) {
      const layers = await this.options.layersFor(this.spec);
      for (const arn of layers.missing) this.options.log(`[${logicalId}] layer ${arn} is not a layer of these templates: it is not available locally`);
      this.nodePath = [...layers.nodePaths, this.options.nodePath].filter((entry): entry is string => Boolean(entry)).join(delimiter);
    }
    if (reloading) {
      this.options.log(`[${logicalId}] sources changed: ${this.spec.esbuild ? 'rebuilt' : 'packaged again'} in ${result.durationMs} ms, ${this.instances.size} warm instance(s) retired`);
      this.retireAll();
    } else {
      this.options.log(`[${logicalId}] ${this.spec.esbuild ? 'built' : 'packaged'} in ${result.durationMs} ms`);
    }
    return { ok: true, taskRoot: result.taskRoot };
  }

  private retireAll(): void {
    for (const instance of this.instances) instance.retire();
  }
}
