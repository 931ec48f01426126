import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { openFirestoreStore } from "../../store/firestore/index.js";
import { createFirestoreLeaseStore } from "../../store/firestore/leases.js";
import type { Clock, MissionDraft, NewTranscriptEntry } from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import type { FirebaseEmulators } from "../support/emulator-context.js";
import {
  clearFirestoreDatabase,
  emulatorFirestore,
  firestoreEmulator,
  uniqueDatabaseId,
} from "../support/emulators.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { describeStoreContract, expectSurvivesReopen } from "./store-contract.js";

const databases = new Map<Store, string>();

/**
 * `firestore`, but its first batch commit fails with a bare UNKNOWN, as the emulator answers some
 * commits racing on one document: applied first (`landed`, an answer lost) or not.
 */
function failingFirstCommit(firestore: Firestore, landed: boolean): Firestore {
  let failures = 1;
  return new Proxy(firestore, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== "batch") return typeof value === "function" ? value.bind(target) : value;
      return () => {
        const batch = target.batch();
        const commit = batch.commit.bind(batch);
        batch.commit = async () => {
          if (failures-- <= 0) return commit();
          if (landed) await commit();
          throw Object.assign(new Error("2 UNKNOWN: "), { code: 2 });
        };
        return batch;
      };
    },
  });
}

async function openInNewDatabase(clock: Clock): Promise<Store> {
  const emulators = await firestoreEmulator();
  const databaseId = uniqueDatabaseId("contract");
  const store = openFirestoreStore(
    { projectId: emulators.projectId, databaseId, emulatorHost: emulators.firestoreHost },
    { clock },
  );
  databases.set(store, databaseId);
  return store;
}

// Every test gets an empty database of its own.
describeStoreContract("firestore emulator", openInNewDatabase, async (store) => {
  await store.close();
  await clearFirestoreDatabase(await firestoreEmulator(), databases.get(store) ?? "");
});

const draft: MissionDraft = {
  title: "Learn SQL joins",
  short_description: "Joins in an afternoon",
  description: "Inner, outer and cross joins.",
  level: "Beginner",
  topics_to_cover: ["inner join"],
  learning_goal: "Write a join",
  byte_size_checkpoints: ["Inner join", "Left join"],
  skills: ["SQL"],
  is_public: false,
};

