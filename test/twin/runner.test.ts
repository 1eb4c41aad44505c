/**
 * The local Lambda runner against a fixture project of tiny handlers: isolation, warm reuse,
 * concurrency, timeouts, crashes, failed builds, hot reload, and a clean stop.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InvocationResult } from '../../local/contracts';
import { createFunctionInvoker, type LocalFunctionInvoker } from '../../local/lambda/invoker';
import { loadSystem, type System } from '../../local/template/system';

const FIXTURE = join(__dirname, '..', 'fixtures', 'runner-project');
// Inside the project, as the twin's own build directory is, so bundles resolve node_modules.
const SCRATCH = join(process.cwd(), '.local', 'test-build', `runner-${randomBytes(4).toString('hex')}`);

const okPayload = <T>(result: InvocationResult): T => {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.payload as T;
};
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe('local Lambda runner', () => {
  let system: System;
  let invoker: LocalFunctionInvoker;
  const logs: string[] = [];

  beforeAll(() => {
    process.env.TWIN_ONLY_MARKER = 'must-not-leak';
    system = loadSystem({ rootDir: FIXTURE });
    invoker = createFunctionInvoker({
      system,
      buildDir: join(SCRATCH, 'build'),
      baseEnvironment: { BASE_ONLY: 'from-base', AWS_ACCESS_KEY_ID: 'local' },
      log: (line) => logs.push(line),
    });
  });
  afterAll(async () => {
    await invoker?.stop();
    delete process.env.TWIN_ONLY_MARKER;
  });

  test('a function sees its template environment, the base environment and Lambda variables — not the twin’s', async () => {
    const spec = system.api.resources.EnvEchoFunction!;
    const out = okPayload<{ env: Record<string, string>; cwd: string; context: Record<string, unknown>; event: unknown; sourceMapsEnabled: boolean; execArgv: string[] }>(
      await invoker.invoke('EnvEchoFunction', { hello: 'world', skipped: undefined }),
    );
    expect(out.event).toEqual({ hello: 'world' });
    expect(out.env).toMatchObject({
      GREETING: 'hello',
      NUMERIC: '42',
      FROM_GLOBALS: 'globals',
      NODE_OPTIONS: '--enable-source-maps',
      BASE_ONLY: 'from-base',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_LAMBDA_FUNCTION_NAME: spec.physicalId,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '192',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_REGION: system.region,
      AWS_DEFAULT_REGION: system.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.physicalId}`,
      _HANDLER: 'envEcho.handler',
      TZ: ':UTC',
    });
    expect(out.env.TWIN_ONLY_MARKER).toBeUndefined();
    expect(out.sourceMapsEnabled).toBe(true);
    expect(out.execArgv).toEqual(['--max-old-space-size=172']);
    expect(out.env.HOME).toBeUndefined();
    expect(out.env.LAMBDA_TASK_ROOT).toBe(out.cwd);
    expect(out.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const arn = `arn:aws:lambda:${system.region}:${system.accountId}:function:${spec.physicalId}`;
    expect(out.context).toMatchObject({ functionName: spec.physicalId, functionVersion: '$LATEST', invokedFunctionArn: arn, memoryLimitInMB: '192' });
    expect(out.context.remainingMs).toBeGreaterThan(0);
    expect(out.context.remainingMs).toBeLessThanOrEqual(5000);
    expect(invoker.functionFor(arn)).toEqual({ logicalId: 'EnvEchoFunction', stackName: system.api.name, arn });
    expect(invoker.functionFor(`${arn}:$LATEST`)?.logicalId).toBe('EnvEchoFunction');
    expect(invoker.functionFor(spec.physicalId)?.logicalId).toBe('EnvEchoFunction');
    expect(invoker.functionFor(system.auth.resources.AuthEchoFunction!.physicalId)?.logicalId).toBe('AuthEchoFunction');
    expect(invoker.functionFor('nope')).toBeUndefined();
  });

  test('a warm environment keeps module state; its console lines reach the log with the logical id', async () => {
    const first = okPayload<{ invocations: number; pid: number }>(await invoker.invoke('CounterFunction', {}));
    const second = okPayload<{ invocations: number; pid: number }>(await invoker.invoke('CounterFunction', {}));
    expect(second.invocations).toBe(first.invocations + 1);
    expect(second.pid).toBe(first.pid);
    expect(logs.some((line) => /^\[CounterFunction\] \S+\t[0-9a-f-]{36}\tINFO\tinvocation \d+$/.test(line))).toBe(true);
    // As Lambda prints it: the configured size, then what the process peaked at.
    const report = logs.find((line) => line.startsWith('[CounterFunction] REPORT RequestId:'));
    expect(report).toMatch(/ Memory Size: \d+ MB Max Memory Used: [1-9]\d* MB/);
  });

  test('concurrent invocations get separate environments', async () => {
    const [a, b] = await Promise.all([
      invoker.invoke('CounterFunction', { holdMs: 400 }),
      invoker.invoke('CounterFunction', { holdMs: 400 }),
    ]);
    expect(okPayload<{ pid: number }>(a).pid).not.toBe(okPayload<{ pid: number }>(b).pid);
    expect(invoker.instanceCount('CounterFunction')).toBeGreaterThanOrEqual(2);
  });

  test('Timeout from the template stops the environment; the next call cold-starts and works', async () => {
    const timedOut = await invoker.invoke('SleeperFunction', { ms: 4_000 });
    expect(timedOut.status).toBe('timeout');
    expect(logs.some((line) => line.includes('Task timed out after 1.00 seconds'))).toBe(true);
    expect(okPayload<{ slept: number }>(await invoker.invoke('SleeperFunction', { ms: 0 })).slept).toBe(0);
  });

  test('process.exit is a crash, with the function’s last words in the log', async () => {
    const result = await invoker.invoke('ExitFunction', {});
    expect(result).toMatchObject({ status: 'crash', errorMessage: expect.stringContaining('exit status 3') });
    expect(logs.some((line) => line.startsWith('[ExitFunction] ') && line.includes('about to exit'))).toBe(true);
    expect((await invoker.invoke('ExitFunction', {})).status).toBe('crash');
  });

  test('throws and rejections are function errors; an exception escaping the invocation is a crash', async () => {
    expect(await invoker.invoke('ThrowerFunction', {})).toMatchObject({ status: 'error', errorType: 'TypeError', errorMessage: 'thrown on purpose' });
    expect(await invoker.invoke('ThrowerFunction', { kind: 'reject' })).toMatchObject({ status: 'error', errorType: 'RangeError', errorMessage: 'rejected on purpose' });
    expect(await invoker.invoke('ThrowerFunction', { kind: 'string' })).toMatchObject({ status: 'error', errorType: 'string', errorMessage: 'a plain string' });
    expect(await invoker.invoke('ThrowerFunction', { kind: 'uncaught' })).toMatchObject({ status: 'crash', errorMessage: expect.stringContaining('escaped the handler') });
    expect((await invoker.invoke('ThrowerFunction', {})).status).toBe('error');
  });

  test('a failed build is a crash result carrying esbuild’s message, and is logged', async () => {
    const result = await invoker.invoke('BrokenFunction', {});
    expect(result).toMatchObject({ status: 'crash', errorMessage: expect.stringContaining('Build failed') });
    expect(logs.some((line) => line.startsWith('[BrokenFunction] Build failed'))).toBe(true);
  });

  test('nodejs24.x refuses callback handlers (by arity); nodejs22.x still runs them', async () => {
    expect(await invoker.invoke('CallbackFunction', {})).toMatchObject({ status: 'error', errorType: 'Runtime.CallbackHandlerDeprecated' });
    expect(okPayload(await invoker.invoke('LegacyCallbackFunction', {}))).toEqual({ style: 'callback' });
  });

  test('BuildProperties are honoured: Format esm with OutExtension .mjs loads as an ES module', async () => {
    expect(okPayload(await invoker.invoke('VersionFunction', {}))).toEqual({ version: 1, module: 'esm' });
  });

  test('an unknown logical id is a crash result, not a throw', async () => {
    expect(await invoker.invoke('NoSuchFunction', {})).toMatchObject({ status: 'crash', errorMessage: expect.stringContaining('NoSuchFunction') });
  });
});

describe('hot reload and stop', () => {
  test('an edited source is rebuilt before the next invoke; stop leaves no process behind', async () => {
    const project = join(SCRATCH, 'project');
    mkdirSync(project, { recursive: true });
    cpSync(FIXTURE, project, { recursive: true });
    const logs: string[] = [];
    const invoker = createFunctionInvoker({
      system: loadSystem({ rootDir: project }),
      buildDir: join(SCRATCH, 'reload-build'),
      baseEnvironment: {},
      log: (line) => logs.push(line),
    });
    try {
      expect(okPayload(await invoker.invoke('VersionFunction', {}))).toMatchObject({ version: 1 });
      expect(okPayload(await invoker.invoke('CounterFunction', {}))).toMatchObject({ invocations: 1 });
      writeFileSync(join(project, 'handlers', 'lib', 'version.ts'), 'export const VERSION = 2;\n');
      expect(okPayload(await invoker.invoke('VersionFunction', {}))).toMatchObject({ version: 2 });
      expect(logs.some((line) => line.startsWith('[VersionFunction] sources changed: rebuilt'))).toBe(true);
      // Untouched functions stay warm.
      expect(okPayload(await invoker.invoke('CounterFunction', {}))).toMatchObject({ invocations: 2 });
      // A broken edit is a crash result; fixing it recovers without a restart.
      writeFileSync(join(project, 'handlers', 'lib', 'version.ts'), 'export const VERSION = ;\n');
      expect(await invoker.invoke('VersionFunction', {})).toMatchObject({ status: 'crash', errorMessage: expect.stringContaining('Build failed') });
      writeFileSync(join(project, 'handlers', 'lib', 'version.ts'), 'export const VERSION = 3;\n');
      expect(okPayload(await invoker.invoke('VersionFunction', {}))).toMatchObject({ version: 3 });
    } finally {
      const pids = invoker.pids();
      expect(pids.length).toBeGreaterThan(0);
      await invoker.stop();
      expect(pids.filter(isAlive)).toEqual([]);
      expect(invoker.pids()).toEqual([]);
      expect(await invoker.invoke('CounterFunction', {})).toMatchObject({ status: 'crash' });
    }
  });
});
