/**
 * The runtime inside one local execution environment (a child process), standing in for Lambda's
 * Node.js runtime interface client: loads `_HANDLER` from `LAMBDA_TASK_ROOT` (the init phase), then runs
 * one invocation at a time as the runner asks over IPC. The runner bundles this file with esbuild; it
 * runs as plain JavaScript, with only the function's environment.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { BootstrapMessage, InvokeMessage, RunnerMessage } from './protocol';

type Handler = (event: unknown, context: Record<string, unknown>, callback?: (error?: unknown, result?: unknown) => void) => unknown;

const env = process.env;
const runtimeMajor = Number(/nodejs(\d+)/.exec(env.AWS_EXECUTION_ENV ?? '')?.[1] ?? 0);
let currentRequestId: string | undefined;

class RuntimeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function send(message: BootstrapMessage, then?: () => void): void {
  try {
    process.send?.(message, undefined, {}, () => then?.());
  } catch {
    then?.();
  }
}

/** Lambda's text log format: `timestamp<TAB>requestId<TAB>LEVEL<TAB>message`. */
function patchConsole(): void {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
  for (const [method, level] of Object.entries(levels)) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args)}\n`);
    };
  }
}

function describe(error: unknown): { errorType: string; errorMessage: string; stack?: string[] } {
  if (error instanceof Error) return { errorType: error.name || 'Error', errorMessage: error.message, stack: error.stack?.split('\n') };
  return { errorType: typeof error, errorMessage: String(error) };
}

async function loadModule(file: string): Promise<unknown> {
  if (file.endsWith('.mjs')) return import(pathToFileURL(file).href);
  try {
    return createRequire(file)(file);
  } catch (error) {
    // A `.js` file that is an ES module: Lambda falls back to import() as well.
    if ((error as { code?: string }).code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(file).href);
    throw error;
  }
}

/** The init phase: find the module and the exported function `_HANDLER` names, as the Lambda runtime does. */
async function loadHandler(): Promise<Handler> {
  const handlerString = env._HANDLER ?? '';
  const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
  const base = basename(handlerString);
  const dot = base.indexOf('.');
  if (dot <= 0) throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
  const moduleName = base.slice(0, dot);
  const modulePath = join(taskRoot, dirname(handlerString), moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext).find((candidate) => existsSync(candidate));
  if (!file) throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
  let target: unknown;
  try {
    target = await loadModule(file);
  } catch (error) {
    if (error instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(error));
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(error));
    throw error;
  }
  for (const key of base.slice(dot + 1).split('.')) {
    target = target === null || target === undefined ? undefined : (target as Record<string, unknown>)[key];
  }
  if (typeof target !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${base} is undefined or not exported`);
  const handler = target as Handler;
  // nodejs24.x dropped callback handlers, and tells them apart by arity.
  if (runtimeMajor >= 24 && handler.length >= 3) {
    throw new RuntimeError(
      'Runtime.CallbackHandlerDeprecated',
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later.',
    );
  }
  return handler;
}

function contextFor(message: InvokeMessage): Record<string, unknown> {
  const context: Record<string, unknown> = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
  };
  if (runtimeMajor < 24) context.callbackWaitsForEmptyEventLoop = true;
  return context;
}

function run(handler: Handler, event: unknown, context: Record<string, unknown>): Promise<unknown> {
  if (handler.length >= 3) {
    // Callback style (runtimes before nodejs24.x): the first of callback or returned promise wins.
    return new Promise((resolve, reject) => {
      const returned = handler(event, context, (error, result) => (error === null || error === undefined ? resolve(result) : reject(error)));
      if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
    });
  }
  return Promise.resolve().then(() => handler(event, context));
}

/** Re-read the peak RSS at most this often: getrusage cost ~6 % of a warm GET's CPU when read on every invoke. */
const MAX_RSS_REFRESH_MS = 100;
let maxRss = { kb: 0, readAt: Number.NEGATIVE_INFINITY };

/**
 * The process's peak resident memory for the REPORT line. A high-water mark only grows, so a reading up to
 * 100 ms old can only trail a peak reached since, and the next reading after that shows it.
 */
function maxRssKb(): number {
  const now = performance.now();
  if (now - maxRss.readAt >= MAX_RSS_REFRESH_MS) maxRss = { kb: process.resourceUsage().maxRSS, readAt: now };
  return maxRss.kb;
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  currentRequestId = message.requestId;
  try {
    const value = await run(handler, JSON.parse(message.event), contextFor(message));
    let payload: string;
    try {
      payload = JSON.stringify(value === undefined ? null : value) ?? 'null';
    } catch (error) {
      throw new RuntimeError('Runtime.JSONStringifyError', `Unable to stringify response body: ${describe(error).errorMessage}`);
    }
    send({ type: 'result', requestId: message.requestId, payload, maxRssKb: maxRssKb() });
  } catch (error) {
    const described = describe(error);
    console.error('Invoke Error', JSON.stringify(described));
    send({ type: 'error', requestId: message.requestId, errorType: described.errorType, errorMessage: described.errorMessage, maxRssKb: maxRssKb() });
  } finally {
    currentRequestId = undefined;
  }
}

function dieWith(errorType: string, error: unknown, exitCode: number): void {
  const described = describe(error);
  console.error(errorType === 'Runtime.UnhandledPromiseRejection' ? 'Unhandled Promise Rejection' : 'Uncaught Exception', JSON.stringify({ ...described, errorType }));
  send({ type: 'fatal', errorType, errorMessage: described.errorMessage }, () => process.exit(exitCode));
}

async function main(): Promise<void> {
  patchConsole();
  // Same exit codes as the Lambda Node.js runtime for these deaths.
  process.on('uncaughtException', (error) => dieWith(error instanceof Error ? error.name : 'Error', error, 129));
  process.on('unhandledRejection', (reason) => dieWith('Runtime.UnhandledPromiseRejection', reason, 128));
  // The runner went away: an execution environment never outlives it.
  process.on('disconnect', () => process.exit(0));

  const started = performance.now();
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    const described = describe(error);
    console.error('Init Error', JSON.stringify(described));
    send({ type: 'init-error', errorType: described.errorType, errorMessage: described.errorMessage }, () => process.exit(1));
    return;
  }
  process.on('message', (message: RunnerMessage) => {
    if (message.type === 'invoke') void invoke(handler, message);
  });
  send({ type: 'ready', initMs: performance.now() - started });
}

void main();
