import type { CollectionReference, DocumentReference, Firestore } from "firebase-admin/firestore";
import type { RunTransaction } from "./bounded-transaction.js";

/** The domain collections, named as the upstream service named them. */
export interface Collections {
  firestore: Firestore;
  /** Runs a transaction within the store's time budget (`boundedTransactions`). */
  transaction: RunTransaction;
  /** `users/{uid}`, keyed by Firebase uid. */
  users: CollectionReference;
  /** `missions/{missionId}`. */
  missions: CollectionReference;
  /** `enrollments/{uid}_{missionId}`. */
  enrollments: CollectionReference;
  /** `session_logs/{id}`: Mission Commander sessions. */
  commanderSessions: CollectionReference;
  /** `enrollment_session_logs/{id}`: Mission Ally sessions, one per enrollment. */
  allySessions: CollectionReference;
  /** `transcripts/{threadId}`: each conversation's transcript log, in `entries`. */
  transcripts: CollectionReference;
}

/** The subcollection holding a user's dashboard copies: `users/{uid}/enrolled_missions/{missionId}`. */
export const DASHBOARD_COPIES = "enrolled_missions";

export function collections(firestore: Firestore, transaction: RunTransaction): Collections {
  return {
    firestore,
    transaction,
    users: firestore.collection("users"),
    missions: firestore.collection("missions"),
    enrollments: firestore.collection("enrollments"),
    commanderSessions: firestore.collection("session_logs"),
    allySessions: firestore.collection("enrollment_session_logs"),
    transcripts: firestore.collection("transcripts"),
  };
}

/**
 * Ids arrive from URLs and tokens. One that Firestore cannot use as a document id ("a/b", "..",
 * "__x__", too long) names a document that does not exist, rather than failing the request.
 */
export function isDocumentId(id: string): boolean {
  return (
    id.length > 0 &&
    Buffer.byteLength(id) <= 1500 &&
    !id.includes("/") &&
    id !== "." &&
    id !== ".." &&
    !/^__.*__$/.test(id)
  );
}

export function documentIn(collection: CollectionReference, id: string): DocumentReference | null {
  return isDocumentId(id) ? collection.doc(id) : null;
}

export function dashboardCopies(c: Collections, uid: string): CollectionReference | null {
  return documentIn(c.users, uid)?.collection(DASHBOARD_COPIES) ?? null;
}
