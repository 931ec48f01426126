import { ChatGoogleGenerativeAI } from "@langchain/google-genai";
import { describe, expect, it } from "vitest";
import { AGENT_NAMES } from "../../../domain/index.js";
import { ScriptedChatModel, createModelFactory } from "../../../graphs/models/index.js";

const defaults = { defaultModel: "gemini-2.5-flash", perAgentModel: {} };

describe("createModelFactory", () => {
  it.each([undefined, "", "   "])("uses the scripted model without an API key (%j)", (key) => {
    const factory = createModelFactory({ ...defaults, googleApiKey: key });
    expect(factory.kind).toBe("scripted");
    expect(factory.describe()).toBe("scripted (offline, deterministic)");
    for (const agent of AGENT_NAMES) {
      const model = factory.forAgent(agent);
      expect(model).toBeInstanceOf(ScriptedChatModel);
      expect((model as ScriptedChatModel).agent).toBe(agent);
    }
  });

  it("uses Gemini with an API key, one cached instance per agent with its own model", () => {
    const factory = createModelFactory({
      ...defaults,
      googleApiKey: "test-key",
      geminiBaseUrl: "http://127.0.0.1:9",
      perAgentModel: { mission_curator: "gemini-2.5-pro" },
    });
    expect(factory.kind).toBe("gemini");
    const polaris = factory.forAgent("polaris");
    const curator = factory.forAgent("mission_curator");
    expect(polaris).toBeInstanceOf(ChatGoogleGenerativeAI);
    expect(factory.forAgent("polaris")).toBe(polaris);
    expect((polaris as ChatGoogleGenerativeAI).model).toBe("gemini-2.5-flash");
    expect((curator as ChatGoogleGenerativeAI).model).toBe("gemini-2.5-pro");
    expect((curator as ChatGoogleGenerativeAI).baseUrl).toBe("http://127.0.0.1:9");
    expect(factory.describe()).toBe(
      "gemini (polaris=gemini-2.5-flash, mission_curator=gemini-2.5-pro, mission_ally=gemini-2.5-flash, mission_sensei=gemini-2.5-flash)",
    );
  });
});
