import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AgentName, ModelFactory } from "../../graphs/index.js";

/** A model factory that hands each agent the fake model given for it. */
export function fakeFactory(models: Partial<Record<AgentName, unknown>>): ModelFactory {
  return {
    kind: "scripted",
    describe: () => "fake",
    forAgent(agent) {
      const model = models[agent];
      if (!model) throw new Error(`no fake model for ${agent}`);
      return model as BaseChatModel;
    },
  };
}
