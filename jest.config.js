// Two tiers: `unit` (synth + matchers, seconds) and `integration` (real terraform, providers, docker).
// TypeScript is compiled by swc (fast, no type check); `npm run typecheck` runs tsc separately.
const transform = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
};
const common = {
  testEnvironment: "node",
  transform,
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  modulePathIgnorePatterns: ["<rootDir>/cdktf.out", "<rootDir>/dist"],
};

module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/__tests__/unit/**/*.test.ts"] },
    { ...common, displayName: "integration", testMatch: ["<rootDir>/__tests__/integration/**/*.test.ts"], slowTestThreshold: 120 },
  ],
};
