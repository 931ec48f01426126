import type { FirebaseEmulators } from "./emulator-context.js";
import { startTestServer, type TestServer } from "./test-server.js";

/** The real server with Firebase sign-in, on this run's Auth emulator. */
export function startFirebaseServer(emulators: FirebaseEmulators): Promise<TestServer> {
  return startTestServer({
    env: {
      AUTH: "firebase",
      HOST: "127.0.0.1",
      GOOGLE_CLOUD_PROJECT: emulators.projectId,
      FIREBASE_AUTH_EMULATOR_HOST: emulators.authHost,
    },
  });
}

/** A page's console errors other than the 400s and 401s of signing in and of being signed out. */
export const unexpectedErrors = (errors: string[]) =>
  errors.filter((e) => !/status of (400|401)/.test(e));

/** Every request went to the server or to Firebase Auth, and to nothing else. */
export function expectOnlyOrigins(requests: string[], origins: string[]): void {
  for (const url of requests) expect(origins).toContain(new URL(url).origin);
}
