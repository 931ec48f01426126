import {
  Timestamp,
  type DocumentReference,
  type Firestore,
  type Transaction,
  type WriteBatch,
} from "firebase-admin/firestore";
import { LeaseLostError } from "../errors.js";
import { NOT_FOUND, hasStatus } from "./grpc-status.js";
import { encodeKey } from "./saver-keys.js";

/** `conversation_leases/{key}`: each conversation's lease. */
export const LEASES = "conversation_leases";

export const leaseDoc = (firestore: Firestore, key: string): DocumentReference =>
  firestore.collection(LEASES).doc(encodeKey(key));

/**
 * `conversation_leases/{key}/fences/{token}` exists exactly while `token` is the lease's current
 * one: a takeover deletes the old token's document and creates the new one, in the same commit
 * that changes the lease.
 */
export const fenceDoc = (firestore: Firestore, key: string, token: number): DocumentReference =>
  leaseDoc(firestore, key).collection("fences").doc(String(token));

/**
 * Adds the fence check to a batch or transaction: an update of the token's fence document, which
 * fails the whole commit (NOT_FOUND) once the token is no longer current. An update rather than a
 * read, so the check takes no lock and a batch can make it.
 */
export function addFence(
  writer: WriteBatch | Transaction,
  firestore: Firestore,
  key: string,
  token: number | null,
): void {
  if (token === null) return;
  (writer as WriteBatch).update(fenceDoc(firestore, key, token), { checked_at: Timestamp.now() });
}

/** Runs a commit that carried `addFence`, turning its failure into `LeaseLostError`. */
export async function fencedCommit<T>(
  key: string,
  token: number | null,
  commit: () => Promise<T>,
): Promise<T> {
  try {
    return await commit();
  } catch (error) {
    if (token !== null && hasStatus(error, NOT_FOUND)) {
      throw Object.assign(new LeaseLostError(key, token), { cause: error });
    }
    throw error;
  }
}
