export { firebaseApp } from "./firebase-app.js";
export { connectFirestore, type FirestoreConnection } from "./firestore-client.js";
export { DEFAULT_CHECKPOINT_ROOT, FirestoreSaver } from "./firestore-saver.js";
export { openFirestoreStore, type FirestoreStoreOptions } from "./open-firestore-store.js";
export {
  DEFAULT_TRANSACTION_LIMITS,
  boundedTransactions,
  type BoundedTransactions,
  type RunTransaction,
  type TransactionLimits,
} from "./bounded-transaction.js";
