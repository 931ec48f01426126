import { diffState } from "../../web/graphs/src/state-diff.js";

describe("the change between two turns' states", () => {
  it("names each field that changed, was added or was removed, by its path", () => {
    const before = {
      phase: "briefing",
      progress: 25,
      completed_checkpoints: ["Commits"],
      draft: { title: "Git", checkpoints: ["a", "b"] },
      gone: true,
      same: { deep: [1, 2] },
    };
    const after = {
      phase: "teaching",
      progress: 25,
      completed_checkpoints: ["Commits", "Branching"],
      draft: { title: "Git for Teams", checkpoints: ["a"] },
      same: { deep: [1, 2] },
      mission_id: "m1",
    };
    expect(diffState(before, after)).toEqual([
      { path: "phase", kind: "changed", before: "briefing", after: "teaching" },
      { path: "completed_checkpoints[1]", kind: "added", after: "Branching" },
      { path: "draft.title", kind: "changed", before: "Git", after: "Git for Teams" },
      { path: "draft.checkpoints[1]", kind: "removed", before: "b" },
      { path: "gone", kind: "removed", before: true },
      { path: "mission_id", kind: "added", after: "m1" },
    ]);
  });

  it("treats null and an object as a change of the whole value, and equal states as none", () => {
    expect(diffState({ draft: null }, { draft: { title: "T" } })).toEqual([
      { path: "draft", kind: "changed", before: null, after: { title: "T" } },
    ]);
    expect(diffState({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(diffState({}, { phase: "interview" })).toEqual([
      { path: "phase", kind: "added", after: "interview" },
    ]);
  });
});
