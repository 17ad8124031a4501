/**
 * Jest runs TypeScript through SWC (fast, no type-check); `npm run typecheck` type-checks
 * separately, so tests stay quick on two cores.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript", tsx: true } } }],
  },
  testMatch: ["**/__tests__/**/*.test.ts", "**/test/**/*.test.ts", "**/*.test.ts", "**/*.test.tsx"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/out/", "/.sandbox/"],
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/out/"],
  testTimeout: 20000,
  // Most suites wait on servers they start (emulators, Azurite, Chromium), not on the CPU, so two
  // workers on two cores nearly halve the run (745 s → 406 s measured, same suites) where Jest's
  // default of cores - 1 would use one.
  maxWorkers: 2,
};
