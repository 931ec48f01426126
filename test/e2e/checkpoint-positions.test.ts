import { walkMission } from "../support/ally-learner.js";
import { allyClient, recordFrames, whenClosed } from "../support/learner-clients.js";
import { GIT_MISSION } from "../support/missions.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// A checkpoint is identified by its position in the mission, not by its title.

let server: TestServer;
let token: string;
let uid: string;

beforeEach(async () => {
  server = await startTestServer();
  ({ token, uid } = await server.login("ada@example.com", "Ada"));
});
afterEach(() => server.stop());

const enroll = (body: object) =>
  fetch(`${server.http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

describe("checkpoints are identified by position", () => {
  it("refuses a new mission whose checkpoint titles repeat or are blank, with 400", async () => {
    const repeated = await enroll({ ...GIT_MISSION, byte_size_checkpoints: ["a", "a", "a", "a"] });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toEqual({
      detail:
        "Invalid field 'byte_size_checkpoints': Checkpoints 1 and 2 are both titled \"a\"; each checkpoint needs a title of its own.",
    });

    const trimmed = ["Commits", "Branching", " Commits ", "Merging"];
    const alike = await enroll({ ...GIT_MISSION, byte_size_checkpoints: trimmed });
    expect(alike.status).toBe(400);
    expect(((await alike.json()) as { detail: string }).detail).toContain("Checkpoints 1 and 3");

    const blank = await enroll({ ...GIT_MISSION, byte_size_checkpoints: ["a", "  ", "c", "d"] });
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as { detail: string }).detail).toContain(
      "Checkpoint 2 has a blank title",
    );

    expect(await server.store.enrollments.listForUser(uid)).toEqual([]);
    expect((await enroll(GIT_MISSION)).status).toBe(201);
  });

  it("takes a learner to 100% through a stored mission whose checkpoints share a title", async () => {
    // Stored before titles had to differ: the store takes the mission as it is.
    const titles = ["Practice", "Practice", "Practice", "Practice"];
    const { mission } = await server.store.missions.createWithEnrollment({
      draft: {
        ...GIT_MISSION,
        topics_to_cover: [...GIT_MISSION.topics_to_cover],
        skills: [...GIT_MISSION.skills],
        byte_size_checkpoints: titles,
      },
      creatorId: uid,
    });
    const client = allyClient(server.http, token, mission.id);
    const frames = recordFrames(client);
    await walkMission(client);

    expect((await whenClosed(client)).code).toBe(1000);
    const updates = frames.filter((f) => f.type === "checkpoint_update");
    expect(updates.map((f) => f.progress)).toEqual([25, 50, 75, 100]);
    expect(updates.map((f) => f.completed_checkpoints)).toEqual(
      [1, 2, 3, 4].map((n) => titles.slice(0, n)),
    );
    expect(frames.at(-1)).toEqual({
      type: "session_closed",
      message: "Congratulations! You've completed the mission!",
    });
    expect(await server.store.enrollments.get(uid, mission.id)).toMatchObject({
      progress: 100,
      completed: true,
      completed_checkpoints: titles,
    });
    const [dashboard] = await server.store.enrollments.listForUser(uid);
    expect(dashboard).toMatchObject({
      progress: 100,
      completed: true,
      completed_checkpoints: titles,
    });
  });
});
