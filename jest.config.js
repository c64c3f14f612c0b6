/** One jest run for the whole repo: unit specs (*.spec.ts) and integration specs (*.int-spec.ts). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      // Rewrites @crm/* imports at transform time (moduleNameMapper does not reach globalSetup).
      baseUrl: __dirname,
      paths: { '@crm/*': ['libs/*/src/index.ts'] },
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/tools', '<rootDir>/deploy'].filter((p) => require('fs').existsSync(p.replace('<rootDir>', __dirname))),
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@crm/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  testTimeout: 60_000,
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
};
