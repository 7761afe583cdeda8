/** Jest runs TypeScript through SWC (fast); types are checked separately by `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  setupFiles: ['<rootDir>/test/helpers/block-network.ts', '<rootDir>/test/helpers/jsdom-polyfills.ts'],
  testTimeout: 20000,
};
