/**
 * External tools the template tests need (cfn-lint, Python with aws-sam-translator). A missing tool fails the
 * run in CI (CI=true) and skips the tests elsewhere, always with the reason printed: never a silent pass.
 */
import { execFile, spawnSync } from 'node:child_process';

export interface ToolProbe {
  name: string;
  ok: boolean;
  /** Why it is unusable (when !ok). */
  reason?: string;
  version?: string;
}

export const PYTHON = process.env.PYTHON ?? 'python3';
export const CFN_LINT = process.env.CFN_LINT ?? 'cfn-lint';

export function probe(name: string, command: string, args: string[]): ToolProbe {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) return { name, ok: false, reason: `\`${command}\` could not be run (${run.error.message})` };
  if (run.status !== 0) {
    return { name, ok: false, reason: `\`${command} ${args.join(' ')}\` exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').pop()}` };
  }
  return { name, ok: true, version: `${run.stdout}${run.stderr}`.trim() };
}

export const isCI = (): boolean => process.env.CI === 'true';

/**
 * The `test` to declare tool-dependent tests with. Tool present: `test`. Missing: in CI a failing test is
 * registered (the run must not pass without the tool) and the rest are skipped; elsewhere they are skipped
 * and the reason goes to the console.
 */
export function testWithTool(tool: ToolProbe, installHint: string): jest.It {
  if (tool.ok) return test;
  const message = `${tool.name} unavailable: ${tool.reason}. ${installHint}`;
  if (isCI()) {
    test(`${tool.name} is installed (required when CI=true)`, () => {
      throw new Error(message);
    });
  } else {
    console.warn(`SKIPPING ${tool.name} tests — ${message} (in CI this fails the run)`);
  }
  return test.skip;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          fail(new Error(`${command} failed to run: ${error.message}\n${stderr}`));
          return;
        }
        done({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    // The command may exit without reading its input: that is its business, not an EPIPE for the test.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
