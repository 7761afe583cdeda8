/** Jest runs TypeScript through SWC (fast); types are checked separately by `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'], '^.+\\.mjs$': ['@swc/jest'] },
  // Garden's forms and dropdowns require react-merge-refs, which ships ES modules only.
  transformIgnorePatterns: ['/node_modules/(?!react-merge-refs/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  setupFiles: ['<rootDir>/test/helpers/block-network.ts', '<rootDir>/test/helpers/jsdom-polyfills.ts'],
  testTimeout: 20000,
};
