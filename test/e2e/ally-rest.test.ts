import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";
import { GIT_MISSION } from "../support/missions.js";

let server: TestServer;
let ada: { token: string; uid: string };
let grace: { token: string; uid: string };

beforeEach(async () => {
  server = await startTestServer();
  ada = await server.login("ada@example.com", "Ada");
  grace = await server.login("grace@example.com", "Grace");
});
afterEach(() => server.stop());

function call(method: string, path: string, token: string | undefined, body?: unknown) {
  return fetch(`${server.http}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  expect(res.status).toBe(status);
  return (await res.json()) as T;
}

describe("the REST routes an Ally client needs", () => {
  it("returns and updates the caller's profile, ignoring unknown keys", async () => {
    const profile = await json(await call("GET", "/api/v1/user/profile", ada.token), 200);
    expect(profile).toMatchObject({
      id: ada.uid,
      firebase_uid: ada.uid,
      name: "Ada",
      email: "ada@example.com",
      learning_style: [],
      enrolled_missions: [],
    });
    const updated = await json(
      await call("PUT", "/api/v1/user/update", ada.token, {
        name: "Ada L.",
        learning_style: ["visual"],
        email: "x@y.z",
      }),
      200,
    );
    expect(updated).toMatchObject({
      name: "Ada L.",
      learning_style: ["visual"],
      email: "ada@example.com",
    });
    await json(
      await call("PUT", "/api/v1/user/update", ada.token, { learning_style: "visual" }),
      422,
    );
    await json(await call("GET", "/api/v1/user/profile", undefined), 401);
  });

  it("creates a mission with its enrollment, validates it, and lists it on the dashboard", async () => {
    const created = await json<{
      mission: { id: string; creator_id: string };
      enrollment: Record<string, unknown>;
      enrollment_session_log: Record<string, unknown>;
    }>(
      await call("POST", "/api/v1/missions/enrollment", ada.token, {
        ...GIT_MISSION,
        creator_id: "someone-else",
      }),
      201,
    );
    expect(created.mission.creator_id).toBe(ada.uid);
    expect(created.enrollment).toMatchObject({
      // Spelled out: the id's format is part of the API.
      id: `${ada.uid}_${created.mission.id}`,
      progress: 0,
      completed: false,
    });
    expect(created.enrollment_session_log).toMatchObject({
      status: "created",
      mission_id: created.mission.id,
    });
    const tooFew = await json(
      await call("POST", "/api/v1/missions/enrollment", ada.token, {
        ...GIT_MISSION,
        byte_size_checkpoints: ["one", "two", "three"],
      }),
      422,
    );
    expect(tooFew.detail).toMatch(/byte_size_checkpoints/);
    await json(
      await call("POST", "/api/v1/missions/enrollment", ada.token, {
        ...GIT_MISSION,
        level: "Expert",
      }),
      422,
    );
    const dashboard = await json<unknown[]>(
      await call("GET", "/api/v1/user/enrolled-missions", ada.token),
      200,
    );
    expect(dashboard).toEqual([
      expect.objectContaining({
        mission_id: created.mission.id,
        mission_title: "Git for Teams",
        progress: 0,
        byte_size_checkpoints: GIT_MISSION.byte_size_checkpoints,
      }),
    ]);
    expect(
      await json(await call("GET", "/api/v1/user/enrolled-missions", grace.token), 200),
    ).toEqual([]);
  });

  it("shows a private mission to its creator only and a public one to anyone", async () => {
    const { mission } = await json<{ mission: { id: string } }>(
      await call("POST", "/api/v1/missions/enrollment", ada.token, GIT_MISSION),
      201,
    );
    await json(await call("GET", `/api/v1/missions/${mission.id}`, ada.token), 200);
    await json(await call("GET", `/api/v1/missions/${mission.id}`, grace.token), 403);
    await json(await call("GET", "/api/v1/missions/nope", ada.token), 404);
    await json(
      await call("PATCH", `/api/v1/missions/${mission.id}`, ada.token, { is_public: true }),
      200,
    );
    expect(
      await json(await call("GET", `/api/v1/missions/${mission.id}`, grace.token), 200),
    ).toMatchObject({ is_public: true });
  });

  it("lets only the creator patch a mission, and carries title and skills to the dashboard", async () => {
    const { mission } = await json<{ mission: { id: string } }>(
      await call("POST", "/api/v1/missions/enrollment", ada.token, GIT_MISSION),
      201,
    );
    await json(
      await call("PATCH", `/api/v1/missions/${mission.id}`, grace.token, { title: "Hijacked" }),
      403,
    );
    await json(await call("PATCH", "/api/v1/missions/nope", ada.token, { title: "X" }), 404);
    await json(
      await call("PATCH", `/api/v1/missions/${mission.id}`, ada.token, { level: "Expert" }),
      422,
    );
    const patched = await json(
      await call("PATCH", `/api/v1/missions/${mission.id}`, ada.token, {
        title: "Git Together",
        skills: ["Git", "Reviews"],
        description: "New",
      }),
      200,
    );
    expect(patched).toMatchObject({
      title: "Git Together",
      skills: ["Git", "Reviews"],
      description: "New",
    });
    const [card] = await json<Record<string, unknown>[]>(
      await call("GET", "/api/v1/user/enrolled-missions", ada.token),
      200,
    );
    expect(card).toMatchObject({
      mission_title: "Git Together",
      mission_skills: ["Git", "Reviews"],
    });
  });

  it("brings profile changes into the next Ally turn", async () => {
    const { mission } = await json<{ mission: { id: string } }>(
      await call("POST", "/api/v1/missions/enrollment", ada.token, GIT_MISSION),
      201,
    );
    const socket = new TestSocket(
      `${server.ws}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${ada.token}`,
    );
    await socket.waitFor("connected");
    const say = async (message: string) => {
      const from = socket.frames.length;
      socket.send({ type: "user_message", message });
      await socket.waitFor("agent_processing_end", from);
      return socket.frames
        .slice(from)
        .filter((f) => f.type === "agent_message")
        .map((f) => f.message as string);
    };
    expect((await say("Hello"))[0]).toMatch(/^Hi Ada/);
    await json(
      await call("PUT", "/api/v1/user/update", ada.token, {
        name: "Countess",
        learning_style: ["hands-on"],
      }),
      200,
    );
    const teaching = await say("Yes, that sounds great!");
    expect(teaching.at(-1)).toContain("**Try it:**");
    expect(teaching.at(-1)).toContain("Countess");
  });
});
