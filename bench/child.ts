import { spawn } from 'node:child_process';

/**
 * Runs `execPath args` to its end and returns its stdout; rejects, naming `what` and its stderr, when it
 * exits non-zero or cannot start. The bench's measured work runs in such children (loads, cold starts).
 */
export function runChild(what: string, execPath: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done({ stdout, stderr }) : fail(new Error(`${what} exited ${code}: ${stderr.trim()}`))));
  });
}
