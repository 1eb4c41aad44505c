import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { FunctionInvoker, FunctionInvokerOptions, InvocationResult } from '../contracts';
import { functionForName, functionSpecsOf, type FunctionSpec } from './function-spec';
import { FunctionPool, Slots } from './function-pool';
import { runtimeScript } from './runtime-script';
import { layerPathsOf } from './layers';
import { isolatedRoot, runtimeModulesDir } from './package-plain';

/**
 * Environments per function by default: more than the cores buys no throughput on a laptop and costs ~60 MB each
 * (60 s at 32 connections once left 88 processes and 7 GB behind); a template's ReservedConcurrentExecutions wins.
 */
export const DEFAULT_CONCURRENCY = 4;
/** Lambda reclaims idle sandboxes after minutes; so does the twin. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/** The invoker plus what tests and tools may look at: the live processes. */
export interface LocalFunctionInvoker extends FunctionInvoker {
  /** Process ids of every execution environment alive now. */
  pids(): number[];
  /** How many execution environments a function has now (warm or busy). */
  instanceCount(functionRef: string): number;
}

/**
 * Runs every `AWS::Serverless::Function` of every stack like Lambda: bundled as `sam build` would on
 * first use, each execution environment its own process with only the function's environment, kept
 * warm between calls, one invocation at a time per environment, stopped at the template Timeout.
 */
export function createFunctionInvoker(options: FunctionInvokerOptions): LocalFunctionInvoker {
  const log = options.log ?? (() => {});
  const buildDir = resolve(options.buildDir);
  const specs = functionSpecsOf(options.system);
  // Keyed by ARN: two API stacks built from one template share logical ids, never ARNs.
  const pools = new Map<string, FunctionPool>();
  // Checked (and made private) once: every function's package and layer goes under it.
  const packagingRoot = isolatedRoot(options.system.rootDir);
  const poolOptions = {
    buildDir,
    plainDir: join(packagingRoot, 'functions'),
    nodePath: runtimeModulesDir(packagingRoot),
    layersFor: (spec: FunctionSpec) => layerPathsOf(options.system, spec.layers, packagingRoot, log),
    baseEnvironment: options.baseEnvironment,
    log,
    runtimeScript: () => runtimeScript(buildDir),
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    initSlots: new Slots(options.initConcurrency ?? Math.max(2, availableParallelism())),
  };
  for (const spec of specs) pools.set(spec.arn, new FunctionPool(spec, poolOptions));
  const poolOf = (found: ReturnType<typeof findFunction>) => (found && 'arn' in found ? pools.get(found.arn) : undefined);
  let stopped = false;

  return {
    async invoke(functionRef: string, event: unknown): Promise<InvocationResult> {
      const found = findFunction(specs, functionRef);
      const pool = poolOf(found);
      if (!pool || stopped) {
        const errorMessage = stopped
          ? 'The function runner is stopped'
          : found && 'ambiguous' in found
            ? `${functionRef} names a function in several stacks (${found.ambiguous.join(', ')}); invoke it by ARN or name`
            : `No function ${functionRef} in any stack (known: ${specs.map((spec) => spec.logicalId).join(', ') || 'none'})`;
        return { status: 'crash', errorMessage, durationMs: 0 };
      }
      try {
        return await pool.invoke(event);
      } catch (error) {
        // The runner's own failures (e.g. the bootstrap would not build) stay results: the twin stays up.
        const errorMessage = `Local runner failure: ${error instanceof Error ? error.message : String(error)}`;
        log(`[${pool.spec.logicalId}] ${errorMessage}`);
        return { status: 'crash', errorMessage, durationMs: 0 };
      }
    },
    functionFor(functionRef: string) {
      const found = findFunction(specs, functionRef);
      return found && 'arn' in found ? { logicalId: found.logicalId, stackName: found.stackName, arn: found.arn } : undefined;
    },
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all([...pools.values()].map((pool) => pool.stop()));
    },
    pids: () => [...pools.values()].flatMap((pool) => pool.pids),
    instanceCount: (functionRef: string) => poolOf(findFunction(specs, functionRef))?.size ?? 0,
  };
}

/**
 * The function a reference names, as Lambda's Invoke takes it (an ARN, qualified or not, or the function
 * name) or, for tests and tools, a logical id that only one stack uses.
 */
function findFunction(specs: readonly FunctionSpec[], functionRef: string): FunctionSpec | { ambiguous: string[] } | undefined {
  const byName = functionForName(specs, functionRef);
  if (byName) return byName;
  const byLogicalId = specs.filter((spec) => spec.logicalId === functionRef);
  if (byLogicalId.length > 1) return { ambiguous: byLogicalId.map((spec) => spec.stackName) };
  return byLogicalId[0];
}
