import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import type { FirebaseEmulators } from "./support/emulator-context.js";
import {
  freePorts,
  killGroup,
  startAuthEmulator,
  startFirestoreEmulator,
  stopGroup,
} from "./support/emulator-processes.js";

/**
 * Starts the Firestore and Auth emulators for the test files that need them, on free ports and in
 * the background: tests wait for the one they use (`test/support/emulators.ts`), so the rest of
 * the run does not wait for the emulators to boot. The project id is a `demo-` one, unique to the
 * run, so nothing ever reaches Google.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "learnforge-emulators-"));
  const projectId = `demo-learnforge-${randomBytes(4).toString("hex")}`;
  const [firestore, auth, hub, logging] = await freePorts(4);
  if (!firestore || !auth || !hub || !logging) throw new Error("No free ports for the emulators");

  let children;
  try {
    children = [
      startFirestoreEmulator(logDir, projectId, firestore),
      startAuthEmulator(logDir, projectId, { auth, hub, logging }),
    ];
  } catch (error) {
    fs.rmSync(logDir, { recursive: true, force: true });
    throw error;
  }
  const killAll = () => children.forEach((child) => killGroup(child, "SIGKILL"));
  process.once("exit", killAll);

  const emulators: FirebaseEmulators = {
    projectId,
    firestoreHost: `127.0.0.1:${firestore}`,
    authHost: `127.0.0.1:${auth}`,
    logDir,
  };
  project.provide("firebaseEmulators", emulators);

  return async () => {
    process.off("exit", killAll);
    await Promise.all(children.map(stopGroup));
    fs.rmSync(logDir, { recursive: true, force: true });
  };
}
