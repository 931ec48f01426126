import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { UsageTally } from "../../graphs/models/index.js";

const usage = (input: number, output: number, thinking = 0) => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
  ...(thinking > 0 ? { output_token_details: { reasoning: thinking } } : {}),
});

const tallied = (input: number, output: number, thinking = 0) => ({
  input_tokens: input,
  output_tokens: output,
  thinking_tokens: thinking,
  total_tokens: input + output,
});

describe("UsageTally", () => {
  it("adds up every model call of a run per agent, including calls whose reply is not kept", async () => {
    const interviewer = fakeModel()
      .respond(
        new AIMessage({
          id: "a1",
          content: "What do you want to learn?",
          usage_metadata: usage(120, 9),
        }),
      )
      .respond(new AIMessage({ id: "a2", content: "Got it.", usage_metadata: usage(140, 3) }));
    const planner = fakeModel().respond(
      new AIMessage({ id: "p1", content: '{"title":"Git"}', usage_metadata: usage(300, 40, 25) }),
    );
    const graph = new StateGraph(MessagesAnnotation)
      .addNode(
        "ask",
        async (state, config) => ({
          messages: [
            await interviewer.invoke(state.messages, config),
            await interviewer.invoke(state.messages, config),
          ],
        }),
        { metadata: { agent: "polaris" } },
      )
      .addNode(
        "plan",
        async (state, config) => {
          await planner.invoke(state.messages, config);
          return {};
        },
        { metadata: { agent: "mission_curator" } },
      )
      .addEdge(START, "ask")
      .addEdge("ask", "plan")
      .addEdge("plan", END)
      .compile();

    const tally = new UsageTally();
    await graph.invoke({ messages: [new HumanMessage("Hi")] }, { callbacks: [tally] });
    expect(tally.total).toEqual({
      model_calls: 3,
      failed_calls: 0,
      ...tallied(560, 52, 25),
      by_agent: {
        polaris: { ...tallied(260, 12), model_calls: 2 },
        mission_curator: { ...tallied(300, 40, 25), model_calls: 1 },
      },
    });
  });

  it("counts a call that failed, with no tokens", async () => {
    const failing = fakeModel().alwaysThrow(new Error("model endpoint unavailable"));
    const tally = new UsageTally();
    await expect(
      failing.invoke("hi", { callbacks: [tally], metadata: { agent: "polaris" } }),
    ).rejects.toThrow(/unavailable/);
    expect(tally.total).toEqual({
      model_calls: 1,
      failed_calls: 1,
      ...tallied(0, 0),
      by_agent: { polaris: { ...tallied(0, 0), model_calls: 1 } },
    });
  });
});
