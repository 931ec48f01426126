import {
  DeltaSnapshot,
  emptyCheckpoint,
  uuid6,
  type BaseCheckpointSaver,
  type ChannelVersions,
} from "@langchain/langgraph-checkpoint";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation";

const meta = { source: "loop" as const, step: 0, parents: {} };

/**
 * `getDeltaChannelHistory` on a thread that forks: LangGraph's opt-in suite
 * (`deltaChannelHistoryTests` in @langchain/langgraph-checkpoint-validation 1.1.1) covers only
 * single chains. A saver that reads the history with queries instead of the base class's
 * `parentConfig` walk can pick up a sibling branch's writes (by taking every write between the seed
 * and the target, whose uuid6 ids interleave with a sibling's), a sibling's snapshot as its seed (by
 * taking the newest snapshot before the target), or a sibling's value for the same version number.
 * Written like the upstream suite (globals, the same initializer), so it can be proposed there.
 */
export function deltaChannelForkTests<T extends BaseCheckpointSaver>(
  initializer: CheckpointSaverTestInitializer<T>,
): void {
  describe(`${initializer.checkpointerName}#getDeltaChannelHistory with sibling forks`, () => {
    let checkpointer: T;
    beforeEach(async () => {
      checkpointer = await initializer.createCheckpointer();
    });
    afterEach(async () => {
      await initializer.destroyCheckpointer?.(checkpointer);
    });

    describe.each(["root", "child"])("namespace: %s", (namespace) => {
      const checkpoint_ns = namespace === "root" ? "" : namespace;
      const rootConfig = (): RunnableConfig => ({
        configurable: { thread_id: uuid6(3), checkpoint_ns },
      });

      async function putCheckpoint(
        parent: RunnableConfig,
        values: Record<string, unknown>,
        versions: ChannelVersions = {},
      ) {
        const checkpoint = {
          ...emptyCheckpoint(),
          id: uuid6(3),
          channel_values: values,
          channel_versions: versions,
        };
        return checkpointer.put(parent, checkpoint, meta, versions);
      }

      const history = async (config: RunnableConfig) =>
        (await checkpointer.getDeltaChannelHistory({ config, channels: ["messages"] })).messages;

      it("replays only the requested checkpoint's branch when sibling forks interleave", async () => {
        //        ┌─ a1 ── a2
        //   c0 ──┤
        //        └─ b1 ── b2      (ids in the order c0 < a1 < b1 < a2 < b2)
        const c0 = await putCheckpoint(
          rootConfig(),
          { messages: new DeltaSnapshot(["root"]) },
          { messages: 1 },
        );
        await checkpointer.putWrites(c0, [["messages", ["shared"]]], "task-c0");
        const a1 = await putCheckpoint(c0, {});
        const b1 = await putCheckpoint(c0, {});
        await checkpointer.putWrites(a1, [["messages", ["a"]]], "task-a");
        await checkpointer.putWrites(b1, [["messages", ["b"]]], "task-b");
        const a2 = await putCheckpoint(a1, {});
        const b2 = await putCheckpoint(b1, {});

        const [ofA, ofB] = await Promise.all([history(a2), history(b2)]);
        expect((ofA?.seed as DeltaSnapshot).value).toEqual(["root"]);
        expect(ofA?.writes.map((w) => w[2])).toEqual([["shared"], ["a"]]);
        expect((ofB?.seed as DeltaSnapshot).value).toEqual(["root"]);
        expect(ofB?.writes.map((w) => w[2])).toEqual([["shared"], ["b"]]);
      });

      it("seeds from the nearest snapshot on its own branch, never from a sibling's", async () => {
        //        ┌─ a1 ─────── a2
        //   c0 ──┤
        //        └─ b1 (stores a snapshot of its own)
        const c0 = await putCheckpoint(
          rootConfig(),
          { messages: new DeltaSnapshot(["root"]) },
          { messages: 1 },
        );
        const a1 = await putCheckpoint(c0, {}, { messages: 1 });
        const b1 = await putCheckpoint(
          c0,
          { messages: new DeltaSnapshot(["root", "fork"]) },
          { messages: 2 },
        );
        await checkpointer.putWrites(a1, [["messages", ["a"]]], "task-a");
        await checkpointer.putWrites(b1, [["messages", ["b"]]], "task-b");
        const a2 = await putCheckpoint(a1, {}, { messages: 1 });

        const ofA = await history(a2);
        expect((ofA?.seed as DeltaSnapshot).value).toEqual(["root"]);
        expect(ofA?.writes.map((w) => w[2])).toEqual([["a"]]);
      });

      it("keeps apart the snapshots siblings take of one parent at their next versions", async () => {
        // Both branches bump the channel from the same parent version, so with integer versions
        // they store the same version number: a saver keyed by (channel, version) must not let the
        // second overwrite the first.
        const first = checkpointer.getNextVersion(undefined);
        const c0 = await putCheckpoint(
          rootConfig(),
          { messages: new DeltaSnapshot(["root"]) },
          { messages: first },
        );
        const a1 = await putCheckpoint(
          c0,
          { messages: new DeltaSnapshot(["root", "a"]) },
          { messages: checkpointer.getNextVersion(first) },
        );
        const b1 = await putCheckpoint(
          c0,
          { messages: new DeltaSnapshot(["root", "b"]) },
          { messages: checkpointer.getNextVersion(first) },
        );
        const a2 = await putCheckpoint(a1, {});
        const b2 = await putCheckpoint(b1, {});

        const [ofA, ofB] = await Promise.all([history(a2), history(b2)]);
        expect((ofA?.seed as DeltaSnapshot).value).toEqual(["root", "a"]);
        expect((ofB?.seed as DeltaSnapshot).value).toEqual(["root", "b"]);
      });
    });
  });
}
