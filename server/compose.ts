import { createModelFactory, type ModelFactory } from "../graphs/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { LocalTokenVerifier, loadOrCreateSecret, type TokenVerifier } from "./auth/index.js";
import { ConfigError, type Config } from "./config.js";

// How the configuration picks each part. `main.ts` and the tests assemble the server the same way.

export function openStore(config: Config): Store {
  if (config.store === "firestore") {
    throw new ConfigError("STORE=firestore is not available in this build");
  }
  return openSqliteStore({ path: config.sqlitePath });
}

export interface Verifiers {
  verifier: TokenVerifier;
  /** Present in local mode, where the server signs its own tokens. */
  localIssuer?: LocalTokenVerifier;
}

export function createVerifiers(config: Config): Verifiers {
  if (config.auth === "firebase") {
    throw new ConfigError("AUTH=firebase is not available in this build");
  }
  const issuer = new LocalTokenVerifier(
    loadOrCreateSecret(config.dataDir),
    config.localTokenTtlSeconds,
  );
  return { verifier: issuer, localIssuer: issuer };
}

export function createModels(config: Config): ModelFactory {
  return createModelFactory(config.models);
}
