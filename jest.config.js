/** Jest runs the TypeScript sources as native ES modules through ts-jest (type-checking is `npm run typecheck`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  reporters: ['default', '<rootDir>/tests/plain-summary-reporter.js'],
  // Replays are deterministic and CPU-bound; two workers fit the 2-core machines.
  maxWorkers: 2,
};
