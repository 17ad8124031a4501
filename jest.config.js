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
};
