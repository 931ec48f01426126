import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { learnerApi, type Learner, type LearnerApi } from "../clients/learner-api.js";
import { startNodeProcess, type NodeProcess } from "./node-process.js";

export interface FirestoreTarget {
  projectId: string;
  databaseId: string;
  emulatorHost: string;
}

export interface ProductServerOptions {
  /** SQLite in a fresh data folder unless a Firestore emulator is given. */
  firestore?: FirestoreTarget;
  /** A data folder to use (and keep) instead of a new one: a restart on the same data. */
  dataDir?: string;
  /**
   * The per-user turn limit and the busy rule are off unless `product` (the load phase measures
   * the server as it ships; the others measure what a turn costs, driving one user fast).
   */
  limits?: "off" | "product";
  /** More configuration, e.g. from `--server-env`; it has the last word. */
  env?: Record<string, string>;
  fileLimit?: number;
}

export interface ProductServer extends NodeProcess {
  api: LearnerApi;
  dataDir: string;
  sqlitePath: string;
  commanderUrl(learner: Learner, sessionId: string): string;
  allyUrl(learner: Learner, missionId: string): string;
}

const LIMITS_OFF = {
  TURNS_PER_MINUTE: "0",
  MAX_RUNNING_TURNS: "1000000",
  BUSY_EVENT_LOOP_DELAY_MS: "0",
};

/**
 * The product as `npm start` runs it (`server/main.ts` in its own process, local sign-in, the
 * scripted tutor unless `env` names a Gemini endpoint), on a store of its own.
 */
export async function startProductServer(
  options: ProductServerOptions = {},
): Promise<ProductServer> {
  const dataDir =
    options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "learnforge-bench-data-"));
  const sqlitePath = path.join(dataDir, "bench.sqlite");
  const store: Record<string, string> = options.firestore
    ? {
        STORE: "firestore",
        GOOGLE_CLOUD_PROJECT: options.firestore.projectId,
        FIRESTORE_DATABASE_ID: options.firestore.databaseId,
        FIRESTORE_EMULATOR_HOST: options.firestore.emulatorHost,
      }
    : { STORE: "sqlite", SQLITE_PATH: sqlitePath, GOOGLE_CLOUD_PROJECT: "" };
  const server = await startNodeProcess("server/main.ts", {
    hooks: true,
    fileLimit: options.fileLimit,
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      AUTH: "local",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      // The scripted tutor, whatever the shell says, unless the phase asks for Gemini.
      GOOGLE_API_KEY: "",
      ...(options.limits === "product" ? {} : LIMITS_OFF),
      ...store,
      ...options.env,
    },
  });
  const http = `http://127.0.0.1:${server.port}`;
  const ws = `ws://127.0.0.1:${server.port}`;
  return {
    ...server,
    api: learnerApi(http),
    dataDir,
    sqlitePath,
    commanderUrl: (learner, sessionId) =>
      `${ws}/api/v1/mission-commander/ws?session_id=${sessionId}&token=${learner.token}`,
    allyUrl: (learner, missionId) =>
      `${ws}/api/v1/mission-ally/ws?mission_id=${missionId}&token=${learner.token}`,
    async stop() {
      await server.stop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
