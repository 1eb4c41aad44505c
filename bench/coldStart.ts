import { runChild } from './child';
import { performance } from 'node:perf_hooks';

/**
 * Cold start of a bundle in a fresh Node process (the Node binary of the function's runtime): the child times
 * `require(bundle)` itself with performance.now() (`loadMs`, start-up not counted); `readyMs` is the child's
 * time from its own start to the module being loaded, and `wallMs` spawn to exit as seen from here (the
 * figure compared with an empty module's).
 */
const CHILD = `
const { performance } = require('node:perf_hooks');
const file = process.argv[1];
const t0 = performance.now();
require(file);
const t1 = performance.now();
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, readyMs: t1 }));
process.exit(0);`;

export interface LoadSample {
  loadMs: number;
  readyMs: number;
  wallMs: number;
}

export async function measureLoad(file: string, env: Record<string, string>, cwd: string, execPath = process.execPath): Promise<LoadSample> {
  const started = performance.now();
  const { stdout, stderr } = await runChild(`loading ${file}`, execPath, ['-e', CHILD, file], { cwd, env });
  const wallMs = performance.now() - started;
  try {
    const { loadMs, readyMs } = JSON.parse(stdout) as { loadMs: number; readyMs: number };
    return { loadMs, readyMs, wallMs };
  } catch {
    throw new Error(`loading ${file} printed no timing: ${stdout}${stderr}`);
  }
}
