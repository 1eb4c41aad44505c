import { isAbsolute, resolve } from 'node:path';
import type { System } from '../template/system';
import { reservedKeysIn } from './environment';
import type { ResolvedResource, ResolvedStack } from '../template/stack';

/** Everything the runner needs to know about one `AWS::Serverless::Function`, read once from the template. */
export interface FunctionSpec {
  logicalId: string;
  stackName: string;
  /** The deployed function name (FunctionName or the generated one). */
  functionName: string;
  arn: string;
  region: string;
  runtime: string;
  /** `file.export` (the file may sit in a sub-directory: `dir/file.export`). */
  handler: string;
  /** Absolute CodeUri: SAM resolves it against the template's directory. */
  codeDir: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Where Lambda sends the function's logs: `LoggingConfig.LogGroup`, else `/aws/lambda/<function name>`. */
  logGroup: string;
  /** Template `Environment.Variables` (Globals already merged), as the strings Lambda stores. */
  environment: Record<string, string>;
  /** `Metadata.BuildProperties` when `Metadata.BuildMethod` is esbuild; undefined = no bundling (plain JS CodeUri). */
  esbuild: Record<string, unknown> | undefined;
  /**
   * `InlineCode`: CloudFormation puts it in a file named `index` of the deployment package, `index.js` for Node.js
   * (AWS::Lambda::Function Code.ZipFile).
   */
  inlineCode?: string;
  /** The function's `Layers`: layer version ARNs (lambda/layers.ts). */
  layers: string[];
  /** `ReservedConcurrentExecutions`: at most this many execution environments at once (0: every call throttled). */
  reservedConcurrency?: number;
  /** Why this function cannot run locally, if it cannot (told to the caller at invoke time, not at start). */
  unsupported?: string;
}

// Lambda's documented defaults when the template says nothing.
const DEFAULT_MEMORY_MB = 128;
const DEFAULT_TIMEOUT_SECONDS = 3;

/** Every Serverless function of every stack, auth stack first. */
export function functionSpecsOf(system: System): FunctionSpec[] {
  return system.stacks.flatMap((stack) =>
    Object.values(stack.resources)
      .filter((resource) => resource.type === 'AWS::Serverless::Function')
      .map((resource) => functionSpecOf(resource, stack, system)),
  );
}

export function functionSpecOf(resource: ResolvedResource, stack: ResolvedStack, system: Pick<System, 'region'>): FunctionSpec {
  const props = resource.properties;
  const metadata = resource.metadata;
  const codeUri = props.CodeUri;
  const runtime = String(props.Runtime ?? '');
  const spec: FunctionSpec = {
    logicalId: resource.logicalId,
    stackName: stack.name,
    functionName: resource.physicalId,
    arn: resource.arn,
    region: system.region,
    runtime,
    handler: String(props.Handler ?? ''),
    codeDir: typeof codeUri === 'string' ? resolveCodeUri(stack.templateDir, codeUri) : stack.templateDir,
    memoryMb: positiveNumber(props.MemorySize, DEFAULT_MEMORY_MB),
    timeoutSeconds: positiveNumber(props.Timeout, DEFAULT_TIMEOUT_SECONDS),
    logGroup: String((props.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup ?? `/aws/lambda/${resource.physicalId}`),
    environment: stringValues((props.Environment as { Variables?: unknown } | undefined)?.Variables),
    esbuild: metadata.BuildMethod === 'esbuild' && props.InlineCode === undefined ? ((metadata.BuildProperties ?? {}) as Record<string, unknown>) : undefined,
    ...(typeof props.InlineCode === 'string' ? { inlineCode: props.InlineCode } : {}),
    layers: Array.isArray(props.Layers) ? props.Layers.map(String) : [],
    ...reservedConcurrencyOf(props.ReservedConcurrentExecutions),
  };
  const unsupported = unsupportedReason(spec, codeUri, props);
  return unsupported ? { ...spec, unsupported } : spec;
}

function reservedConcurrencyOf(value: unknown): { reservedConcurrency?: number } {
  if (value === undefined || value === null || value === '') return {};
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? { reservedConcurrency: n } : {};
}

function resolveCodeUri(templateDir: string, codeUri: string): string {
  return isAbsolute(codeUri) ? codeUri : resolve(templateDir, codeUri);
}

function unsupportedReason(spec: FunctionSpec, codeUri: unknown, props: Record<string, unknown>): string | undefined {
  if (!/^nodejs\d+\.x$/.test(spec.runtime)) return `runtime ${spec.runtime || '(none)'} is not supported locally (Node.js runtimes only)`;
  const reserved = reservedKeysIn(spec.environment);
  if (reserved.length > 0) return `Lambda refuses reserved environment variables in a function's configuration: ${reserved.join(', ')}`;
  if (props.InlineCode !== undefined && typeof props.InlineCode !== 'string') return 'InlineCode must be a string';
  if (props.InlineCode === undefined && typeof codeUri !== 'string') return 'CodeUri must be a local path (S3 locations cannot be run locally)';
  if (!/^[^.]+(\.[^.]+)+$/.test(spec.handler.split('/').pop() ?? '')) return `Handler ${spec.handler} is not of the form file.export`;
  return undefined;
}

function positiveNumber(value: unknown, fallback: number): number {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) || n <= 0 ? fallback : n;
}

/** CloudFormation stores environment values as strings; YAML may have parsed `true` or `5`. */
function stringValues(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** The function with this ARN (with or without qualifier) or name; undefined if none matches. */
export function functionForName(specs: readonly FunctionSpec[], arnOrName: string): FunctionSpec | undefined {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(arnOrName);
  const name = match ? match[1] : arnOrName;
  return specs.find((spec) => spec.functionName === name);
}

/** Node major version of a `nodejsNN.x` runtime (0 if not one). */
export function runtimeMajor(runtime: string): number {
  return Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? 0);
}
