import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { UsageTally } from "../../graphs/models/index.js";

const usage = (input: number, output: number) => ({
  input_tokens: input,
  output_tokens: output,
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
      new AIMessage({ id: "p1", content: '{"title":"Git"}', usage_metadata: usage(300, 40) }),
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
      input_tokens: 560,
      output_tokens: 52,
      total_tokens: 612,
      by_agent: {
        polaris: { ...usage(260, 12), model_calls: 2 },
        mission_curator: { ...usage(300, 40), model_calls: 1 },
      },
    });
  });

  it("counts nothing for a call that failed", async () => {
    const failing = fakeModel().alwaysThrow(new Error("model endpoint unavailable"));
    const tally = new UsageTally();
    await expect(failing.invoke("hi", { callbacks: [tally] })).rejects.toThrow(/unavailable/);
    expect(tally.total).toEqual({
      model_calls: 0,
      input_tokens: 0,
      output_tokens: 0,
      total_tokens: 0,
      by_agent: {},
    });
  });
});
