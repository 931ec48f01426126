import { randomBytes, randomUUID } from "node:crypto";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import {
  BaseCheckpointSaver,
  emptyCheckpoint,
  type CheckpointMetadata,
} from "@langchain/langgraph-checkpoint";
import type { Firestore } from "firebase-admin/firestore";
import { FirestoreSaver } from "../../store/firestore/index.js";
import { CHUNK_BYTES, MAX_INLINE_BYTES } from "../../store/firestore/payload.js";
import { firestoreThreadFootprint } from "../support/checkpoint-footprint.js";
import { buildDeltaChatGraph, chatTurn } from "../support/delta-chat-graph.js";
import type { FirebaseEmulators } from "../support/emulator-context.js";
import {
  clearFirestoreDatabase,
  emulatorFirestore,
  firestoreEmulator,
  uniqueDatabaseId,
} from "../support/emulators.js";
import { MAX_DOCUMENT_BYTES } from "../support/firestore-document-size.js";
import { describeTurnForks } from "./turn-forks.js";

let emulators: FirebaseEmulators;
let firestore: Firestore;
const databaseId = uniqueDatabaseId("saver");

beforeAll(async () => {
  emulators = await firestoreEmulator();
  firestore = emulatorFirestore(emulators, databaseId);
});
afterAll(async () => {
  await firestore.terminate();
  await clearFirestoreDatabase(emulators, databaseId);
});

/** A saver over a root collection of its own. */
function newSaver(): { saver: FirestoreSaver; root: string } {
  const root = `threads-${randomUUID()}`;
  return { saver: new FirestoreSaver({ firestore, root }), root };
}

describeTurnForks("FirestoreSaver", () => newSaver().saver);

const metadata: CheckpointMetadata = { source: "loop", step: 0, parents: {} };
const thread = (id: string) => ({ configurable: { thread_id: id, checkpoint_ns: "" } });

function sameBytes(actual: unknown, expected: Uint8Array): boolean {
  return actual instanceof Uint8Array && Buffer.from(actual).equals(Buffer.from(expected));
}

const texts = (messages: BaseMessage[]) => messages.map((m) => m.text);

describe("FirestoreSaver sizes", () => {
  async function putValue(saver: FirestoreSaver, threadId: string, value: Uint8Array) {
    const checkpoint = {
      ...emptyCheckpoint(),
      channel_values: { value },
      channel_versions: { value: 1 },
    };
    return saver.put(thread(threadId), checkpoint, metadata, { value: 1 });
  }

  it("keeps a value of the inline limit on its document and chunks one byte more", async () => {
    const { saver, root } = newSaver();
    const atLimit = new Uint8Array(MAX_INLINE_BYTES).fill(1);
    const overLimit = new Uint8Array(MAX_INLINE_BYTES + 1).fill(2);
    const large = randomBytes(3 * 1024 * 1024);
    await putValue(saver, "at-limit", atLimit);
    await putValue(saver, "over-limit", overLimit);
    await putValue(saver, "large", large);

    const chunks = async (id: string) =>
      (await firestore.collection(`${root}/${id}/chunks`).count().get()).data().count;
    expect(await chunks("at-limit")).toBe(0);
    expect(await chunks("over-limit")).toBe(1);
    expect(await chunks("large")).toBe(Math.ceil(large.length / CHUNK_BYTES));
    for (const [id, value] of [
      ["at-limit", atLimit],
      ["over-limit", overLimit],
      ["large", large],
    ] as const) {
      const tuple = await saver.getTuple(thread(id));
      expect(sameBytes(tuple?.checkpoint.channel_values.value, value)).toBe(true);
      const { largest } = await firestoreThreadFootprint(firestore, id, root);
      expect(largest.bytes).toBeGreaterThan(0);
      expect(largest.bytes).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    }
  });

  it("stores values too big for one commit, and big pending writes, in chunks", async () => {
    const { saver } = newSaver();
    const huge = randomBytes(12 * 1024 * 1024);
    const config = await putValue(saver, "huge", huge);
    const write = randomBytes(2 * 1024 * 1024);
    await saver.putWrites(config, [["value", write]], "task");

    const tuple = await saver.getTuple(config);
    expect(sameBytes(tuple?.checkpoint.channel_values.value, huge)).toBe(true);
    expect(tuple?.pendingWrites).toHaveLength(1);
    expect(sameBytes(tuple?.pendingWrites?.[0]?.[2], write)).toBe(true);
  });

  it("keeps every document under 1 MiB and the writes per turn flat as a chat grows", async () => {
    const { saver, root } = newSaver();
    // Big messages and frequent snapshots: snapshots soon outgrow one document.
    const graph = buildDeltaChatGraph(saver, { snapshotFrequency: 16, replyBytes: 12_000 });
    for (let turn = 1; turn <= 48; turn++) await chatTurn(graph, "long", `Question ${turn}`);

    const state = await graph.getState(thread("long"));
    expect(state.values.messages).toHaveLength(96);
    expect(state.values.messages.at(-2).text).toBe("Question 48");
    const { turns, largest } = await firestoreThreadFootprint(firestore, "long", root);
    expect(turns).toHaveLength(48);
    expect(largest.bytes).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    const chunkDocs = (await firestore.collection(`${root}/long/chunks`).count().get()).data();
    expect(chunkDocs.count).toBeGreaterThan(0);

    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
    const early = turns.slice(4, 14);
    const late = turns.slice(34, 44);
    expect(median(late.map((t) => t.bytes)) / median(early.map((t) => t.bytes))).toBeLessThan(1.1);
    expect(median(late.map((t) => t.writes))).toBe(median(early.map((t) => t.writes)));
  });
});

