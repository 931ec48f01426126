import { createModelFactory, type ModelFactory } from "../graphs/index.js";
import { loadFirestoreStore, openSqliteStore, type Store } from "../store/index.js";
import {
  LocalTokenVerifier,
  loadOrCreateSecret,
  type FirebaseTokenVerifier,
  type TokenVerifier,
} from "./auth/index.js";
import { ConfigError, type Config } from "./config.js";

// How the configuration picks each part. `main.ts` and the tests assemble the server the same way.

export async function openStore(config: Config): Promise<Store> {
  if (config.store === "sqlite") return openSqliteStore({ path: config.sqlitePath });
  const { projectId, databaseId, firestoreEmulatorHost, firestoreTimeoutMs } = config.firebase;
  if (!projectId) {
    throw new ConfigError("STORE=firestore needs GOOGLE_CLOUD_PROJECT, the Firebase project id");
  }
  return loadFirestoreStore(
    { projectId, databaseId, emulatorHost: firestoreEmulatorHost },
    { timeoutMs: firestoreTimeoutMs },
  );
}

export interface Verifiers {
  verifier: TokenVerifier;
  /** Present in local mode, where the server signs its own tokens. */
  localIssuer?: LocalTokenVerifier;
  /** Present in firebase mode: it also issues and revokes Firebase session cookies. */
  firebase?: FirebaseTokenVerifier;
}

export async function createVerifiers(config: Config): Promise<Verifiers> {
  if (config.auth === "firebase") {
    const { projectId, authEmulatorHost } = config.firebase;
    if (!projectId) {
      throw new ConfigError("AUTH=firebase needs GOOGLE_CLOUD_PROJECT, the Firebase project id");
    }
    // firebase-admin's Auth client loads only here, so local sign-in never pays for it.
    const { openFirebaseVerifier } = await import("./auth/firebase-verifier.js");
    const firebase = openFirebaseVerifier({
      projectId,
      emulatorHost: authEmulatorHost,
      cacheTtlSeconds: config.authCache.ttlSeconds,
      cacheMaxEntries: config.authCache.maxEntries,
    });
    return { verifier: firebase, firebase };
  }
  // A shared LOCAL_AUTH_SECRET lets several instances accept each other's tokens; otherwise each
  // instance signs with a secret of its own, kept in its data folder.
  const secret = config.localAuthSecret
    ? Buffer.from(config.localAuthSecret, "utf8")
    : loadOrCreateSecret(config.dataDir);
  const issuer = new LocalTokenVerifier(secret, config.localTokenTtlSeconds);
  return { verifier: issuer, localIssuer: issuer };
}

export function createModels(config: Config): ModelFactory {
  return createModelFactory(config.models);
}
