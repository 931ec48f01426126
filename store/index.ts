export type * from "./ports.js";
export { StoreBusyError, isStoreBusy } from "./errors.js";
export { readTranscript } from "./read-transcript.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite/open-sqlite-store.js";
export { loadFirestoreStore } from "./load-firestore-store.js";
export type { FirestoreConnection } from "./firestore/firestore-client.js";
export type { FirestoreStoreOptions } from "./firestore/open-firestore-store.js";
export type { TransactionLimits } from "./firestore/bounded-transaction.js";
export { TURN_ID, turnOf } from "./turns.js";
