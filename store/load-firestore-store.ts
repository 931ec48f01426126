import type { FirestoreConnection } from "./firestore/firestore-client.js";
import type { FirestoreStoreOptions } from "./firestore/open-firestore-store.js";
import type { Store } from "./ports.js";

/**
 * Opens the Firestore store. The adapter and its gRPC client (about half a second and 60 MB) load
 * only here, so a server on the embedded SQLite store never pays for them.
 */
export async function loadFirestoreStore(
  connection: FirestoreConnection,
  options: FirestoreStoreOptions = {},
): Promise<Store> {
  const { openFirestoreStore } = await import("./firestore/index.js");
  return openFirestoreStore(connection, options);
}
