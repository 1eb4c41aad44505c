import { resolve } from 'node:path';
import type { FunctionInvoker, FunctionInvokerOptions, InvocationResult } from '../contracts';
import { functionSpecsOf, logicalIdForName, type FunctionSpec } from './function-spec';
import { FunctionPool } from './function-pool';
import { runtimeScript } from './runtime-script';

/** The invoker plus what tests and tools may look at: the live processes. */
export interface LocalFunctionInvoker extends FunctionInvoker {
  /** Process ids of every execution environment alive now. */
  pids(): number[];
  /** How many execution environments a function has now (warm or busy). */
  instanceCount(logicalId: string): number;
}

/**
 * Runs every `AWS::Serverless::Function` of both stacks like Lambda: bundled as `sam build` would on
 * first use, each execution environment its own process with only the function's environment, kept
 * warm between calls, one invocation at a time per environment, stopped at the template Timeout.
 */
export function createFunctionInvoker(options: FunctionInvokerOptions): LocalFunctionInvoker {
  const log = options.log ?? (() => {});
  const buildDir = resolve(options.buildDir);
  const specs = functionSpecsOf(options.system);
  const pools = new Map<string, FunctionPool>();
  for (const spec of specs) {
    if (pools.has(spec.logicalId)) {
      log(`[runner] ${spec.logicalId} is defined in both stacks; invoking it by logical id reaches the ${specStack(specs, spec.logicalId)} stack's`);
      continue;
    }
    pools.set(spec.logicalId, new FunctionPool(spec, { buildDir, baseEnvironment: options.baseEnvironment, log, runtimeScript: () => runtimeScript(buildDir) }));
  }
  let stopped = false;

  return {
    async invoke(logicalId: string, event: unknown): Promise<InvocationResult> {
      const pool = pools.get(logicalId);
      if (!pool || stopped) {
        const errorMessage = stopped ? 'The function runner is stopped' : `No function ${logicalId} in either stack (known: ${[...pools.keys()].join(', ') || 'none'})`;
        return { status: 'crash', errorMessage, durationMs: 0 };
      }
      try {
        return await pool.invoke(event);
      } catch (error) {
        // The runner's own failures (e.g. the bootstrap would not build) stay results: the twin stays up.
        const errorMessage = `Local runner failure: ${error instanceof Error ? error.message : String(error)}`;
        log(`[${logicalId}] ${errorMessage}`);
        return { status: 'crash', errorMessage, durationMs: 0 };
      }
    },
    logicalIdFor(arnOrName: string): string | undefined {
      return logicalIdForName(specs, arnOrName);
    },
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all([...pools.values()].map((pool) => pool.stop()));
    },
    pids: () => [...pools.values()].flatMap((pool) => pool.pids),
    instanceCount: (logicalId: string) => pools.get(logicalId)?.size ?? 0,
  };
}

function specStack(specs: readonly FunctionSpec[], logicalId: string): string {
  return specs.find((spec) => spec.logicalId === logicalId)?.stackName ?? '?';
}
