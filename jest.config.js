/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuildTransform.js' },
  // One DynamoDB Local (in-memory) for the whole run; its endpoint reaches tests through the environment.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  testTimeout: 60_000,
  // Servers started by tests must stop themselves; this catches any that do not.
  detectOpenHandles: false,
  forceExit: false,
};
