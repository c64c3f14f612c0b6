/** One jest run for the whole repo: unit specs (*.spec.ts) and integration specs (*.int-spec.ts). */
const fs = require('node:fs');

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

// jose ships only ES modules and jest loads CommonJS: its files go through swc as well.
const swcEsm = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  roots: ['libs', 'apps', 'tools', 'deploy', 'tests'].filter((d) => fs.existsSync(`${__dirname}/${d}`)).map((d) => `<rootDir>/${d}`),
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  transform: { '^.+\\.ts$': swc, '/node_modules/jose/.+\\.js$': swcEsm },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: { '^@crm/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  testTimeout: 60_000,
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
};
