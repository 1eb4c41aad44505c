/** What the command-line scripts share: one-line errors, exit codes, and how stack names are chosen. */
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readDeployConfigs } from '../../local/template/samconfig';
import { describeAwsError } from './cognito';
import { TargetError, type StackNames } from './targets';

/** Wrong flags: exit 2 with the message (and a pointer to --help). */
export class UsageError extends Error {
  override name = 'UsageError';
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
const HELP_FLAG = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * The scripts' flags: strict parseArgs plus -h/--help. Bad flags become a UsageError; with --help the text is
 * printed and undefined returned, so a main can `if (!flags) return 0`.
 */
export function parseFlags<const T extends FlagOptions>(options: T, help: string): Flags<T> | undefined {
  let values: Flags<T> & { help?: boolean };
  try {
    ({ values } = parseArgs({ options: { ...options, ...HELP_FLAG }, strict: true, allowPositionals: false }) as { values: Flags<T> & { help?: boolean } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return values;
}

type Flags<T extends FlagOptions> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'];

/**
 * Runs a CLI's main: its resolved number is the exit code; an error becomes one line on stderr
 * (`<command>: <message>`), exit 2 for usage errors, 1 otherwise. Set SCRIPTS_DEBUG=1 for stacks.
 */
export function runMain(command: string, main: () => Promise<number>): void {
  // The SDK's notice that future versions need Node 22 would land in people's terminals on every call.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const known = error instanceof UsageError || error instanceof TargetError;
      const message = known ? (error as Error).message : describeAwsError(error);
      console.error(`${command}: ${message}${error instanceof UsageError ? ' (--help for usage)' : ''}`);
      if (process.env.SCRIPTS_DEBUG) console.error(error);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}

/**
 * Stack names from --auth-stack/--api-stack, each defaulting to samconfig.toml's (the names `sam deploy`
 * uses), region from --region then samconfig then the SDK. Undefined when neither flag is given and
 * `required` is false (the caller then means the local twin).
 */
export function stackNames(
  flags: { 'auth-stack'?: string; 'api-stack'?: string; region?: string },
  rootDir: string,
  required: boolean,
): StackNames | undefined {
  const given = flags['auth-stack'] !== undefined || flags['api-stack'] !== undefined;
  if (!given && !required) {
    if (flags.region !== undefined) throw new UsageError('--region only applies with --auth-stack/--api-stack');
    return undefined;
  }
  const samconfig = join(rootDir, 'samconfig.toml');
  const { auth, api } = readDeployConfigs(samconfig);
  const authStack = flags['auth-stack'] ?? auth.stackName;
  const apiStack = flags['api-stack'] ?? api.stackName;
  if (!authStack) throw new UsageError('--auth-stack is required (samconfig.toml names no auth stack)');
  if (!apiStack) throw new UsageError('--api-stack is required (samconfig.toml names no api stack)');
  for (const [flag, name] of [['--auth-stack', authStack], ['--api-stack', apiStack]] as const) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$|^arn:/.test(name)) throw new UsageError(`${flag} '${name}' is not a stack name`);
  }
  const region = flags.region ?? auth.region ?? api.region;
  return { authStack, apiStack, ...(region ? { region } : {}) };
}
