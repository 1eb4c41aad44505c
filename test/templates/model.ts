/**
 * The templates as SAM reads them, before any deployment choices: every function of both stacks (including
 * ones behind a Condition), with SAM Globals merged and intrinsics left as written. Shared by the template
 * tests and the benchmarks.
 */
import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { loadTemplate, type Template } from '../../local/template/load';
import { mergeGlobals } from '../../local/template/stack';
import { API_TEMPLATE, AUTH_TEMPLATE } from '../../local/template/system';

/**
 * The project root whose templates are checked. TEMPLATE_TEST_ROOT points the tests at a copy (e.g. to try a
 * template fix without touching the checkout); it needs the same layout (templates, samconfig.toml, src/, package.json,
 * node_modules).
 */
export const ROOT = resolve(process.env.TEMPLATE_TEST_ROOT ?? resolve(__dirname, '../..'));

export const STACK_TEMPLATES = {
  auth: join(ROOT, AUTH_TEMPLATE),
  api: join(ROOT, API_TEMPLATE),
} as const;

export type StackKey = keyof typeof STACK_TEMPLATES;
export const STACK_KEYS = Object.keys(STACK_TEMPLATES) as StackKey[];

export function rawTemplate(stack: StackKey): Template {
  return loadTemplate(STACK_TEMPLATES[stack]);
}

export interface FunctionSpec {
  stack: StackKey;
  logicalId: string;
  templatePath: string;
  templateDir: string;
  condition?: string;
  /** Properties with Globals.Function merged in, intrinsics unresolved. */
  properties: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** CodeUri resolved against the template's directory, as `sam build` does. */
  codeDir: string;
  handler: string;
  /** `createLink` of `createLink.handler` (may contain a directory: `dir/file.handler`). */
  handlerModule: string;
  handlerExport: string;
}

export function splitHandler(handler: string): { module: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) throw new Error(`Handler '${handler}' is not <file>.<export>`);
  return { module: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

export function listFunctions(stacks: readonly StackKey[] = STACK_KEYS): FunctionSpec[] {
  const out: FunctionSpec[] = [];
  for (const stack of stacks) {
    const templatePath = STACK_TEMPLATES[stack];
    const templateDir = resolve(templatePath, '..');
    const template = rawTemplate(stack);
    const globals = template.Globals?.Function ?? {};
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Serverless::Function') continue;
      const properties = mergeGlobals(globals, resource.Properties ?? {});
      const codeUri = properties.CodeUri;
      if (typeof codeUri !== 'string') throw new Error(`${stack}/${logicalId}: CodeUri must be a local path (got ${JSON.stringify(codeUri)})`);
      const handler = properties.Handler;
      if (typeof handler !== 'string') throw new Error(`${stack}/${logicalId}: Handler must be a string`);
      const { module, exportName } = splitHandler(handler);
      out.push({
        stack,
        logicalId,
        templatePath,
        templateDir,
        condition: resource.Condition,
        properties,
        metadata: (resource.Metadata ?? {}) as Record<string, unknown>,
        codeDir: resolve(templateDir, codeUri),
        handler,
        handlerModule: module,
        handlerExport: exportName,
      });
    }
  }
  return out;
}

export function buildProperties(fn: FunctionSpec): Record<string, unknown> {
  const props = fn.metadata.BuildProperties;
  return props && typeof props === 'object' ? (props as Record<string, unknown>) : {};
}

export function entryPoints(fn: FunctionSpec): string[] {
  const entries = buildProperties(fn).EntryPoints;
  return Array.isArray(entries) ? entries.map(String) : [];
}

/** lambda-builders' rule: an entry without an extension may be `<entry>.ts` or `<entry>.js`. */
export function entryFile(fn: FunctionSpec, entry: string): string | undefined {
  const base = resolve(fn.codeDir, entry);
  const candidates = extname(entry) ? [base] : [`${base}.ts`, `${base}.js`];
  return candidates.find((candidate) => existsSync(candidate));
}

export function entryBasename(entry: string): string {
  return basename(entry, extname(entry));
}

/** The function's API events (Type: Api) with their path, method and Auth block, as written. */
export interface ApiEvent {
  name: string;
  path: string;
  method: string;
  auth: Record<string, unknown> | undefined;
}

export function apiEvents(properties: Record<string, unknown>): ApiEvent[] {
  const events = (properties.Events ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  return Object.entries(events)
    .filter(([, event]) => event.Type === 'Api')
    .map(([name, event]) => ({
      name,
      path: String(event.Properties?.Path),
      method: String(event.Properties?.Method).toLowerCase(),
      auth: event.Properties?.Auth as Record<string, unknown> | undefined,
    }));
}
