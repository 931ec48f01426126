import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import type { FirebaseEmulators } from "../support/emulator-context.js";
import {
  freePorts,
  startFirestoreEmulator,
  stopGroup,
  untilAnswering,
} from "../support/emulator-processes.js";
import { emulatorFirestore, firestoreEmulator } from "../support/emulators.js";
import { GIT_MISSION } from "../support/missions.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { interview } from "../support/whole-mission.js";
import { TestSocket } from "../support/ws-client.js";

const RULES_FILE = fileURLToPath(new URL("../../firestore.rules", import.meta.url));

let emulators: FirebaseEmulators;
// An emulator of its own, started with the rules as production deploys them; the run's shared
// emulator has none, so client access to it is open.
let ruled: { child: ChildProcess; dir: string; host: string };
let server: TestServer;
let admin: Firestore;
let uid: string;

/** An ID token for `uid`, as a client SDK sends it; the emulator does not check signatures. */
function clientToken(userId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({
    iss: `https://securetoken.google.com/${emulators.projectId}`,
    aud: emulators.projectId,
    sub: userId,
    user_id: userId,
    iat: now,
    exp: now + 3600,
    auth_time: now,
    firebase: { sign_in_provider: "password", identities: {} },
  })}.`;
}

/** Firestore's REST API, as a signed-in client (a uid), signed out (null), or the Admin SDK. */
function client(as: string | null | "owner", host = ruled.host) {
  const base = `http://${host}/v1/projects/${emulators.projectId}/databases/${server.config.firebase.databaseId}/documents`;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (as === "owner") headers.Authorization = "Bearer owner";
  else if (as) headers.Authorization = `Bearer ${clientToken(as)}`;
  // Checkpoint ids hold characters (":") that a URL path must escape.
  const url = (path: string) => `${base}/${path.split("/").map(encodeURIComponent).join("/")}`;
  const status = async (target: string, init: RequestInit = {}) =>
    (await fetch(target, { headers, signal: AbortSignal.timeout(10_000), ...init })).status;
  return {
    get: (path: string) => status(url(path)),
    write: (path: string) =>
      status(url(path), {
        method: "PATCH",
        body: JSON.stringify({ fields: { hacked: { booleanValue: true } } }),
      }),
    query: (collectionId: string) =>
      status(`${base}:runQuery`, {
        method: "POST",
        body: JSON.stringify({
          structuredQuery: { from: [{ collectionId, allDescendants: true }] },
        }),
      }),
  };
}

/** Every document the server wrote, however deep. */
async function allDocuments(): Promise<DocumentReference[]> {
  const found: DocumentReference[] = [];
  const walk = async (collections: FirebaseFirestore.CollectionReference[]) => {
    for (const collection of collections) {
      for (const doc of await collection.listDocuments()) {
        if ((await doc.get()).exists) found.push(doc);
        await walk(await doc.listCollections());
      }
    }
  };
  await walk(await admin.listCollections());
  return found;
}

beforeAll(async () => {
  emulators = await firestoreEmulator();
  const dir = mkdtempSync(join(tmpdir(), "learnforge-rules-"));
  const [port] = await freePorts(1);
  const host = `127.0.0.1:${port}`;
  ruled = { child: startFirestoreEmulator(dir, emulators.projectId, port!, RULES_FILE), dir, host };
  await untilAnswering("firestore", host, dir);
  server = await startTestServer({ env: { FIRESTORE_EMULATOR_HOST: host } });
  admin = emulatorFirestore(emulators, server.config.firebase.databaseId ?? "", host);
  const login = await server.login("ada@example.com", "Ada");
  uid = login.uid;
  // A learner's whole footprint: an interview that created a mission, and an Ally turn.
  const { frames } = await interview(`127.0.0.1:${server.port}`, login.token);
  expect(frames.at(-1)?.type).toBe("mission_created");
  const enrolled = await fetch(`${server.http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers: { Authorization: `Bearer ${login.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ...GIT_MISSION, is_public: true }),
  });
  const { mission } = (await enrolled.json()) as { mission: { id: string } };
  const ally = new TestSocket(
    `${server.ws}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${login.token}`,
  );
  await ally.waitFor("connected");
  ally.send({ type: "user_message", message: "Hi!" });
  await ally.waitFor("agent_processing_end");
  ally.close();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await admin?.terminate();
  if (ruled) {
    await stopGroup(ruled.child);
    rmSync(ruled.dir, { recursive: true, force: true });
  }
});

describe("firestore.rules", () => {
  it("denies client SDKs every document the server writes, even the learner's own", async () => {
    const documents = await allDocuments();
    const collections = new Set(documents.map((d) => d.parent.id));
    for (const expected of [
      "users",
      "enrolled_missions",
      "missions",
      "enrollments",
      "session_logs",
      "enrollment_session_logs",
      "checkpoints",
    ]) {
      expect(collections, expected).toContain(expected);
    }

    // The same request succeeds on an emulator without rules, so a refusal below is the rules' doing.
    const open = emulatorFirestore(emulators, server.config.firebase.databaseId ?? "");
    const [sample] = documents;
    await open.doc(sample!.path).set((await sample!.get()).data() ?? {});
    await open.terminate();
    expect(await client(uid, emulators.firestoreHost).get(sample!.path)).toBe(200);

    for (const as of [uid, null]) {
      const someone = client(as);
      const attempts = [
        ...documents.flatMap((doc) => [
          { what: `reads ${doc.path}`, status: someone.get(doc.path) },
          { what: `writes ${doc.path}`, status: someone.write(doc.path) },
        ]),
        ...[...collections].flatMap((collection) => [
          { what: `queries ${collection}`, status: someone.query(collection) },
          { what: `creates in ${collection}`, status: someone.write(`${collection}/new-doc`) },
        ]),
      ];
      for (const { what, status } of attempts) expect(await status, `${as} ${what}`).toBe(403);
    }
    // The server's own access is untouched.
    const owner = client("owner");
    const ownerReads = await Promise.all(documents.map((doc) => owner.get(doc.path)));
    expect(ownerReads.every((status) => status === 200)).toBe(true);
  });
});
