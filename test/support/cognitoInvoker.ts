import { join } from 'node:path';
import type { FunctionInvoker, InvocationResult } from '../../local/contracts';
import { resourcesOfType, type System } from '../../local/template/system';

/**
 * Function invokers for Cognito tests. The twin uses the real Lambda runner; these stand in for it so the
 * Cognito tests exercise only Cognito: the real trigger modules run in-process, or a fixed answer.
 */

/** For pools without triggers: any invocation is a test bug. */
export const noFunctions: FunctionInvoker = {
  invoke: async (functionRef) => {
    throw new Error(`unexpected invocation of ${functionRef}`);
  },
  functionFor: () => undefined,
  stop: async () => {},
};

/** Runs the template's functions' real handler modules (e.g. src/handlers/preSignUp.ts) in this process. */
export function inProcessInvoker(system: System): FunctionInvoker & { events: unknown[] } {
  const functions = resourcesOfType(system, 'AWS::Serverless::Function');
  const events: unknown[] = [];
  const find = (functionRef: string) => {
    // arn:aws:lambda:<region>:<account>:function:<name>
    const name = functionRef.includes(':function:') ? functionRef.split(':function:')[1]?.split(':')[0] : functionRef;
    return functions.find((fn) => fn.physicalId === name || fn.logicalId === name);
  };
  return {
    events,
    functionFor: (functionRef) => {
      const fn = find(functionRef);
      return fn && { logicalId: fn.logicalId, stackName: 'test', arn: fn.arn };
    },
    invoke: async (functionRef, event): Promise<InvocationResult> => {
      const fn = find(functionRef);
      const entry = (fn?.metadata.BuildProperties as { EntryPoints?: string[] } | undefined)?.EntryPoints?.[0];
      if (!fn || !entry) throw new Error(`${functionRef} has no esbuild entry point`);
      const exportName = String(fn.properties.Handler).split('.').pop() ?? 'handler';
      events.push(event);
      const started = Date.now();
      try {
        const module = (await import(join(system.rootDir, entry))) as Record<string, (event: unknown, context: unknown) => Promise<unknown>>;
        const handler = module[exportName];
        if (!handler) throw new Error(`${entry} exports no ${exportName}`);
        const payload = await handler(structuredClone(event), { functionName: fn.physicalId, awsRequestId: 'test' });
        return { status: 'ok', payload: JSON.parse(JSON.stringify(payload ?? null)) as unknown, durationMs: Date.now() - started };
      } catch (error) {
        const e = error as Error;
        return { status: 'error', errorType: e.name, errorMessage: e.message, durationMs: Date.now() - started };
      }
    },
    stop: async () => {},
  };
}

/** Every function answers `result` (to see how Cognito reports failing triggers). */
export function fixedInvoker(result: InvocationResult): FunctionInvoker {
  return { invoke: async () => result, functionFor: (arn) => (arn ? { logicalId: 'Stub', stackName: 'test', arn } : undefined), stop: async () => {} };
}
