import { HumanMessage } from "@langchain/core/messages";
import type { fakeModel } from "@langchain/core/testing";
import type { AllyContext, MissionCreated } from "../../domain/index.js";
import { buildAllyGraph } from "../../graphs/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { fakeFactory, nextId } from "./fake-models.js";

type FakeModel = ReturnType<typeof fakeModel>;

/** An in-memory store with Ada ("u1") enrolled in one mission, and Ally graphs on fake models. */
export interface AllyHarness {
  store: Store;
  created: MissionCreated;
  /** The Ally graph on these fakes, and a turn on thread "t" that collects the custom events. */
  setup: ReturnType<typeof graphOn>;
}

function graphOn(harness: Omit<AllyHarness, "setup">, context: () => Promise<AllyContext>) {
  return (lumina: FakeModel, sensei: FakeModel) => {
    const { store } = harness;
    const graph = buildAllyGraph({
      models: fakeFactory({ mission_ally: lumina, mission_sensei: sensei }),
      enrollments: store.enrollments,
      allySessions: store.allySessions,
      checkpointer: store.checkpointer,
    });
    const events: Record<string, unknown>[] = [];
    const turn = async (text: string) => {
      const stream = await graph.stream(
        { messages: [new HumanMessage({ id: nextId("h"), content: text })] },
        { configurable: { thread_id: "t" }, context: await context(), streamMode: ["custom"] },
      );
      for await (const [, chunk] of stream) events.push(chunk as Record<string, unknown>);
      return (await graph.getState({ configurable: { thread_id: "t" } })).values;
    };
    return { graph, turn, events };
  };
}

export async function openAllyHarness(mission: {
  title: string;
  checkpoints: string[];
  learningStyle?: string[];
}): Promise<AllyHarness> {
  const store = openSqliteStore({ path: ":memory:" });
  await store.users.ensure({ uid: "u1", name: "Ada" });
  const created = await store.missions.createWithEnrollment({
    creatorId: "u1",
    draft: {
      title: mission.title,
      short_description: "s",
      description: "d",
      level: "Beginner",
      topics_to_cover: ["x"],
      learning_goal: "g",
      byte_size_checkpoints: mission.checkpoints,
      skills: ["py"],
      is_public: true,
    },
  });
  /** What the server hands the graph for a turn, read fresh from the store. */
  const context = async (): Promise<AllyContext> => {
    const enrollment = await store.enrollments.get("u1", created.mission.id);
    return {
      user_id: "u1",
      ally_session_id: created.allySession.id,
      learner: { name: "Ada", learning_style: mission.learningStyle ?? [] },
      mission: {
        id: created.mission.id,
        title: mission.title,
        level: "Beginner",
        byte_size_checkpoints: mission.checkpoints,
      },
      stored_completed_checkpoints: enrollment?.completed_checkpoints ?? [],
      prompts_dir: null,
    };
  };
  return { store, created, setup: graphOn({ store, created }, context) };
}
