/**
 * Lambda-like concurrency in the local runner (issue #9): a cap per function (ReservedConcurrentExecutions, else the
 * twin's default) with calls queued beyond it, cold starts a few at a time so none times out waiting for the CPU,
 * idle environments retired, and reserved concurrency 0 throttling every call.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { InvocationResult } from '../../local/contracts';
import { createFunctionInvoker, type LocalFunctionInvoker } from '../../local/lambda/invoker';
import { loadSystem } from '../../local/template/system';

const FIXTURE = join(__dirname, '..', 'fixtures', 'runner-project');
const SCRATCH = join(process.cwd(), '.local', 'test-build', `runner-concurrency-${randomBytes(4).toString('hex')}`);
const system = loadSystem({ rootDir: FIXTURE });
const logs: string[] = [];
let invoker: LocalFunctionInvoker;

beforeAll(() => {
  invoker = createFunctionInvoker({
    system,
    buildDir: SCRATCH,
    baseEnvironment: {},
    log: (line) => logs.push(line),
    concurrency: 3,
    idleTimeoutMs: 1_500,
    initConcurrency: 1,
  });
});
afterAll(async () => {
  await invoker?.stop();
  rmSync(SCRATCH, { recursive: true, force: true });
});

const pidOf = (result: InvocationResult): number => {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return (result.payload as { pid: number }).pid;
};

/** Calls `count` at once, sampling the function's environments while they run. */
async function burst(functionRef: string, count: number, ms: number): Promise<{ pids: Set<number>; peak: number }> {
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, invoker.instanceCount(functionRef)); }, 10);
  try {
    const results = await Promise.all(Array.from({ length: count }, () => invoker.invoke(functionRef, { ms })));
    return { pids: new Set(results.map(pidOf)), peak: Math.max(peak, invoker.instanceCount(functionRef)) };
  } finally {
    clearInterval(sampler);
  }
}

test('ReservedConcurrentExecutions caps the environments; the calls beyond it wait their turn and all succeed', async () => {
  const { pids, peak } = await burst('CappedSleeperFunction', 7, 150);
  expect(pids.size).toBeLessThanOrEqual(2);
  expect(peak).toBeLessThanOrEqual(2);
});

test('without one, the runner\'s default cap applies (here 3), and cold starts in a stampede all succeed', async () => {
  // 8 first calls at once, one init at a time (initConcurrency 1): none may time out waiting for another's init.
  const { pids, peak } = await burst('SleeperFunction', 8, 50);
  expect(pids.size).toBeLessThanOrEqual(3);
  expect(peak).toBeLessThanOrEqual(3);
});

test('ReservedConcurrentExecutions 0 throttles every call, as Lambda does', async () => {
  const result = await invoker.invoke('DisabledFunction', { ms: 0 });
  expect(result).toMatchObject({ status: 'crash', errorMessage: expect.stringMatching(/^Rate Exceeded/) });
  expect(invoker.instanceCount('DisabledFunction')).toBe(0);
});

test('an environment idle past the idle timeout is retired', async () => {
  pidOf(await invoker.invoke('CounterFunction', {}));
  expect(invoker.instanceCount('CounterFunction')).toBe(1);
  const deadline = Date.now() + 30_000;
  while (invoker.instanceCount('CounterFunction') > 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  expect(invoker.instanceCount('CounterFunction')).toBe(0);
  expect(logs.some((line) => line.startsWith('[CounterFunction] idle for 2 s: environment retired'))).toBe(true);
  // The next call simply starts a new one.
  pidOf(await invoker.invoke('CounterFunction', {}));
});
