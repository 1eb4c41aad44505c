// Jest transformer: TypeScript → CommonJS with esbuild, the compiler that already builds the Lambdas
// (one toolchain; types are checked separately by `tsc --noEmit`).
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

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
    return createHash('sha256').update(version).update(filename).update(source).digest('hex');
  },
};
