import { AGENT_NAMES } from "../../domain/index.js";
import { GeminiChatModel, createModelFactory } from "../../graphs/models/index.js";
import { createModels } from "../../server/compose.js";
import { ConfigError, loadConfig } from "../../server/config.js";

const gemini = (env: Record<string, string> = {}) =>
  createModels(loadConfig({ GOOGLE_API_KEY: "test-key", ...env }));

const modelOf = (factory: ReturnType<typeof gemini>, agent: (typeof AGENT_NAMES)[number]) =>
  factory.forAgent(agent) as GeminiChatModel;

describe("Gemini settings per agent", () => {
  it("gives each agent its own default temperature and thinking budget", () => {
    const factory = gemini();
    const settings = AGENT_NAMES.map((agent) => {
      const model = modelOf(factory, agent);
      return [agent, model.model, model.temperature, model.thinkingConfig?.thinkingBudget];
    });
    expect(settings).toEqual([
      ["polaris", "gemini-2.5-flash", 0.4, 128],
      ["mission_curator", "gemini-2.5-flash", 0.2, 512],
      ["mission_ally", "gemini-2.5-flash", 0.7, 128],
      ["mission_sensei", "gemini-2.5-flash", 0.5, 256],
    ]);
  });

  it("reads model, temperature, thinking budget, timeout and retries from the environment", () => {
    const factory = gemini({
      GEMINI_MODEL: "gemini-2.5-flash-lite",
      GEMINI_MODEL_MISSION_CURATOR: "gemini-2.5-pro",
      GEMINI_TEMPERATURE_MISSION_ALLY: "1.1",
      GEMINI_TEMPERATURE_POLARIS: "0",
      GEMINI_THINKING_BUDGET_MISSION_SENSEI: "-1",
      GEMINI_THINKING_BUDGET_POLARIS: "0",
      GEMINI_TIMEOUT_MS: "4500",
      GEMINI_MAX_RETRIES: "5",
      GEMINI_BASE_URL: "http://127.0.0.1:9/replay",
    });
    const polaris = modelOf(factory, "polaris");
    const curator = modelOf(factory, "mission_curator");
    const ally = modelOf(factory, "mission_ally");
    const sensei = modelOf(factory, "mission_sensei");
    expect(polaris).toBeInstanceOf(GeminiChatModel);
    expect([polaris.model, curator.model]).toEqual(["gemini-2.5-flash-lite", "gemini-2.5-pro"]);
    expect([polaris.temperature, ally.temperature, curator.temperature]).toEqual([0, 1.1, 0.2]);
    expect(polaris.thinkingConfig).toEqual({ thinkingBudget: 0 });
    expect(sensei.thinkingConfig).toEqual({ thinkingBudget: -1 });
    expect(sensei.timeoutMs).toBe(4500);
    // The retry count lives on the model's AsyncCaller, which keeps it protected.
    expect((sensei.caller as unknown as { maxRetries: number }).maxRetries).toBe(5);
    expect(sensei.baseUrl).toBe("http://127.0.0.1:9/replay");
    expect(factory.describe()).toBe(
      "gemini (polaris=gemini-2.5-flash-lite, mission_curator=gemini-2.5-pro, mission_ally=gemini-2.5-flash-lite, mission_sensei=gemini-2.5-flash-lite)",
    );
  });

  it("rejects out-of-range settings, naming the variable", () => {
    for (const [name, value] of [
      ["GEMINI_TEMPERATURE_MISSION_SENSEI", "2.5"],
      ["GEMINI_THINKING_BUDGET_POLARIS", "-2"],
      ["GEMINI_THINKING_BUDGET_MISSION_ALLY", "lots"],
      ["GEMINI_TIMEOUT_MS", "0"],
      ["GEMINI_MAX_RETRIES", "-1"],
      ["GEMINI_GOOGLE_SEARCH", "yes"],
      ["YOUTUBE_API_BASE_URL", "not a url"],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });
});

describe("grounding", () => {
  it("is off by default: no search, no video tool", () => {
    const factory = gemini();
    for (const agent of AGENT_NAMES) expect(factory.grounding?.searchTools(agent)).toEqual([]);
    expect(factory.grounding?.videoTool).toBeUndefined();
  });

  it("offers Google Search to polaris and mission_sensei only, when switched on", () => {
    const factory = gemini({ GEMINI_GOOGLE_SEARCH: "true" });
    const offered = AGENT_NAMES.filter((agent) => factory.grounding!.searchTools(agent).length > 0);
    expect(offered).toEqual(["polaris", "mission_sensei"]);
    expect(factory.grounding!.searchTools("polaris")).toEqual([{ googleSearch: {} }]);
    expect(factory.describe()).toMatch(/; google search for polaris and mission_sensei$/);
  });

  it("never offers Google Search to the offline model, which has no search", () => {
    const factory = createModels(loadConfig({ GEMINI_GOOGLE_SEARCH: "true" }));
    expect(factory.kind).toBe("scripted");
    expect(factory.grounding?.searchTools("polaris")).toEqual([]);
  });

  it("gives mission_sensei the video tool when a YouTube key is set, on either model", () => {
    const env = { YOUTUBE_API_KEY: "yt-key", YOUTUBE_API_BASE_URL: "http://127.0.0.1:9/yt" };
    for (const factory of [gemini(env), createModels(loadConfig(env))]) {
      expect(factory.grounding?.videoTool?.name).toBe("fetch_youtube_videos");
      expect(factory.describe()).toMatch(/youtube videos for mission_sensei$/);
    }
  });

  it("needs no grounding at all from a hand-built factory", () => {
    const factory = createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} });
    expect(factory.grounding?.videoTool).toBeUndefined();
  });
});