describe("FirestoreSaver forks", () => {
  it("keeps every branch of forks made with updateState and by replaying an old checkpoint", async () => {
    const { saver } = newSaver();
    const graph = buildDeltaChatGraph(saver);
    for (const text of ["one", "two", "three"]) await chatTurn(graph, "fork", text);
    const states = [];
    for await (const snapshot of graph.getStateHistory(thread("fork"))) states.push(snapshot);
    const [original, afterSecond, afterFirst] = states.filter((s) => s.values.turns > 0);
    if (!original || !afterSecond || !afterFirst) throw new Error("expected three turns");

    const forked = await graph.updateState(afterFirst.config, {
      messages: [new HumanMessage({ id: randomUUID(), content: "fork" })],
    });
    await graph.invoke(
      { messages: [new HumanMessage({ id: randomUUID(), content: "after the fork" })] },
      { configurable: forked.configurable, durability: "exit" },
    );
    const updated = await graph.getState(thread("fork"));
    // Replaying the first turn's checkpoint bumps the same channels as the second turn did, from
    // the same versions: with per-thread integer versions both would land in the same blobs.
    await graph.invoke(
      { messages: [new HumanMessage({ id: randomUUID(), content: "two, again" })] },
      { configurable: afterFirst.config.configurable, durability: "exit" },
    );
    const replayed = await graph.getState(thread("fork"));

    expect(texts(updated.values.messages)).toEqual([
      "one",
      "Reply 1: ",
      "fork",
      "after the fork",
      "Reply 2: ",
    ]);
    expect(updated.values).toMatchObject({ topic: "after the fork", turns: 2 });
    expect(texts(replayed.values.messages)).toEqual([
      "one",
      "Reply 1: ",
      "two, again",
      "Reply 2: ",
    ]);
    expect(replayed.values).toMatchObject({ topic: "two, again", turns: 2 });
    for (const before of [original, afterSecond]) {
      const again = await graph.getState(before.config);
      expect(texts(again.values.messages)).toEqual(texts(before.values.messages));
      expect(again.values).toEqual(before.values);
    }
    expect((await graph.getState(updated.config)).values).toEqual(updated.values);
    const versions = (await saver.getTuple(replayed.config))?.checkpoint.channel_versions ?? {};
    for (const version of Object.values(versions)) expect(version).toMatch(/^\d{32}\.\d{15}$/);
  });

  it("answers delta history as the ancestor walk does, for every checkpoint, without walking", async () => {
    const { saver } = newSaver();
    const graph = buildDeltaChatGraph(saver, { snapshotFrequency: 3 });
    for (let turn = 1; turn <= 8; turn++) await chatTurn(graph, "walk", `Question ${turn}`);
    let middle;
    for await (const snapshot of graph.getStateHistory(thread("walk"))) {
      if (snapshot.values.turns === 4) middle = snapshot;
    }
    if (!middle) throw new Error("no checkpoint after the fourth turn");
    const forked = await graph.updateState(middle.config, { topic: "forked" });
    for (let turn = 1; turn <= 3; turn++) {
      await graph.invoke(
        { messages: [new HumanMessage({ id: randomUUID(), content: `Fork ${turn}` })] },
        {
          configurable: turn === 1 ? forked.configurable : { thread_id: "walk" },
          durability: "exit",
        },
      );
    }

    let compared = 0;
    let seeded = 0;
    for await (const tuple of saver.list(thread("walk"))) {
      const request = { config: tuple.config, channels: ["messages"] };
      const walked = await BaseCheckpointSaver.prototype.getDeltaChannelHistory.call(
        saver,
        request,
      );
      const getTuple = vi.spyOn(saver, "getTuple");
      const queried = await saver.getDeltaChannelHistory(request);
      expect(getTuple).not.toHaveBeenCalled();
      getTuple.mockRestore();
      expect(queried).toEqual(walked);
      compared += 1;
      if (queried.messages?.seed !== undefined) seeded += 1;
    }
    expect(compared).toBeGreaterThan(12);
    expect(seeded).toBeGreaterThan(3);
  });
});

