const shared = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: {
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true }],
  },
  roots: ["<rootDir>/test"],
};

/**
 * Every suite runs on the default store (SQLite). The suites that touch a store (the store's
 * own, the sweep, the command line, end to end) run again on PostgreSQL: same tests, same
 * assertions. THREADLINE_TEST_STORES=sqlite leaves the second run out, and says so.
 */
const projects = [
  {
    ...shared,
    displayName: "sqlite",
    testMatch: ["**/*.test.ts"],
    // Several App processes on one database: PostgreSQL only (one process owns an SQLite file).
    testPathIgnorePatterns: ["/node_modules/", "/test/replicas/"],
  },
];
if (process.env.THREADLINE_TEST_STORES !== "sqlite") {
  projects.push({
    ...shared,
    displayName: "postgres",
    testMatch: [
      "**/test/store/**/*.test.ts",
      "**/test/cli/**/*.test.ts",
      "**/test/e2e/**/*.test.ts",
      "**/test/replicas/**/*.test.ts",
      "**/test/delivery/create-redelivery-sweep.test.ts",
      "**/test/delivery/apply-post.test.ts",
      "**/test/delivery/create-worker.test.ts",
      "**/test/config/shared-config-changes.test.ts",
    ],
    setupFiles: ["<rootDir>/test/helpers/use-postgres.js"],
  });
}

/** @type {import('jest').Config} */
export default {
  globalSetup: "<rootDir>/test/helpers/postgres-global-setup.js",
  globalTeardown: "<rootDir>/test/helpers/postgres-global-teardown.js",
  testTimeout: 20000,
  projects,
};
