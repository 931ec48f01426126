import { createModelFactory, type ModelFactory } from "../graphs/index.js";
import { loadFirestoreStore, openSqliteStore, type Store } from "../store/index.js";
import { LocalTokenVerifier, loadOrCreateSecret } from "./auth/index.js";
import { startServer, type RunningServer, type ServerDeps } from "./app.js";
import { ConfigError, secretsOf, type Config } from "./config.js";
import { createLogger } from "./log.js";

// How the configuration picks each part of the server, and the one place the parts are put
// together: `main.ts`, the tests, the eval harness and the benchmarks all build their server here.

export async function openStore(config: Config): Promise<Store> {
  if (config.store === "sqlite") return openSqliteStore({ path: config.sqlitePath });
  const { projectId, databaseId, firestoreEmulatorHost, firestoreTimeoutMs, transactions } =
    config.firebase;
  if (!projectId) {
    throw new ConfigError("STORE=firestore needs GOOGLE_CLOUD_PROJECT, the Firebase project id");
  }
  return loadFirestoreStore(
    { projectId, databaseId, emulatorHost: firestoreEmulatorHost },
    { timeoutMs: firestoreTimeoutMs, transactions },
  );
}

export type Verifiers = Pick<ServerDeps, "verifier" | "localIssuer" | "firebase">;

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

/** Parts that replace what the configuration would pick. */
export type ServerOverrides = Partial<Omit<ServerDeps, "config">>;

/**
 * Everything the server runs on, as the configuration picks it. `overrides` replaces any part:
 * a model factory that fails on purpose, a store the caller opened, a verifier for test tokens
 * (with the issuer and Firebase parts that go with it, if any).
 */
export async function assembleServer(
  config: Config,
  overrides: ServerOverrides = {},
): Promise<ServerDeps> {
  const log = overrides.log ?? createLogger(config.logLevel, undefined, secretsOf(config));
  const { verifier, localIssuer, firebase } = overrides.verifier
    ? { ...overrides, verifier: overrides.verifier }
    : await createVerifiers(config);
  const models = overrides.models ?? createModels(config);
  const store = overrides.store ?? (await openStore(config));
  return { config, log, store, models, verifier, localIssuer, firebase, fork: overrides.fork };
}

/** A listening server and the parts it runs on. */
export interface BuiltServer extends RunningServer, ServerDeps {}

/** Assembles the server from `config` (and `overrides`) and starts it listening. */
export async function buildServer(
  config: Config,
  overrides: ServerOverrides = {},
): Promise<BuiltServer> {
  const deps = await assembleServer(config, overrides);
  try {
    return { ...deps, ...(await startServer(deps)) };
  } catch (err) {
    if (!overrides.store) await deps.store.close();
    throw err;
  }
}
