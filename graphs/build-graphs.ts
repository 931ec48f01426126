import type { Store } from "../store/index.js";
import { buildAllyGraph } from "./ally/index.js";
import { buildCommanderGraph } from "./commander/index.js";
import type { ModelFactory } from "./models/index.js";

/** Both agents' graphs, checkpointed in the store and persisting through its ports. */
export function buildGraphs(models: ModelFactory, store: Store) {
  return {
    commander: buildCommanderGraph({
      models,
      missions: store.missions,
      checkpointer: store.checkpointer,
    }),
    ally: buildAllyGraph({
      models,
      enrollments: store.enrollments,
      allySessions: store.allySessions,
      checkpointer: store.checkpointer,
    }),
  };
}
