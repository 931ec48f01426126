import { startServer } from "./app.js";
import { FORK_UNAVAILABLE, type ForkRunner } from "./http/fork-route.js";
import { assembleServer } from "./compose.js";
import { ConfigError, loadConfig, secretsOf } from "./config.js";
import { ListenError } from "./listen.js";
import { scrubText } from "./log-redaction.js";
import { keepServingThroughUncaughtErrors } from "./process-guards.js";

let secrets: string[] = [];

async function main() {
  const config = loadConfig();
  secrets = secretsOf(config);
  // Forks replay conversations through the eval tooling, loaded when a graph page first forks.
  const fork: ForkRunner = async (store, request) => {
    const tooling = await import("../evals/fork/fork.js").catch((err: unknown) => {
      const missing = new Error(
        `This install cannot fork: the fork's tooling did not load (${(err as Error).message})`,
      );
      missing.name = FORK_UNAVAILABLE;
      throw missing;
    });
    return tooling.runFork(store, request);
  };
  const deps = await assembleServer(config, { fork });
  const { log, models, localIssuer, firebase } = deps;
  keepServingThroughUncaughtErrors(log);
  if (localIssuer) {
    log.warn(
      "AUTH=local: anyone who can reach this server can sign in through /api/v1/auth/dev-login",
      {
        host: config.host,
      },
    );
  }
  if (firebase && config.firebase.authEmulatorHost) {
    log.warn("AUTH=firebase on the Auth emulator: it accepts unsigned tokens, never use it live", {
      emulator: config.firebase.authEmulatorHost,
    });
  }
  if (models.kind === "scripted") {
    log.warn(
      "MODELS: scripted offline tutor (no GOOGLE_API_KEY); replies are deterministic scripts",
    );
  } else {
    log.info("MODELS: Gemini", { models: models.describe() });
  }
  log.info("store", { store: config.store });

  const server = await startServer(deps);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    server
      .shutdown()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error("shutdown failed", { error: err });
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  const expected = err instanceof ConfigError || err instanceof ListenError;
  const text = expected ? (err as Error).message : String((err as Error)?.stack ?? err);
  process.stderr.write(`${scrubText(text, secrets)}\n`);
  process.exit(1);
});
