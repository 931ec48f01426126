import { describe, expect, it } from "vitest";
import {
  MissionDraftSchema,
  checkpointTitlesProblem,
  completedPositions,
  mergeProgress,
  nextCheckpoint,
  titlesAt,
  type Enrollment,
} from "../../domain/index.js";

const repeated = ["Practice", "Practice", "Review", "Practice"];

describe("checkpoint positions", () => {
  it("gives every completed title a position of its own, in the order they are listed", () => {
    expect(completedPositions(repeated, [])).toEqual([]);
    expect(completedPositions(repeated, ["Practice"])).toEqual([0]);
    expect(completedPositions(repeated, ["Practice", "Practice", "Review"])).toEqual([0, 1, 2]);
    expect(completedPositions(repeated, ["Review", "Practice"])).toEqual([2, 0]);
    // More completions of a title than checkpoints with it, and titles the mission lacks, count
    // for nothing.
    expect(completedPositions(repeated, Array(5).fill("Practice"))).toEqual([0, 1, 3]);
    expect(completedPositions(repeated, ["Gone"])).toEqual([]);
  });

  it("names the completed checkpoints in mission order and finds the next one", () => {
    expect(titlesAt(repeated, [2, 0])).toEqual(["Practice", "Review"]);
    expect(nextCheckpoint(repeated, [0, 1])).toBe(2);
    expect(nextCheckpoint(repeated, [0, 2])).toBe(1);
    expect(nextCheckpoint(repeated, [0, 1, 2, 3])).toBe(4);
  });
});

describe("merging progress", () => {
  const enrollment = (completed: string[], progress: number): Enrollment => ({
    id: "u_m",
    user_id: "u",
    mission_id: "m",
    enrolled_at: "2026-01-05T09:00:00.000Z",
    progress,
    completed_checkpoints: completed,
    last_accessed_at: "2026-01-05T09:00:00.000Z",
    completed: false,
    created_at: "2026-01-05T09:00:00.000Z",
    updated_at: "2026-01-05T09:00:00.000Z",
  });
  const now = "2026-01-05T10:00:00.000Z";

  it("keeps a shared title once per checkpoint that completed it, as stored before or sent now", () => {
    const merged = mergeProgress(
      enrollment(["Practice"], 25),
      { completed_checkpoints: ["Practice", "Practice"], progress: 50, completed: false },
      now,
    );
    expect(merged).toEqual({
      completed_checkpoints: ["Practice", "Practice"],
      progress: 50,
      completed: false,
      last_accessed_at: now,
      updated_at: now,
    });
    const stale = mergeProgress(
      enrollment(["Practice", "Practice"], 50),
      { completed_checkpoints: ["Practice"], progress: 25, completed: false },
      now,
    );
    expect(stale).toMatchObject({ completed_checkpoints: ["Practice", "Practice"], progress: 50 });
  });

  it("adds each distinct title once, as it always did", () => {
    const merged = mergeProgress(
      enrollment(["Basics", "Loops"], 50),
      { completed_checkpoints: ["Loops", "Functions"], progress: 75, completed: false },
      now,
    );
    expect(merged.completed_checkpoints).toEqual(["Basics", "Loops", "Functions"]);
  });
});

describe("checkpoint titles of a new mission", () => {
  it("must each be there and differ from the others, after trimming", () => {
    expect(checkpointTitlesProblem(["Basics", "Loops", "Functions", "Project"])).toBeUndefined();
    expect(checkpointTitlesProblem(["Basics", " Basics", "x", "y"])).toBe(
      'Checkpoints 1 and 2 are both titled "Basics"; each checkpoint needs a title of its own.',
    );
    expect(checkpointTitlesProblem(["Basics", "Loops", "\t"])).toBe(
      "Checkpoint 3 has a blank title; every checkpoint needs one.",
    );
  });

  it("are checked wherever a draft is read, as the curator's output is", () => {
    const draft = {
      title: "Git",
      short_description: "Git.",
      description: "Git.",
      level: "Beginner",
      topics_to_cover: ["Commits"],
      learning_goal: "Use Git.",
      byte_size_checkpoints: ["a", "b", "c", "d"],
      skills: [],
      is_public: true,
    };
    expect(MissionDraftSchema.safeParse(draft).success).toBe(true);
    const parsed = MissionDraftSchema.safeParse({
      ...draft,
      byte_size_checkpoints: ["a", "b", "a", "d"],
    });
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ["byte_size_checkpoints"],
        message: expect.stringContaining("Checkpoints 1 and 3"),
      }),
    ]);
  });
});
