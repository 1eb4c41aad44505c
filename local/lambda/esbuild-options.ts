import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { BuildOptions, Format, Loader } from 'esbuild';
import type { FunctionSpec } from './function-spec';

/**
 * The esbuild options `sam build` uses for `BuildMethod: esbuild` (aws-lambda-builders'
 * nodejs_npm_esbuild workflow): always `--bundle --platform=node --outdir=<artifacts>`, run in the
 * CodeUri directory; `--target=es2020`, `--format=cjs` and `--minify` unless the template sets them;
 * then the BuildProperties it forwards (booleans Minify/Sourcemap; Target, Format, MainFields,
 * SourcesContent; lists External, Loader, OutExtension, Banner).
 */
export function esbuildOptionsFor(spec: FunctionSpec, outdir: string): BuildOptions {
  const props = spec.esbuild ?? {};
  const options: BuildOptions = {
    absWorkingDir: spec.codeDir,
    entryPoints: entryPointsOf(spec),
    bundle: true,
    platform: 'node',
    outdir,
    target: listOf(props.Target ?? 'es2020'),
    format: String(props.Format ?? 'cjs') as Format,
    // SAM passes --minify when Minify is absent, and nothing (no minify) when it is false.
    minify: props.Minify === undefined ? true : props.Minify === true,
    sourcemap: props.Sourcemap === true,
    metafile: true,
    write: true,
    logLevel: 'silent',
  };
  if (props.MainFields !== undefined) options.mainFields = listOf(props.MainFields);
  // lambda-builders turns a boolean into a bare flag when true and into nothing when false (esbuild's default,
  // sources included); only a string reaches esbuild as --sources-content=<value>.
  if (typeof props.SourcesContent === 'string') options.sourcesContent = props.SourcesContent.trim().toLowerCase() !== 'false';
  const external = externalsOf(spec, props.External);
  if (external.length > 0) options.external = external;
  if (props.Loader !== undefined) options.loader = pairs(props.Loader) as Record<string, Loader>;
  if (props.OutExtension !== undefined) options.outExtension = pairs(props.OutExtension);
  if (props.Banner !== undefined) options.banner = pairs(props.Banner);
  return options;
}

/**
 * EntryPoints are relative to CodeUri; one without an extension gets `.ts`, then `.js`, as SAM tries.
 * Without EntryPoints, SAM's documented default is the handler's file.
 */
export function entryPointsOf(spec: FunctionSpec): string[] {
  const declared = spec.esbuild?.EntryPoints;
  const entries = Array.isArray(declared) && declared.length > 0 ? declared.map(String) : [spec.handler.replace(/\.[^./]+$/, '')];
  return entries.map((entry) => {
    if (extname(entry)) return entry;
    const found = ['.ts', '.js'].find((ext) => existsSync(join(spec.codeDir, entry + ext)));
    return found ? entry + found : entry;
  });
}

/**
 * `External: ['./node_modules/*']` makes SAM mark every package.json dependency external (to be
 * supplied by a layer); otherwise the list is passed through.
 */
function externalsOf(spec: FunctionSpec, value: unknown): string[] {
  const list = value === undefined ? [] : listOf(value);
  if (!list.includes('./node_modules/*')) return list;
  const manifest = join(spec.codeDir, 'package.json');
  const deps = existsSync(manifest) ? Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: object }).dependencies ?? {}) : [];
  return [...list.filter((item) => item !== './node_modules/*'), ...deps];
}

function listOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((item) => item.trim()).filter(Boolean);
}

/** `['.png=dataurl', 'js=...']` (SAM's `--loader:.png=dataurl` form) → `{ '.png': 'dataurl', js: '...' }`. */
function pairs(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of Array.isArray(value) ? value.map(String) : [String(value)]) {
    const eq = item.indexOf('=');
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