describe("Firestore store", () => {
  let emulators: FirebaseEmulators;
  let databaseId: string;
  let store: Store;
  /** A second client on the same database, to inspect documents and plant data. */
  let raw: Firestore;

  const count = async (path: string) => (await raw.collection(path).count().get()).data().count;

  beforeEach(async () => {
    emulators = await firestoreEmulator();
    databaseId = uniqueDatabaseId("store");
    store = openFirestoreStore({
      projectId: emulators.projectId,
      databaseId,
      emulatorHost: emulators.firestoreHost,
    });
    raw = emulatorFirestore(emulators, databaseId);
  });

  afterEach(async () => {
    await Promise.all([store.close(), raw.terminate()]);
    await clearFirestoreDatabase(emulators, databaseId);
  });

  it("keeps each record in the upstream collection, with Firestore timestamps", async () => {
    await store.users.ensure({ uid: "uid-ada", name: "Ada" });
    const session = await store.commanderSessions.create("uid-ada");
    const { mission, enrollment, allySession } = await store.missions.createWithEnrollment({
      draft,
      creatorId: "uid-ada",
      commanderSessionId: session.id,
    });
    const config = { configurable: { thread_id: allySession.id, checkpoint_ns: "" } };
    await store.checkpointer.put(
      config,
      emptyCheckpoint(),
      { source: "input", step: -1, parents: {} },
      {},
    );

    const doc = async (path: string) => (await raw.doc(path).get()).data();
    expect(await doc("users/uid-ada")).toMatchObject({ firebase_uid: "uid-ada", name: "Ada" });
    expect((await doc("users/uid-ada"))?.created_at).toBeInstanceOf(Timestamp);
    expect(await doc(`missions/${mission.id}`)).toMatchObject({
      creator_id: "uid-ada",
      byte_size_checkpoints: draft.byte_size_checkpoints,
    });
    expect(await doc(`enrollments/uid-ada_${mission.id}`)).toMatchObject({
      user_id: "uid-ada",
      mission_id: mission.id,
      progress: 0,
    });
    expect(enrollment.id).toBe(`uid-ada_${mission.id}`);
    expect(await doc(`users/uid-ada/enrolled_missions/${mission.id}`)).toMatchObject({
      mission_title: draft.title,
    });
    expect(await doc(`session_logs/${session.id}`)).toMatchObject({
      user_id: "uid-ada",
      status: "completed",
      mission_id: mission.id,
    });
    expect(await doc(`enrollment_session_logs/${allySession.id}`)).toMatchObject({
      enrollment_id: enrollment.id,
      status: "created",
    });
    expect(await count(`langgraph_threads/${allySession.id}/checkpoints`)).toBe(1);
  });

  it("keeps missions, enrollments and checkpoints after close and reopen", async () => {
    store = await expectSurvivesReopen(store, () =>
      openFirestoreStore({
        projectId: emulators.projectId,
        databaseId,
        emulatorHost: emulators.firestoreHost,
      }),
    );
  });

  it("writes nothing of a mission when one of its documents cannot be written", async () => {
    const session = await store.commanderSessions.create("uid-ada");
    // Firestore refuses a field over 1 MiB, so the mission document fails inside the commit.
    const oversized = { ...draft, description: "x".repeat(1_100_000) };

    await expect(
      store.missions.createWithEnrollment({
        draft: oversized,
        creatorId: "uid-ada",
        commanderSessionId: session.id,
      }),
    ).rejects.toThrow(/longer than/);

    for (const path of ["missions", "enrollments", "enrollment_session_logs"]) {
      expect(await count(path)).toBe(0);
    }
    expect(await count("users/uid-ada/enrolled_missions")).toBe(0);
    expect(await store.commanderSessions.get(session.id)).toStrictEqual(session);

    const created = await store.missions.createWithEnrollment({
      draft,
      creatorId: "uid-ada",
      commanderSessionId: session.id,
    });
    for (const path of ["missions", "enrollments", "enrollment_session_logs"]) {
      expect(await count(path)).toBe(1);
    }
    expect((await store.commanderSessions.get(session.id))?.mission_id).toBe(created.mission.id);
  });

  it("leaves progress untouched when the dashboard copy cannot be updated", async () => {
    const { mission } = await store.missions.createWithEnrollment({ draft, creatorId: "uid-ada" });
    await raw.doc(`users/uid-ada/enrolled_missions/${mission.id}`).delete();

    await expect(
      store.enrollments.recordProgress("uid-ada", mission.id, {
        completed_checkpoints: ["Inner join"],
        progress: 50,
        completed: false,
      }),
    ).rejects.toThrow(/NOT_FOUND/);
    expect(await store.enrollments.get("uid-ada", mission.id)).toMatchObject({
      progress: 0,
      completed_checkpoints: [],
    });
  });

  it("updates the dashboard copy of every enrolled user", async () => {
    const { mission } = await store.missions.createWithEnrollment({ draft, creatorId: "uid-ada" });
    // No port enrolls a second user yet, so plant Bob's enrollment and copy directly.
    const ada = await raw.doc(`enrollments/uid-ada_${mission.id}`).get();
    await raw.doc(`enrollments/uid-bob_${mission.id}`).set({ ...ada.data(), user_id: "uid-bob" });
    const copy = await raw.doc(`users/uid-ada/enrolled_missions/${mission.id}`).get();
    await raw.doc(`users/uid-bob/enrolled_missions/${mission.id}`).set(copy.data() ?? {});

    await store.missions.update(mission.id, { title: "Renamed", skills: ["SQL", "Postgres"] });

    for (const uid of ["uid-ada", "uid-bob"]) {
      const [dashboardCopy] = await store.enrollments.listForUser(uid);
      expect(dashboardCopy?.mission_title).toBe("Renamed");
      expect(dashboardCopy?.mission_skills).toEqual(["SQL", "Postgres"]);
    }
  });

  it("treats ids Firestore cannot name as missing instead of failing", async () => {
    for (const id of ["a/b", ".", "..", "__reserved__", ""]) {
      expect(await store.missions.get(id)).toBeNull();
      expect(await store.missions.update(id, { title: "x" })).toBeNull();
      expect(await store.users.get(id)).toBeNull();
      expect(await store.users.update(id, { name: "x" })).toBeNull();
      expect(await store.enrollments.get(id, id)).toBeNull();
      expect(await store.enrollments.listForUser(id)).toStrictEqual([]);
      expect(await store.commanderSessions.get(id)).toBeNull();
      expect(await store.allySessions.getForEnrollment(id)).toBeNull();
      await expect(store.commanderSessions.setStatus(id, "error")).rejects.toThrow("not found");
      await expect(store.allySessions.markStarted(id)).rejects.toThrow("not found");
      await expect(
        store.enrollments.recordProgress(id, id, {
          completed_checkpoints: [],
          progress: 1,
          completed: false,
        }),
      ).rejects.toThrow("not enrolled");
    }
  });

  it("refuses calls once closed instead of leaving them hanging", async () => {
    const config = { configurable: { thread_id: "t", checkpoint_ns: "" } };
    await store.close();

    await expect(store.users.get("uid-ada")).rejects.toThrow("The store is closed");
    await expect(store.missions.get("m")).rejects.toThrow("The store is closed");
    await expect(store.checkpointer.getTuple(config)).rejects.toThrow("The store is closed");
    await expect(store.checkpointer.list(config).next()).rejects.toThrow("The store is closed");
    expect(typeof store.checkpointer.getNextVersion(undefined)).toBe("string");
  });

  it("lets calls already running finish before it closes", async () => {
    const running = store.users.ensure({ uid: "uid-ada", name: "Ada" });
    const closed = store.close();

    await expect(running).resolves.toMatchObject({ id: "uid-ada", name: "Ada" });
    await closed;
    await expect(store.users.get("uid-ada")).rejects.toThrow("The store is closed");
  });

  /** Runs `body` on a store with a 1 s deadline, reached through a proxy that can cut it off. */
  async function withStoreBehindProxy(body: (store: Store, proxy: TcpProxy) => Promise<void>) {
    const proxy = await TcpProxy.start(emulators.firestoreHost);
    const behindProxy = openFirestoreStore(
      { projectId: emulators.projectId, databaseId, emulatorHost: proxy.host },
      { timeoutMs: 1_000 },
    );
    try {
      await vi.waitFor(() => behindProxy.users.ensure({ uid: "uid-ada" }), { timeout: 15_000 });
      await body(behindProxy, proxy);
    } finally {
      proxy.restore();
      await behindProxy.close();
      await proxy.close();
    }
  }

  describe("closed under its callers", () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeEach(() => {
      unhandled.length = 0;
      process.on("unhandledRejection", onUnhandled);
    });
    afterEach(() => {
      process.off("unhandledRejection", onUnhandled);
    });
    /** Lets a read issued on a terminated client leak its rejection, if one was issued. */
    const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

    const listingOfThreeCheckpoints = async () => {
      const config = { configurable: { thread_id: "t", checkpoint_ns: "" } };
      for (let step = 0; step < 3; step++) {
        const metadata = { source: "loop" as const, step, parents: {} };
        await store.checkpointer.put(config, emptyCheckpoint(), metadata, {});
      }
      return store.checkpointer.list(config);
    };

    it("ends a listing under way with a clear error instead of reading on a closed client", async () => {
      const listing = await listingOfThreeCheckpoints();
      expect((await listing.next()).done).toBe(false);

      await store.close();

      await expect(listing.next()).rejects.toThrow("The store is closed");
      await settle();
      expect(unhandled).toEqual([]);
    });

    it("waits for a listing's step in flight before it terminates the client", async () => {
      const listing = await listingOfThreeCheckpoints();
      const first = listing.next();
      const closed = store.close();

      expect((await first).value).toMatchObject({ metadata: { source: "loop" } });
      await closed;
      await settle();
      expect(unhandled).toEqual([]);
    });

    it("keeps the client until a call it gave up on has settled, then terminates it", async () => {
      await withStoreBehindProxy(async (behindProxy, proxy) => {
        proxy.cut();
        await expect(behindProxy.users.get("uid-ada")).rejects.toThrow("did not answer");
        // The client goes on retrying the read it was given: closing must not end the client
        // under it, and must not wait for it either.
        const started = Date.now();
        await behindProxy.close();
        expect(Date.now() - started).toBeLessThan(3_000);
        await new Promise((resolve) => setTimeout(resolve, 6_000));
        proxy.restore();
        await settle();
        expect(unhandled).toEqual([]);
      });
    });

    it("gives a lease watch asked for while closing a stop function, and no listener", async () => {
      const closed = store.close();
      const stop = store.leases.watch("commander:s1", () => {});
      await closed;

      expect(typeof stop).toBe("function");
      expect(() => stop()).not.toThrow();
      await settle();
      expect(unhandled).toEqual([]);
    });
  });

  it("fails a call Firestore does not answer in time, and works again once it answers", async () => {
    await withStoreBehindProxy(async (behindProxy, proxy) => {
      proxy.cut();
      const started = Date.now();
      await expect(behindProxy.users.get("uid-ada")).rejects.toThrow(
        "Firestore did not answer within 1000 ms",
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      proxy.restore();
      await vi.waitFor(
        async () => expect(await behindProxy.users.get("uid-ada")).toMatchObject({ id: "uid-ada" }),
        { timeout: 15_000, interval: 500 },
      );
    });
  });

  it("takes a lease whose commit failed with an unknown outcome, whether it landed or not", async () => {
    for (const landed of [false, true]) {
      const key = `commander:${landed ? "landed" : "lost"}`;
      const leases = createFirestoreLeaseStore(failingFirstCommit(raw, landed), () => new Date());
      const { lease, tookOver } = await leases.acquire(key, "i1/1", 10_000);
      leases.stop();
      expect(lease).toMatchObject({ key, owner: "i1/1", token: 1 });
      expect(tookOver).toBe(false);
      expect(await store.leases.get(key)).toMatchObject({ owner: "i1/1", token: 1 });
      // The fence holds the same token: writes under it go through.
      const learner: NewTranscriptEntry = {
        id: "h1",
        role: "learner",
        agent: null,
        node: null,
        text: "Hi",
        turn_id: "h1",
      };
      await store.transcripts.append(key, [learner], { fence: 1 });
      expect(await store.transcripts.list(key)).toHaveLength(1);
    }
  });

  it("never hands one user's enrollment to another whose ids join to the same key", async () => {
    const { mission } = await store.missions.createWithEnrollment({ draft, creatorId: "a_b" });
    // `a_b` in mission M and `a` in mission `b_M` share the document id `a_b_M`.
    expect(await store.enrollments.get("a_b", mission.id)).not.toBeNull();
    expect(await store.enrollments.get("a", `b_${mission.id}`)).toBeNull();
    await expect(
      store.enrollments.recordProgress("a", `b_${mission.id}`, {
        completed_checkpoints: [],
        progress: 50,
        completed: false,
      }),
    ).rejects.toThrow("not enrolled");
  });
});