describe("FirestoreSaver writes", () => {
  it("stores concurrent puts and putWrites from many tasks, all of them", async () => {
    const { saver } = newSaver();
    const parent = await saver.put(thread("busy"), emptyCheckpoint(), metadata, {});
    const tasks = Array.from({ length: 20 }, (_, i) => `task-${String(i).padStart(2, "0")}`);
    const child = { ...emptyCheckpoint(), channel_values: { n: 1 }, channel_versions: { n: 1 } };

    await Promise.all([
      ...tasks.map((task, i) =>
        saver.putWrites(
          parent,
          [
            ["n", i],
            ["m", -i],
          ],
          task,
        ),
      ),
      saver.put(parent, child, { ...metadata, step: 1 }, { n: 1 }),
    ]);

    const stored = await saver.getTuple(parent);
    expect(stored?.pendingWrites).toHaveLength(40);
    expect(stored?.pendingWrites?.map(([task]) => task)).toEqual(tasks.flatMap((t) => [t, t]));
    expect((await saver.getTuple(thread("busy")))?.checkpoint.channel_values).toEqual({ n: 1 });
  });

  it("keeps the first of racing regular writes and lets special writes replace", async () => {
    const { saver } = newSaver();
    const config = await saver.put(thread("race"), emptyCheckpoint(), metadata, {});

    await Promise.all([
      saver.putWrites(config, [["answer", "first"]], "task"),
      saver.putWrites(config, [["answer", "second"]], "task"),
    ]);
    await saver.putWrites(
      config,
      [
        ["answer", "later"],
        ["extra", "added"],
      ],
      "task",
    );
    await saver.putWrites(config, [["__interrupt__", "pause 1"]], "task");
    await saver.putWrites(config, [["__interrupt__", "pause 2"]], "task");

    const writes = (await saver.getTuple(config))?.pendingWrites ?? [];
    expect(writes.filter(([, channel]) => channel === "answer")).toHaveLength(1);
    expect(["first", "second"]).toContain(writes.find(([, c]) => c === "answer")?.[2]);
    expect(writes).toContainEqual(["task", "extra", "added"]);
    expect(writes.filter(([, channel]) => channel === "__interrupt__")).toEqual([
      ["task", "__interrupt__", "pause 2"],
    ]);
  });

  it("keeps each write's task path and orders pending writes by it", async () => {
    const { saver } = newSaver();
    const config = await saver.put(thread("paths"), emptyCheckpoint(), metadata, {});
    await saver.putWrites(config, [["c", "from b"]], "task-1", "~__pregel_pull, b");
    await saver.putWrites(config, [["c", "from a"]], "task-2", "~__pregel_pull, a");
    await saver.putWrites(config, [["c", "input"]], "task-3");

    const writes = (await saver.getTuple(config))?.pendingWrites ?? [];
    expect(writes.map(([, , value]) => value)).toEqual(["input", "from a", "from b"]);
  });

  it("deletes a thread with all its checkpoints, blobs, writes and chunks", async () => {
    const { saver, root } = newSaver();
    const checkpoint = {
      ...emptyCheckpoint(),
      channel_values: { big: randomBytes(MAX_INLINE_BYTES * 2) },
      channel_versions: { big: 1 },
    };
    const config = await saver.put(thread("gone"), checkpoint, metadata, { big: 1 });
    await saver.putWrites(config, [["x", 1]], "task");
    await saver.put(thread("kept"), emptyCheckpoint(), metadata, {});

    await saver.deleteThread("gone");

    expect(await saver.getTuple(thread("gone"))).toBeUndefined();
    for (const name of ["checkpoints", "blobs", "writes", "chunks"]) {
      expect((await firestore.collection(`${root}/gone/${name}`).count().get()).data().count).toBe(
        0,
      );
    }
    expect(await saver.getTuple(thread("kept"))).toBeDefined();
  });

  it("rejects writes without a thread or checkpoint, and reads nothing for odd thread ids", async () => {
    const { saver } = newSaver();
    await expect(saver.put({}, emptyCheckpoint(), metadata, {})).rejects.toThrow("thread_id");
    await expect(saver.putWrites(thread("t"), [["a", 1]], "task")).rejects.toThrow("checkpoint_id");
    await expect(saver.getTuple({ configurable: { thread_id: 42 } })).rejects.toThrow(
      "must be a string",
    );
    for (const id of ["a/b", "..", "__x__", "ünïcödé 💬"]) {
      expect(await saver.getTuple(thread(id))).toBeUndefined();
      const config = await saver.put(thread(id), emptyCheckpoint(), metadata, {});
      expect((await saver.getTuple(config))?.config.configurable?.thread_id).toBe(id);
    }
    const listed = [];
    for await (const tuple of saver.list({})) listed.push(tuple.config.configurable?.thread_id);
    expect(listed.sort()).toEqual(["..", "__x__", "a/b", "ünïcödé 💬"]);
  });
});
