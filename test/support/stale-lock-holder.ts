import { connectFirestore } from "../../store/firestore/index.js";

// Run as its own process by `leaveStaleLock`: opens a transaction that reads one document, says
// so on stdout, and waits to be killed inside it.
const [projectId, databaseId, emulatorHost, path] = process.argv.slice(2);
if (!projectId || !databaseId || !emulatorHost || !path) {
  throw new Error("usage: stale-lock-holder <project> <database> <emulator host> <document path>");
}
const firestore = connectFirestore({ projectId, databaseId, emulatorHost });
await firestore.runTransaction(async (tx) => {
  await tx.get(firestore.doc(path));
  process.stdout.write("inside\n");
  await new Promise(() => {});
});
