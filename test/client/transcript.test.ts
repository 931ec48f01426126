import { Transcript } from "../../client/transcript.js";

const user = (text: string) => ({ role: "user" as const, text });
const agent = (text: string) => ({ role: "agent" as const, text });

function sent(t: Transcript, text: string) {
  const m = t.addUser(text);
  t.setStatus(m.id, "sent");
  return m;
}

describe("Transcript", () => {
  it("lines history up with what it shows: same ids, new lines added, lost messages failed", () => {
    const t = new Transcript();
    t.applyHistory([user("Hi"), agent("Hello!")]);
    const ids = t.messages.map((m) => m.id);
    sent(t, "Teach me");
    t.applyHistory([user("Hi"), agent("Hello!")]);
    expect(t.messages.map((m) => [m.text, m.status])).toEqual([
      ["Hi", "delivered"],
      ["Hello!", "complete"],
      ["Teach me", "failed"],
    ]);
    t.remove(t.messages[2]!.id);
    sent(t, "Teach me");
    t.applyHistory([user("Hi"), agent("Hello!"), user("Teach me"), agent("Sure.")]);
    expect(t.messages.map((m) => m.text)).toEqual(["Hi", "Hello!", "Teach me", "Sure."]);
    expect(t.messages.slice(0, 2).map((m) => m.id)).toEqual(ids);
    expect(t.messages[2]!.status).toBe("delivered");
  });

  it("accepts a history that starts later than the local copy, and keeps queued messages last", () => {
    const t = new Transcript();
    t.applyHistory([user("a"), agent("b"), user("c"), agent("d")]);
    t.addUser("queued");
    t.applyHistory([user("c"), agent("d"), user("e"), agent("f")]);
    expect(t.messages.map((m) => m.text)).toEqual(["a", "b", "c", "d", "e", "f", "queued"]);
    expect(t.messages.at(-1)!.status).toBe("queued");
  });

  it("takes the server's history when nothing lines up", () => {
    const t = new Transcript();
    t.applyHistory([user("x"), agent("y")]);
    t.applyHistory([user("other"), agent("story")]);
    expect(t.messages.map((m) => m.text)).toEqual(["other", "story"]);
  });

  it("grows streamed messages, completes them in place, and drops unconfirmed ones", () => {
    const t = new Transcript();
    t.delta("a1", "Hel", "mission_ally");
    t.delta("a1", "lo", "mission_ally");
    t.delta("a2", "orphan");
    expect(t.messages.map((m) => [m.text, m.status])).toEqual([
      ["Hello", "streaming"],
      ["orphan", "streaming"],
    ]);
    t.agentMessage("a1", "Hello there.", "mission_ally");
    t.dropStreaming();
    expect(t.messages).toEqual([
      { id: "a1", role: "agent", text: "Hello there.", agent: "mission_ally", status: "complete" },
    ]);
  });
});
