import { randomBytes } from 'node:crypto';
import type { FunctionSpec } from './function-spec';

/**
 * Keys Lambda sets itself and refuses in a function's configuration (the deploy fails with
 * "...contains reserved keys that are currently not supported for modification").
 */
export const RESERVED_KEYS = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
] as const;

export function reservedKeysIn(environment: Record<string, string>): string[] {
  return RESERVED_KEYS.filter((key) => key in environment);
}

export interface InstanceEnvironmentInput {
  spec: FunctionSpec;
  /** What the twin adds for every function (endpoints, fake role credentials). */
  base: Record<string, string>;
  /** The unpacked code (`/var/task` on Lambda): the bundle directory. */
  taskRoot: string;
  runtimeDir: string;
  logStreamName: string;
  /** PATH of the machine, so child processes a handler spawns still find binaries. */
  path: string | undefined;
  /** Where the runtime's own modules are (Lambda's NODE_PATH has /var/runtime/node_modules): the AWS SDK v3. */
  nodePath?: string;
}

/**
 * The whole environment of one execution environment — and nothing else: a handler must not see the
 * twin's own process.env, as it would not in AWS. Lambda's own variables win over everything.
 */
export function instanceEnvironment(input: InstanceEnvironmentInput): Record<string, string> {
  const { spec } = input;
  const reserved: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    // A custom LoggingConfig.LogGroup is what Lambda reports here (and in the context).
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStreamName,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: input.runtimeDir,
    _HANDLER: spec.handler,
    // Lambda's values: UTC clock and a UTF-8 locale.
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
  };
  return {
    ...(input.path ? { PATH: input.path } : {}),
    ...(input.nodePath ? { NODE_PATH: input.nodePath } : {}),
    ...spec.environment,
    ...input.base,
    ...reserved,
  };
}

/** `2025/01/31/[$LATEST]<32 hex>`: one stream per execution environment, as in CloudWatch. */
export function logStreamName(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
