import { join } from 'node:path';
import type { InvocationResult } from '../contracts';
import { buildBundle, inputsChanged, type BuildResult } from './bundle';
import type { FunctionSpec } from './function-spec';
import { FunctionInstance } from './instance';

export interface PoolOptions {
  buildDir: string;
  baseEnvironment: Record<string, string>;
  log: (line: string) => void;
  runtimeScript: () => Promise<string>;
}

type Code = { ok: true; taskRoot: string } | { ok: false; message: string };

/**
 * All execution environments of one function, and its bundle. Built on the first invocation (a cold
 * start), rebuilt when one of its sources changes — then the instances holding the old code are retired.
 */
export class FunctionPool {
  private readonly instances = new Set<FunctionInstance>();
  private built: Extract<BuildResult, { ok: true }> | undefined;
  private building: Promise<Code> | undefined;
  private stopped = false;

  constructor(readonly spec: FunctionSpec, private readonly options: PoolOptions) {}

  async invoke(event: unknown): Promise<InvocationResult> {
    const started = performance.now();
    const failed = (errorMessage: string): InvocationResult => ({ status: 'crash', errorMessage, durationMs: performance.now() - started });
    if (this.stopped) return failed('The function runner is stopped');
    if (this.spec.unsupported) return failed(`${this.spec.logicalId}: ${this.spec.unsupported}`);
    const code = await this.code();
    if (!code.ok) return failed(code.message);
    if (this.stopped) return failed('The function runner is stopped');

    let instance = this.idleInstance();
    if (!instance) {
      const script = await this.options.runtimeScript();
      // Checked before forking: a process started after stop() would outlive it.
      if (this.stopped) return failed('The function runner is stopped');
      const launch = await FunctionInstance.start(
        { spec: this.spec, taskRoot: code.taskRoot, script, baseEnvironment: this.options.baseEnvironment, log: this.options.log },
        (created) => this.instances.add(created),
      );
      if ('result' in launch) {
        this.forgetDead();
        return launch.result;
      }
      instance = launch.instance;
    }
    const result = await instance.invoke(event, this.spec.arn);
    if (instance.stale) void instance.kill();
    this.forgetDead();
    return result;
  }

  /** Kills every instance and waits until all are gone. */
  async stop(): Promise<void> {
    this.stopped = true;
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
    return [...this.instances].reverse().find((instance) => instance.idle);
  }

  private forgetDead(): void {
    for (const instance of this.instances) if (instance.dead) this.instances.delete(instance);
  }

  /** The code to run: the CodeUri as it is, or a bundle that is current with its sources. */
  private code(): Promise<Code> {
    if (!this.spec.esbuild) return Promise.resolve({ ok: true, taskRoot: this.spec.codeDir });
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
    const result = await buildBundle(this.spec, join(this.options.buildDir, logicalId));
    if (!result.ok) {
      this.built = undefined;
      this.options.log(`[${logicalId}] ${result.message}`);
      this.retireAll();
      return { ok: false, message: result.message };
    }
    this.built = result;
    if (reloading) {
      this.options.log(`[${logicalId}] sources changed: rebuilt in ${result.durationMs} ms, ${this.instances.size} warm instance(s) retired`);
      this.retireAll();
    } else {
      this.options.log(`[${logicalId}] built in ${result.durationMs} ms`);
    }
    return { ok: true, taskRoot: result.taskRoot };
  }

  private retireAll(): void {
    for (const instance of this.instances) instance.retire();
  }
}
