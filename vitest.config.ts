import { configDefaults, defineConfig } from "vitest/config";

// Files that need the Firebase emulators say so in their names. They run in the `firestore`
// project, whose global setup starts the emulators, so runs without such files never start them.
// (Projects extend this config, and arrays such as `include` merge, so each project sets its own.)
const ON_EMULATORS = ["test/**/*firestore*.test.ts", "test/**/*firebase*.test.ts"];
// End-to-end suites that run a second time, in the `firestore` project, with the server on
// Firestore (`test/support/test-store.ts` reads the `testStore` it provides).
const E2E_ON_BOTH_STORES = [
  "test/e2e/commander.test.ts",
  "test/e2e/ally.test.ts",
  "test/e2e/ally-rest.test.ts",
  "test/e2e/sessions-http.test.ts",
  "test/e2e/restart.test.ts",
  "test/e2e/checkpoint-positions.test.ts",
  "test/e2e/transcript.test.ts",
  "test/e2e/crash.test.ts",
  "test/e2e/fork.test.ts",
];

export default defineConfig({
  test: {
    globals: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "default",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...ON_EMULATORS],
        },
      },
      {
        extends: true,
        test: {
          name: "firestore",
          include: [...ON_EMULATORS, ...E2E_ON_BOTH_STORES],
          globalSetup: ["test/global-setup-emulators.ts"],
          provide: { testStore: "firestore" },
          // These files mostly wait on the emulator, so more of them run at once, after the
          // default project (vitest runs projects with different worker counts in turn), and a
          // whole conversation on the emulator gets more time than one in memory.
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
          testTimeout: 40_000,
        },
      },
    ],
  },
});
