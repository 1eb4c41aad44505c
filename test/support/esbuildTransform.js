// Jest transformer: TypeScript → CommonJS with esbuild, the compiler that already builds the Lambdas
// (one toolchain; types are checked separately by `tsc --noEmit`).
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync, version } = require('esbuild');

// Jest caches transformed files across runs and checkouts: the key covers this file too, so a change to
// the options below is never answered with output made under the old ones.
const SELF = createHash('sha256').update(readFileSync(__filename)).update(version).digest('hex');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.js') ? 'js' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      // Jest runs CommonJS in a VM without ESM support: lower import() to require(), as ts-jest/swc do.
      supported: { 'dynamic-import': false },
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(SELF).update(filename).update(source).digest('hex');
  },
};
