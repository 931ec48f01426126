import { Firestore } from "firebase-admin/firestore";

export interface FirestoreConnection {
  projectId: string;
  /** A named database; Firestore's `(default)` database when absent. */
  databaseId?: string;
  /** `host:port` of an emulator; production Firestore when absent. */
  emulatorHost?: string;
}

/**
 * A Firestore client of its own, so that closing a store releases exactly its connections and a
 * reopened store starts fresh (firebase-admin's `getFirestore` hands out one cached instance per
 * app and database for the life of the process). In production it authenticates the way
 * firebase-admin does with Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, the
 * gcloud login or the metadata server.
 */
export function connectFirestore({ projectId, databaseId, emulatorHost }: FirestoreConnection) {
  return new Firestore({
    projectId,
    // After an outage, reconnect within seconds rather than gRPC's default of up to two minutes.
    "grpc.max_reconnect_backoff_ms": 5_000,
    ...(databaseId ? { databaseId } : {}),
    ...(emulatorHost
      ? {
          host: emulatorHost,
          ssl: false,
          // Without this the client looks up Google's metadata server for a universe domain,
          // which an emulator never needs.
          universeDomain: "googleapis.com",
        }
      : {}),
  });
}
