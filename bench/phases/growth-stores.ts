import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { connectFirestore } from "../../store/firestore/index.js";
import {
  firestoreThreadFootprint,
  sqliteThreadFootprint,
  type ThreadFootprint,
} from "../../test/support/checkpoint-footprint.js";
import {
  freePorts,
  startFirestoreEmulator,
  stopGroup,
  untilAnswering,
} from "../../test/support/emulator-processes.js";
import { stopOnInterrupt } from "../targets/on-interrupt.js";
import { startProductServer, type ProductServer } from "../targets/product-server.js";

/** The product on one store, with a way to read back what a thread stored there. */
export interface StoreUnderTest {
  server: ProductServer;
  footprint(threadId: string): Promise<ThreadFootprint>;
  stop(): Promise<void>;
}

export async function onSqlite(env: Record<string, string>): Promise<StoreUnderTest> {
  const server = await startProductServer({ env });
  return {
    server,
    async footprint(threadId) {
      const db = new Database(server.sqlitePath, { readonly: true });
      try {
        return sqliteThreadFootprint(db, threadId);
      } finally {
        db.close();
      }
    },
    stop: () => server.stop(),
  };
}

/**
 * The product on a Firestore emulator of its own. Throws when Java or the emulator is missing
 * (the phase then skips this store and says why).
 */
export async function onFirestoreEmulator(env: Record<string, string>): Promise<StoreUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "learnforge-bench-firestore-"));
  const projectId = `demo-learnforge-${randomBytes(4).toString("hex")}`;
  const [port] = await freePorts(1);
  const emulatorHost = `127.0.0.1:${port}`;
  let emulator: ChildProcess;
  try {
    emulator = startFirestoreEmulator(dir, projectId, port!);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stopEmulator = stopOnInterrupt(async () => {
    await stopGroup(emulator);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  try {
    await untilAnswering("firestore", emulatorHost, dir);
    const target = { projectId, databaseId: "bench", emulatorHost };
    const server = await startProductServer({ firestore: target, env });
    const client = connectFirestore(target);
    return {
      server,
      footprint: (threadId) => firestoreThreadFootprint(client, threadId),
      async stop() {
        await client.terminate();
        await server.stop();
        await stopEmulator();
      },
    };
  } catch (err) {
    await stopEmulator();
    throw err;
  }
}
