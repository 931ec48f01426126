import { randomBytes } from "node:crypto";
import type { Firestore } from "firebase-admin/firestore";
import { inject } from "vitest";
import { connectFirestore } from "../../store/firestore/index.js";
import type { FirebaseEmulators } from "./emulator-context.js";
import { untilAnswering } from "./emulator-processes.js";

const readiness = new Map<string, Promise<FirebaseEmulators>>();

function emulatorsOfThisRun(): FirebaseEmulators {
  const emulators = inject("firebaseEmulators");
  if (!emulators) {
    throw new Error(
      "This run has no Firebase emulators: files that use them belong to the `firestore` " +
        "project in vitest.config.ts (a file name containing `firestore` or `firebase` puts them there)",
    );
  }
  return emulators;
}

function whenAnswering(name: "firestore" | "auth"): Promise<FirebaseEmulators> {
  let ready = readiness.get(name);
  if (!ready) {
    const emulators = emulatorsOfThisRun();
    const host = name === "firestore" ? emulators.firestoreHost : emulators.authHost;
    ready = untilAnswering(name, host, emulators.logDir).then(() => emulators);
    readiness.set(name, ready);
  }
  return ready;
}

/** This run's emulators, once the Firestore emulator answers. */
export function firestoreEmulator(): Promise<FirebaseEmulators> {
  return whenAnswering("firestore");
}

/** This run's emulators, once the Auth emulator answers. */
export function authEmulator(): Promise<FirebaseEmulators> {
  return whenAnswering("auth");
}

/**
 * A Firestore database id that no other suite uses. Test files run in parallel, so each suite
 * works in its own database and never sees (or clears) another's documents.
 */
export function uniqueDatabaseId(prefix = "test"): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

/** A client for one database of the emulator, reached at `host` (the emulator itself by default). */
export function emulatorFirestore(
  emulators: FirebaseEmulators,
  databaseId: string,
  host = emulators.firestoreHost,
): Firestore {
  return connectFirestore({ projectId: emulators.projectId, databaseId, emulatorHost: host });
}

/** Deletes every document of one emulator database. */
export async function clearFirestoreDatabase(
  emulators: FirebaseEmulators,
  databaseId: string,
): Promise<void> {
  const url = `http://${emulators.firestoreHost}/emulator/v1/projects/${emulators.projectId}/databases/${databaseId}/documents`;
  const res = await fetch(url, { method: "DELETE" });
  if (!res.ok) {
    throw new Error(
      `Clearing Firestore database ${databaseId} failed: ${res.status} ${await res.text()}`,
    );
  }
}

/** Deletes every account in the Auth emulator. */
export async function clearAuthAccounts(emulators: FirebaseEmulators): Promise<void> {
  const url = `http://${emulators.authHost}/emulator/v1/projects/${emulators.projectId}/accounts`;
  const res = await fetch(url, { method: "DELETE" });
  if (!res.ok) throw new Error(`Clearing Auth emulator accounts failed: ${res.status}`);
}
