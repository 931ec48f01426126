import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { ScriptedChatModel } from "../../graphs/models/index.js";
import { TEACHING } from "../graphs/models/fixtures.js";

// The offline teacher recommends videos the way the sensei prompt asks Gemini to: one search
// before a new concept, then a "Recommended video" link to one of the results.

/** The session the sensei node passes with each call. */
const SESSION = {
  context: {
    ...TEACHING,
    learner_name: "Ada",
    learner_level: "Beginner",
    learning_style: [],
    mission_title: "Git for Teams",
    checkpoint_number: 1,
    checkpoint_total: 4,
    checkpoint_title: "Commits and history",
    learner_turns_in_checkpoint: 0,
  },
};

const VIDEO_TOOL = {
  name: "fetch_youtube_videos",
  description: "Search YouTube",
  parameters: {
    type: "object",
    properties: { search_query: { type: "string" } },
    required: ["search_query"],
  },
};

const sensei = new ScriptedChatModel({ agent: "mission_sensei" });
const start = [
  new SystemMessage("You are the sensei."),
  new HumanMessage("Yes, that sounds great!"),
];

function searched(result: object) {
  return [
    ...start,
    new AIMessage({
      content: "",
      tool_calls: [{ id: "v1", name: VIDEO_TOOL.name, args: { search_query: "commits" } }],
    }),
    new ToolMessage({ tool_call_id: "v1", name: VIDEO_TOOL.name, content: JSON.stringify(result) }),
  ];
}

describe("scripted mission_sensei with the video search", () => {
  it("searches for a video before presenting a new concept", async () => {
    const reply = await sensei.bindTools([VIDEO_TOOL]).invoke(start, SESSION);
    expect(reply.text).toBe("");
    expect(reply.tool_calls).toMatchObject([
      { name: "fetch_youtube_videos", args: { search_query: "Commits and history for beginners" } },
    ]);
  });

  it("links the first video the search returned under Recommended video", async () => {
    const reply = await sensei.invoke(
      searched({
        videos: [
          {
            title: "Git commits explained",
            url: "https://www.youtube.com/watch?v=abc",
            channel: "Code Class",
            duration_formatted: "12:34",
          },
          { title: "Another", url: "https://www.youtube.com/watch?v=def" },
        ],
        count: 2,
      }),
      SESSION,
    );
    expect(reply.tool_calls).toEqual([]);
    expect(reply.text).toContain(
      "### Recommended video\n\n[Git commits explained](https://www.youtube.com/watch?v=abc) (Code Class, 12:34)",
    );
    expect(reply.text).not.toContain("watch?v=def");
    expect(reply.text).toMatch(/\?$/);
  });

  it("teaches without a video when the search found none, and never searches twice", async () => {
    const messages = searched({ videos: [], count: 0, note: "No videos matched this search." });
    const reply = await sensei.bindTools([VIDEO_TOOL]).invoke(messages, SESSION);
    expect(reply.tool_calls).toEqual([]);
    expect(reply.text).toContain("Let's get started with **Commits and history**");
    expect(reply.text).not.toContain("Recommended video");
  });

  it("teaches as before when no video search is offered", async () => {
    const reply = await sensei.invoke(start, SESSION);
    expect(reply.tool_calls).toEqual([]);
    expect(reply.text).toContain("### Concept 1");
    expect(reply.text).not.toContain("Recommended video");
  });
});
