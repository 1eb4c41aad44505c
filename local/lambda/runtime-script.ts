import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const scripts = new Map<string, { promise: Promise<string>; settled: boolean }>();

/**
 * The bootstrap as one plain-JavaScript file under `buildDir`, built once per build directory. ES module
 * output, so a handler bundled as `.mjs` can be loaded with a native import().
 */
export function runtimeScript(buildDir: string): Promise<string> {
  const outfile = join(buildDir, '_runtime', 'bootstrap.mjs');
  const known = scripts.get(outfile);
  // A build directory may have been deleted (and made again) since: only trust a file that is there.
  if (known && (!known.settled || existsSync(outfile))) return known.promise;
  const entry = { promise: Promise.resolve(''), settled: false };
  entry.promise = build({
    entryPoints: [join(__dirname, 'bootstrap.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  }).then(
    () => {
      entry.settled = true;
      return outfile;
    },
    (error: unknown) => {
      // A failed build must not be remembered: the next cold start tries again.
      scripts.delete(outfile);
      throw error;
    },
  );
  scripts.set(outfile, entry);
  return entry.promise;
}
