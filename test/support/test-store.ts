import { inject } from "vitest";
import { clearFirestoreDatabase, firestoreEmulator, uniqueDatabaseId } from "./emulators.js";

export interface TestStoreEnv {
  /** Environment that points a server at the store (empty for the default SQLite). */
  env: Record<string, string>;
  /** Deletes what the server stored, where that outlives the server. */
  drop(): Promise<void>;
}

/**
 * The store this test project runs servers on: the default (SQLite, as configured by the caller),
 * or, in the `firestore` project, a database of its own on the Firestore emulator.
 */
export async function testStoreEnv(): Promise<TestStoreEnv> {
  if (inject("testStore") !== "firestore") return { env: {}, drop: async () => {} };
  const emulators = await firestoreEmulator();
  const databaseId = uniqueDatabaseId("server");
  return {
    env: {
      STORE: "firestore",
      AUTH: "local",
      GOOGLE_CLOUD_PROJECT: emulators.projectId,
      FIRESTORE_DATABASE_ID: databaseId,
      FIRESTORE_EMULATOR_HOST: emulators.firestoreHost,
    },
    drop: () => clearFirestoreDatabase(emulators, databaseId),
  };
}
