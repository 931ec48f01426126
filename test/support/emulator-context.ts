/** Where this test run's Firebase emulators listen, handed from the global setup to the tests. */
export interface FirebaseEmulators {
  /** A `demo-` project id, unique to the run, so nothing ever reaches Google. */
  projectId: string;
  /** `host:port` of the Firestore emulator (the value FIRESTORE_EMULATOR_HOST takes). */
  firestoreHost: string;
  /** `host:port` of the Auth emulator (the value FIREBASE_AUTH_EMULATOR_HOST takes). */
  authHost: string;
  /** Holds each emulator's log and, once it has exited, an `<name>.exit` file. */
  logDir: string;
}

export type TestStore = "sqlite" | "firestore";

declare module "vitest" {
  export interface ProvidedContext {
    firebaseEmulators: FirebaseEmulators;
    /** The store the end-to-end suites run on; the `firestore` project sets it. */
    testStore: TestStore;
  }
}
