import { spawn } from 'node:child_process';
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

export function measureLoad(file: string, env: Record<string, string>, cwd: string, execPath = process.execPath): Promise<LoadSample> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(execPath, ['-e', CHILD, file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', fail);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return fail(new Error(`loading ${file} exited ${code}: ${stderr.trim()}`));
      try {
        const { loadMs, readyMs } = JSON.parse(stdout) as { loadMs: number; readyMs: number };
        done({ loadMs, readyMs, wallMs });
      } catch {
        fail(new Error(`loading ${file} printed no timing: ${stdout}${stderr}`));
      }
    });
  });
}
