import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { probe, testWithTool } from './tools';

const execFileAsync = promisify(execFile);

/**
 * The AWS CLI pointed at a local Cognito, as a person runs it: `aws cognito-idp … --endpoint-url …`.
 * Asynchronous on purpose: the server runs in this process, so a synchronous child would deadlock it.
 * The environment is minimal so a developer's own profile or credentials never leak into a test.
 */

/** Probed once per test file: tests that need it go through `cliTest`, skipped visibly (or failing in CI). */
export const AWS_CLI = probe('AWS CLI', 'aws', ['--version']);
export const cliTest = testWithTool(AWS_CLI, 'Install it with `pip install awscli`.');

export interface CliResult {
  code: number;
  json: Record<string, unknown> | null;
  stderr: string;
}

/** Anything that runs a local Cognito: the Cognito test harness or a whole twin. */
export interface CognitoTarget {
  cognito: { url: string };
  system: { region: string };
}

export async function awsCognitoIdp(t: CognitoTarget, args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(
      'aws',
      ['cognito-idp', ...args, '--endpoint-url', t.cognito.url, '--region', t.system.region, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
        },
        timeout: 30_000,
      },
    );
    return { code: 0, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : null, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, json: null, stderr: e.stderr ?? String(error) };
  }
}
