import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import {
  allyThreadId,
  commanderThreadId,
  enrollmentId,
  type Clock,
  type EnrolledMission,
  type MissionDraft,
  type NewTranscriptEntry,
} from "../../domain/index.js";
import { LeaseLostError, canDeleteFenced, type Store } from "../../store/index.js";
import { ManualClock } from "../support/manual-clock.js";

function expectIsoTimestamp(value: string | null): void {
  expect(value).not.toBeNull();
  expect(new Date(value ?? "").toISOString()).toBe(value);
}

function said(id: string, text: string, turn = "turn-1"): NewTranscriptEntry {
  const learner = id.startsWith("h");
  return {
    id,
    role: learner ? "learner" : "agent",
    agent: learner ? null : "polaris",
    node: learner ? null : "polaris",
    text,
    turn_id: turn,
  };
}

function draft(overrides: Partial<MissionDraft> = {}): MissionDraft {
  return {
    title: "Learn SQL joins",
    short_description: "Joins in an afternoon",
    description: "Inner, outer and cross joins with worked examples.",
    level: "Beginner",
    topics_to_cover: ["inner join", "left join"],
    learning_goal: "Write a three-table join unaided",
    byte_size_checkpoints: ["What a join is", "Inner join", "Left join"],
    skills: ["SQL", "Data modelling"],
    is_public: false,
    ...overrides,
  };
}

/**
 * Registers the behaviour every `Store` adapter must have. `open` is called once per test and must
 * return an empty store that reads the time from `clock`; `close` defaults to `store.close()`.
 */
export function describeStoreContract(
  name: string,
  open: (clock: Clock) => Promise<Store> | Store,
  close: (s: Store) => Promise<void> = (s) => s.close(),
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let clock: ManualClock;
    /** Moves the clock on, so that a later write gets a strictly later timestamp. */
    const tick = () => clock.advance();

    beforeEach(async () => {
      clock = new ManualClock();
      store = await open(clock.now);
    });

    afterEach(async () => {
      await close(store);
    });

    describe("users", () => {
      it("creates a user keyed by the identity uid with its claims", async () => {
        const user = await store.users.ensure({
          uid: "uid-ada",
          name: "Ada",
          email: "ada@example.com",
          picture: "https://example.com/ada.png",
        });

        expect(user).toStrictEqual({
          id: "uid-ada",
          firebase_uid: "uid-ada",
          name: "Ada",
          email: "ada@example.com",
          picture: "https://example.com/ada.png",
          learning_style: [],
          created_at: user.created_at,
          updated_at: user.created_at,
        });
        expectIsoTimestamp(user.created_at);
        expect(await store.users.get("uid-ada")).toStrictEqual(user);
      });

      it("stores missing name, email and picture as null", async () => {
        const user = await store.users.ensure({ uid: "uid-anon" });
        expect(user.name).toBeNull();
        expect(user.email).toBeNull();
        expect(user.picture).toBeNull();

        const explicitNulls = await store.users.ensure({ uid: "uid-nulls", name: null });
        expect(explicitNulls.name).toBeNull();
      });

      it("returns the existing user on later calls instead of overwriting it", async () => {
        const first = await store.users.ensure({ uid: "uid-ada", name: "Ada" });
        tick();
        const second = await store.users.ensure({ uid: "uid-ada", name: "Someone else" });

        expect(second).toStrictEqual(first);
        expect((await store.users.get("uid-ada"))?.name).toBe("Ada");
      });

      it("creates exactly one user when ensured concurrently", async () => {
        const users = await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            store.users.ensure({ uid: "uid-race", name: `N${i}` }),
          ),
        );

        for (const user of users) expect(user).toStrictEqual(users[0]);
        expect(await store.users.get("uid-race")).toStrictEqual(users[0]);
      });

      it("returns null for an unknown uid", async () => {
        expect(await store.users.get("nobody")).toBeNull();
        expect(await store.users.update("nobody", { name: "Ghost" })).toBeNull();
        expect(await store.users.get("nobody")).toBeNull();
      });

      it("updates only the given fields and refreshes updated_at", async () => {
        const created = await store.users.ensure({ uid: "uid-ada", name: "Ada", email: "a@x.io" });
        tick();

        const renamed = await store.users.update("uid-ada", { name: "Ada L." });
        expect(renamed).toStrictEqual({
          ...created,
          name: "Ada L.",
          updated_at: renamed?.updated_at,
        });
        expect(renamed!.updated_at > created.updated_at).toBe(true);

        const styled = await store.users.update("uid-ada", {
          learning_style: ["visual", "hands-on"],
        });
        expect(styled?.name).toBe("Ada L.");
        expect(styled?.learning_style).toEqual(["visual", "hands-on"]);
        expect(await store.users.get("uid-ada")).toStrictEqual(styled);
      });
    });

    describe("missions.createWithEnrollment", () => {
      it("creates the mission, enrollment, dashboard copy and Ally session together", async () => {
        const input = draft({ is_public: true, level: "Advanced" });
        const { mission, enrollment, allySession } = await store.missions.createWithEnrollment({
          draft: input,
          creatorId: "uid-ada",
        });

        expect(mission.id.length).toBeGreaterThanOrEqual(20);
        expectIsoTimestamp(mission.created_at);
        const now = mission.created_at;
        expect(mission).toStrictEqual({
          ...input,
          id: mission.id,
          creator_id: "uid-ada",
          created_at: now,
          updated_at: now,
        });
        expect(await store.missions.get(mission.id)).toStrictEqual(mission);

        expect(enrollment).toStrictEqual({
          id: `uid-ada_${mission.id}`,
          user_id: "uid-ada",
          mission_id: mission.id,
          enrolled_at: now,
          progress: 0,
          completed_checkpoints: [],
          last_accessed_at: now,
          completed: false,
          created_at: now,
          updated_at: now,
        });
        expect(await store.enrollments.get("uid-ada", mission.id)).toStrictEqual(enrollment);

        expect(await store.enrollments.listForUser("uid-ada")).toStrictEqual([
          {
            mission_id: mission.id,
            mission_title: input.title,
            mission_short_description: input.short_description,
            mission_skills: input.skills,
            progress: 0,
            byte_size_checkpoints: input.byte_size_checkpoints,
            completed_checkpoints: [],
            enrolled_at: now,
            last_accessed_at: now,
            completed: false,
            updated_at: now,
          },
        ]);

        expect(allySession.id.length).toBeGreaterThanOrEqual(20);
        expect(allySession).toStrictEqual({
          id: allySession.id,
          enrollment_id: enrollment.id,
          user_id: "uid-ada",
          mission_id: mission.id,
          status: "created",
          created_at: now,
          updated_at: now,
          started_at: null,
          completed_at: null,
        });
        expect(await store.allySessions.getForEnrollment(enrollment.id)).toStrictEqual(allySession);
      });

      it("gives every mission and Ally session its own id", async () => {
        const a = await store.missions.createWithEnrollment({ draft: draft(), creatorId: "u1" });
        const b = await store.missions.createWithEnrollment({ draft: draft(), creatorId: "u1" });

        expect(a.mission.id).not.toBe(b.mission.id);
        expect(a.allySession.id).not.toBe(b.allySession.id);
        expect(await store.enrollments.listForUser("u1")).toHaveLength(2);
      });

      it("completes the Commander session in the same call", async () => {
        const session = await store.commanderSessions.create("uid-ada");
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
          commanderSessionId: session.id,
        });

        const completed = await store.commanderSessions.get(session.id);
        expect(completed).toStrictEqual({
          ...session,
          status: "completed",
          mission_id: mission.id,
          completed_at: completed?.completed_at,
          updated_at: completed?.updated_at,
        });
        expectIsoTimestamp(completed?.completed_at ?? null);
      });

      it("returns the first result when retried for the same Commander session", async () => {
        const session = await store.commanderSessions.create("uid-ada");
        const first = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
          commanderSessionId: session.id,
        });
        const completedSession = await store.commanderSessions.get(session.id);
        tick();

        const retry = await store.missions.createWithEnrollment({
          draft: draft({ title: "A different title" }),
          creatorId: "uid-ada",
          commanderSessionId: session.id,
        });

        expect(retry).toStrictEqual(first);
        expect(await store.enrollments.listForUser("uid-ada")).toHaveLength(1);
        expect(await store.commanderSessions.get(session.id)).toStrictEqual(completedSession);
      });

      it("creates one mission when retries for a Commander session race", async () => {
        const session = await store.commanderSessions.create("uid-ada");
        const input = { draft: draft(), creatorId: "uid-ada", commanderSessionId: session.id };

        const results = await Promise.all([
          store.missions.createWithEnrollment(input),
          store.missions.createWithEnrollment(input),
          store.missions.createWithEnrollment(input),
        ]);

        for (const result of results) expect(result).toStrictEqual(results[0]);
        expect(await store.enrollments.listForUser("uid-ada")).toHaveLength(1);
      });

      it("rejects another user's Commander session and writes nothing", async () => {
        const session = await store.commanderSessions.create("uid-owner");

        await expect(
          store.missions.createWithEnrollment({
            draft: draft(),
            creatorId: "uid-intruder",
            commanderSessionId: session.id,
          }),
        ).rejects.toThrow(Error);

        expect(await store.enrollments.listForUser("uid-intruder")).toStrictEqual([]);
        expect(await store.enrollments.listForUser("uid-owner")).toStrictEqual([]);
        expect(await store.commanderSessions.get(session.id)).toStrictEqual(session);
      });

      it("rejects an unknown Commander session and writes nothing", async () => {
        await expect(
          store.missions.createWithEnrollment({
            draft: draft(),
            creatorId: "uid-ada",
            commanderSessionId: "no-such-session",
          }),
        ).rejects.toThrow(Error);

        expect(await store.enrollments.listForUser("uid-ada")).toStrictEqual([]);
      });
    });

    describe("missions.get and missions.update", () => {
      it("returns null for an unknown mission", async () => {
        expect(await store.missions.get("no-such-mission")).toBeNull();
        expect(await store.missions.update("no-such-mission", { title: "x" })).toBeNull();
      });

      it("writes only the keys present and refreshes updated_at", async () => {
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        tick();

        const updated = await store.missions.update(mission.id, {
          title: undefined,
          description: "A longer description",
          is_public: true,
          level: "Intermediate",
        });

        expect(updated).toStrictEqual({
          ...mission,
          description: "A longer description",
          is_public: true,
          level: "Intermediate",
          updated_at: updated?.updated_at,
        });
        expect(updated!.updated_at > mission.updated_at).toBe(true);
        expect(await store.missions.get(mission.id)).toStrictEqual(updated);

        const unpublished = await store.missions.update(mission.id, { is_public: false });
        expect(unpublished?.is_public).toBe(false);
        expect(unpublished?.description).toBe("A longer description");
      });

      it("copies title, short description and skills to the dashboard copy", async () => {
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        const [before] = await store.enrollments.listForUser("uid-ada");
        tick();

        const updated = await store.missions.update(mission.id, {
          title: "Master SQL joins",
          skills: ["SQL"],
        });

        const [after] = await store.enrollments.listForUser("uid-ada");
        expect(after).toStrictEqual({
          ...before,
          mission_title: "Master SQL joins",
          mission_short_description: mission.short_description,
          mission_skills: ["SQL"],
          updated_at: updated?.updated_at,
        });
        expect(after!.updated_at > before!.updated_at).toBe(true);

        await store.missions.update(mission.id, { short_description: "Joins, fast" });
        const [latest] = await store.enrollments.listForUser("uid-ada");
        expect(latest?.mission_title).toBe("Master SQL joins");
        expect(latest?.mission_short_description).toBe("Joins, fast");
        expect(latest?.mission_skills).toEqual(["SQL"]);
      });

      it("leaves the dashboard copy alone for fields it does not copy", async () => {
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        const before = await store.enrollments.listForUser("uid-ada");
        tick();

        await store.missions.update(mission.id, {
          description: "Changed",
          is_public: true,
          level: "Advanced",
        });

        expect(await store.enrollments.listForUser("uid-ada")).toStrictEqual(before);
      });
    });

    describe("enrollments", () => {
      it("returns null for an unknown enrollment", async () => {
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        expect(await store.enrollments.get("uid-bob", mission.id)).toBeNull();
        expect(await store.enrollments.get("uid-ada", "no-such-mission")).toBeNull();
      });

      it("records progress on the enrollment and its dashboard copy", async () => {
        const { mission, enrollment } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        tick();

        const updated = await store.enrollments.recordProgress("uid-ada", mission.id, {
          completed_checkpoints: ["What a join is"],
          progress: 33,
          completed: false,
        });

        expect(updated).toStrictEqual({
          ...enrollment,
          progress: 33,
          completed_checkpoints: ["What a join is"],
          last_accessed_at: updated.last_accessed_at,
          updated_at: updated.last_accessed_at,
        });
        expect(updated.last_accessed_at > enrollment.last_accessed_at).toBe(true);
        expect(await store.enrollments.get("uid-ada", mission.id)).toStrictEqual(updated);

        const [copy] = await store.enrollments.listForUser("uid-ada");
        expect(copy).toMatchObject({
          progress: 33,
          completed_checkpoints: ["What a join is"],
          completed: false,
          last_accessed_at: updated.last_accessed_at,
          updated_at: updated.updated_at,
          enrolled_at: enrollment.enrolled_at,
        });
      });

      it("never lowers progress, forgets checkpoints or un-completes", async () => {
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });

        await store.enrollments.recordProgress("uid-ada", mission.id, {
          completed_checkpoints: ["What a join is", "Inner join"],
          progress: 66,
          completed: false,
        });
        await store.enrollments.recordProgress("uid-ada", mission.id, {
          completed_checkpoints: ["Left join"],
          progress: 100,
          completed: true,
        });
        const stale = await store.enrollments.recordProgress("uid-ada", mission.id, {
          completed_checkpoints: ["Inner join"],
          progress: 10,
          completed: false,
        });

        const expected = {
          progress: 100,
          completed_checkpoints: ["What a join is", "Inner join", "Left join"],
          completed: true,
        };
        expect(stale).toMatchObject(expected);
        expect(await store.enrollments.get("uid-ada", mission.id)).toMatchObject(expected);
        expect((await store.enrollments.listForUser("uid-ada"))[0]).toMatchObject(expected);
      });

      it("keeps a title that several checkpoints share once per checkpoint completed", async () => {
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft({ byte_size_checkpoints: ["Drill", "Drill", "Review"] }),
          creatorId: "uid-ada",
        });
        const record = (completed_checkpoints: string[], progress: number) =>
          store.enrollments.recordProgress("uid-ada", mission.id, {
            completed_checkpoints,
            progress,
            completed: false,
          });

        await record(["Drill"], 33.33);
        await record(["Drill", "Drill"], 66.67);
        const stale = await record(["Drill"], 33.33);

        const expected = { completed_checkpoints: ["Drill", "Drill"], progress: 66.67 };
        expect(stale).toMatchObject(expected);
        expect(await store.enrollments.get("uid-ada", mission.id)).toMatchObject(expected);
        expect((await store.enrollments.listForUser("uid-ada"))[0]).toMatchObject(expected);
      });

      it("rejects progress for a missing enrollment", async () => {
        const { mission } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        const update = { completed_checkpoints: ["x"], progress: 50, completed: false };

        await expect(
          store.enrollments.recordProgress("uid-bob", mission.id, update),
        ).rejects.toThrow(Error);
        await expect(
          store.enrollments.recordProgress("uid-ada", "no-such-mission", update),
        ).rejects.toThrow(Error);
        expect(await store.enrollments.listForUser("uid-bob")).toStrictEqual([]);
      });

      it("lists only the user's dashboard copies, most recently accessed first", async () => {
        const first = await store.missions.createWithEnrollment({
          draft: draft({ title: "First" }),
          creatorId: "uid-ada",
        });
        tick();
        await store.missions.createWithEnrollment({
          draft: draft({ title: "Second" }),
          creatorId: "uid-ada",
        });
        await store.missions.createWithEnrollment({
          draft: draft({ title: "Bob's" }),
          creatorId: "uid-bob",
        });

        const titles = (list: EnrolledMission[]) => list.map((m) => m.mission_title);
        expect(titles(await store.enrollments.listForUser("uid-ada"))).toEqual(["Second", "First"]);

        tick();
        await store.enrollments.recordProgress("uid-ada", first.mission.id, {
          completed_checkpoints: [],
          progress: 1,
          completed: false,
        });
        expect(titles(await store.enrollments.listForUser("uid-ada"))).toEqual(["First", "Second"]);
        expect(titles(await store.enrollments.listForUser("uid-bob"))).toEqual(["Bob's"]);
        expect(await store.enrollments.listForUser("uid-nobody")).toStrictEqual([]);
      });
    });

    describe("commander sessions", () => {
      it("creates an active session", async () => {
        const session = await store.commanderSessions.create("uid-ada");

        expect(session.id.length).toBeGreaterThanOrEqual(20);
        expectIsoTimestamp(session.created_at);
        expect(session).toStrictEqual({
          id: session.id,
          user_id: "uid-ada",
          status: "active",
          mission_id: null,
          created_at: session.created_at,
          updated_at: session.created_at,
          completed_at: null,
        });
        expect(await store.commanderSessions.get(session.id)).toStrictEqual(session);
        expect((await store.commanderSessions.create("uid-ada")).id).not.toBe(session.id);
      });

      it("moves between statuses, stamping completed_at on completion", async () => {
        const session = await store.commanderSessions.create("uid-ada");
        tick();

        await store.commanderSessions.setStatus(session.id, "error");
        const errored = await store.commanderSessions.get(session.id);
        expect(errored?.status).toBe("error");
        expect(errored?.completed_at).toBeNull();
        expect(errored!.updated_at > session.updated_at).toBe(true);

        await store.commanderSessions.setStatus(session.id, "completed");
        const completed = await store.commanderSessions.get(session.id);
        expect(completed?.status).toBe("completed");
        expectIsoTimestamp(completed?.completed_at ?? null);
        expect(completed?.mission_id).toBeNull();

        await store.commanderSessions.setStatus(session.id, "abandoned");
        expect((await store.commanderSessions.get(session.id))?.status).toBe("abandoned");
      });

      it("lists only the user's sessions, most recently updated first, up to the limit", async () => {
        const first = await store.commanderSessions.create("uid-ada");
        tick();
        const second = await store.commanderSessions.create("uid-ada");
        tick();
        const third = await store.commanderSessions.create("uid-ada");
        await store.commanderSessions.create("uid-bob");
        tick();
        await store.commanderSessions.setStatus(first.id, "abandoned");

        const ids = async (limit: number) =>
          (await store.commanderSessions.listForUser("uid-ada", limit)).map((s) => s.id);
        expect(await ids(10)).toEqual([first.id, third.id, second.id]);
        expect(await ids(2)).toEqual([first.id, third.id]);
        const [listed] = await store.commanderSessions.listForUser("uid-ada", 1);
        expect(listed).toStrictEqual(await store.commanderSessions.get(first.id));
        expect(await store.commanderSessions.listForUser("uid-nobody", 10)).toStrictEqual([]);
      });

      it("returns null for an unknown session and rejects a status change for it", async () => {
        expect(await store.commanderSessions.get("no-such-session")).toBeNull();
        await expect(store.commanderSessions.setStatus("no-such-session", "error")).rejects.toThrow(
          Error,
        );
      });
    });

    describe("ally sessions", () => {
      it("moves created to started once", async () => {
        const { allySession } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        tick();

        const started = await store.allySessions.markStarted(allySession.id);
        expect(started).toStrictEqual({
          ...allySession,
          status: "started",
          started_at: started.started_at,
          updated_at: started.started_at,
        });
        expect(started.started_at! > allySession.created_at).toBe(true);
        tick();

        expect(await store.allySessions.markStarted(allySession.id)).toStrictEqual(started);
        expect(await store.allySessions.getForEnrollment(allySession.enrollment_id)).toStrictEqual(
          started,
        );
      });

      it("completes a session idempotently and never restarts it", async () => {
        const { allySession } = await store.missions.createWithEnrollment({
          draft: draft(),
          creatorId: "uid-ada",
        });
        const started = await store.allySessions.markStarted(allySession.id);
        tick();

        const completed = await store.allySessions.markCompleted(allySession.id);
        expect(completed).toStrictEqual({
          ...started,
          status: "completed",
          completed_at: completed.completed_at,
          updated_at: completed.completed_at,
        });
        expect(completed.completed_at! > started.started_at!).toBe(true);
        tick();

        expect(await store.allySessions.markCompleted(allySession.id)).toStrictEqual(completed);
        expect(await store.allySessions.markStarted(allySession.id)).toStrictEqual(completed);
      });

      it("returns null or rejects for unknown sessions", async () => {
        expect(await store.allySessions.getForEnrollment("no-such-enrollment")).toBeNull();
        await expect(store.allySessions.markStarted("no-such-session")).rejects.toThrow(Error);
        await expect(store.allySessions.markCompleted("no-such-session")).rejects.toThrow(Error);
      });
    });

    describe("transcripts", () => {
      it("numbers entries in order and stamps them, per conversation", async () => {
        const interview = commanderThreadId("s1");
        const lesson = allyThreadId(enrollmentId("u", "m"));
        const first = await store.transcripts.append(interview, [
          said("h1", "I want to learn SQL"),
          said("a1", "What for?"),
        ]);
        tick();
        const second = await store.transcripts.append(interview, [said("h2", "Reports", "turn-2")]);
        const other = await store.transcripts.append(lesson, [said("h1", "Hello")]);

        expect(first).toStrictEqual([
          { ...said("h1", "I want to learn SQL"), seq: 1, at: first[0]!.at },
          { ...said("a1", "What for?"), seq: 2, at: first[0]!.at },
        ]);
        expectIsoTimestamp(first[0]!.at);
        expect(second).toStrictEqual([
          { ...said("h2", "Reports", "turn-2"), seq: 3, at: second[0]!.at },
        ]);
        expect(second[0]!.at > first[0]!.at).toBe(true);
        expect(other.map((e) => e.seq)).toStrictEqual([1]);
        expect(await store.transcripts.list(interview)).toStrictEqual([...first, ...second]);
        expect(await store.transcripts.list(lesson)).toStrictEqual(other);
        expect(await store.transcripts.list(commanderThreadId("none"))).toStrictEqual([]);
      });

      it("never appends an id twice: a retried append returns what is stored", async () => {
        const [learner] = await store.transcripts.append("t", [said("h1", "Hi")]);
        tick();
        const retried = await store.transcripts.append("t", [
          said("h1", "Hi, edited"),
          said("a1", "Hello!"),
          said("a1", "Hello again!"),
        ]);

        expect(retried).toStrictEqual([
          learner,
          { ...said("a1", "Hello!"), seq: 2, at: retried[1]!.at },
          { ...said("a1", "Hello!"), seq: 2, at: retried[1]!.at },
        ]);
        expect((await store.transcripts.list("t")).map((e) => [e.seq, e.text])).toStrictEqual([
          [1, "Hi"],
          [2, "Hello!"],
        ]);
        expect(await store.transcripts.append("t", [])).toStrictEqual([]);
      });

      it("pages after a seq, at most a limit at a time", async () => {
        const entries = Array.from({ length: 7 }, (_, i) => said(`a${i}`, `line ${i}`));
        await store.transcripts.append("t", entries);

        const texts = async (afterSeq?: number, limit?: number) =>
          (await store.transcripts.list("t", { afterSeq, limit })).map((e) => e.text);
        expect(await texts(undefined, 3)).toStrictEqual(["line 0", "line 1", "line 2"]);
        expect(await texts(3, 3)).toStrictEqual(["line 3", "line 4", "line 5"]);
        expect(await texts(6)).toStrictEqual(["line 6"]);
        expect(await texts(7)).toStrictEqual([]);
      });

      it("numbers concurrent appends without gaps or repeats", async () => {
        await Promise.all(
          Array.from({ length: 3 }, (_, i) =>
            store.transcripts.append("t", [said(`h${i}`, `q${i}`), said(`a${i}`, `r${i}`)]),
          ),
        );
        const stored = await store.transcripts.list("t");
        expect(stored.map((e) => e.seq)).toStrictEqual([1, 2, 3, 4, 5, 6]);
        // Each append's entries stay together and in order.
        for (let i = 0; i < stored.length; i += 2) {
          expect(stored[i + 1]!.id).toBe(stored[i]!.id.replace("h", "a"));
        }
      });

      it("keeps ids and texts exactly, whatever characters they hold", async () => {
        const odd = {
          ...said("a/../__x__ .id", 'line\nwith "quotes", émoji 🎉 and\u0000nul'),
          node: "mission_sensei:teach",
        };
        // Not a thread any conversation has: a key with a slash, which a document path splits on.
        await store.transcripts.append("ally:a/b", [odd]);
        const [stored] = await store.transcripts.list("ally:a/b");
        expect(stored).toMatchObject(odd);
      });
    });

    describe("leases", () => {
      const TTL = 10_000;
      const checkpointConfig = (thread: string, token: number) => ({
        configurable: { thread_id: thread, checkpoint_ns: "", lease_token: token },
      });
      const metadata = { source: "input" as const, step: -1, parents: {} };

      it("gives the first owner token 1, and a newer owner the next token as a takeover", async () => {
        const held = allyThreadId(enrollmentId("u", "m1"));
        const other = allyThreadId(enrollmentId("u", "m2"));
        const first = await store.leases.acquire(held, "i1/1", TTL);
        expect(first).toStrictEqual({
          lease: {
            key: held,
            owner: "i1/1",
            token: 1,
            expires_at: new Date(clock.now().getTime() + TTL).toISOString(),
          },
          tookOver: false,
        });
        const again = await store.leases.acquire(held, "i1/1", TTL);
        expect(again.lease.token).toBe(1);
        const second = await store.leases.acquire(held, "i2/7", TTL);
        expect(second).toMatchObject({ lease: { owner: "i2/7", token: 2 }, tookOver: true });
        expect(await store.leases.get(held)).toStrictEqual(second.lease);
        expect(await store.leases.get(other)).toBeNull();
        expect((await store.leases.acquire(other, "i1/1", TTL)).lease.token).toBe(1);
      });

      it("gives owners acquiring at once one token each, and the lease to the last", async () => {
        const owners = ["i1/1", "i2/1", "i3/1"];
        const acquired = await Promise.all(owners.map((o) => store.leases.acquire("k", o, TTL)));
        const tokens = acquired.map(({ lease }) => lease.token);
        expect([...tokens].sort((a, b) => a - b)).toStrictEqual([1, 2, 3]);
        const last = acquired.find(({ lease }) => lease.token === 3)!;
        expect(await store.leases.get("k")).toStrictEqual(last.lease);
        // Only the last token's writes go through.
        for (const token of [1, 2]) {
          await expect(
            store.transcripts.append("k", [said("h1", "Hi")], { fence: token }),
          ).rejects.toThrow(LeaseLostError);
        }
        await store.transcripts.append("k", [said("h1", "Hi")], { fence: 3 });
        expect(await store.transcripts.list("k")).toHaveLength(1);
      });

      it("renews only under the current token, and a released or expired lease is no takeover", async () => {
        await store.leases.acquire("k", "a", TTL);
        tick();
        const renewed = await store.leases.renew("k", 1, TTL);
        expect(renewed).toBe(new Date(clock.now().getTime() + TTL).toISOString());
        expect((await store.leases.get("k"))?.expires_at).toBe(renewed);
        await store.leases.acquire("k", "b", TTL);
        expect(await store.leases.renew("k", 1, TTL)).toBeNull();
        expect(await store.leases.release("k", 1)).toBe(false);
        expect(await store.leases.release("k", 2)).toBe(true);
        expect(await store.leases.get("k")).toMatchObject({ owner: null, token: 2 });
        expect(await store.leases.renew("k", 2, TTL)).toBeNull();
        const next = await store.leases.acquire("k", "c", TTL);
        expect(next).toMatchObject({ lease: { owner: "c", token: 3 }, tookOver: false });
        clock.advance(TTL + 1);
        const afterExpiry = await store.leases.acquire("k", "d", TTL);
        expect(afterExpiry).toMatchObject({ lease: { owner: "d", token: 4 }, tookOver: false });
      });

      it("refuses transcript appends under a stale token and applies nothing of them", async () => {
        await store.leases.acquire("t", "a", TTL);
        await store.transcripts.append("t", [said("h1", "Hi")], { fence: 1 });
        await store.leases.acquire("t", "b", TTL);
        await expect(
          store.transcripts.append("t", [said("a1", "Hello"), said("a2", "There")], { fence: 1 }),
        ).rejects.toThrow(LeaseLostError);
        await store.transcripts.append("t", [said("h2", "Again", "turn-2")], { fence: 2 });
        expect((await store.transcripts.list("t")).map((e) => [e.seq, e.id])).toStrictEqual([
          [1, "h1"],
          [2, "h2"],
        ]);
        await expect(
          store.transcripts.append("never-leased", [said("h1", "Hi")], { fence: 1 }),
        ).rejects.toThrow(LeaseLostError);
      });

      it("refuses checkpoint writes and fenced deletes under a stale token", async () => {
        const saver = store.checkpointer;
        await store.leases.acquire("thread-f", "a", TTL);
        const first = emptyCheckpoint();
        const stored = await saver.put(checkpointConfig("thread-f", 1), first, metadata, {});
        await saver.putWrites(
          { configurable: { ...stored.configurable, lease_token: 1 } },
          [["messages", "kept"]],
          "task-1",
        );
        await store.leases.acquire("thread-f", "b", TTL);
        const stale = { ...emptyCheckpoint(), id: `${first.id}-stale` };
        await expect(
          saver.put(
            { configurable: { ...stored.configurable, lease_token: 1 } },
            stale,
            metadata,
            {},
          ),
        ).rejects.toThrow(LeaseLostError);
        await expect(
          saver.putWrites(
            { configurable: { ...stored.configurable, lease_token: 1 } },
            [["messages", "lost"]],
            "task-2",
          ),
        ).rejects.toThrow(LeaseLostError);
        expect(canDeleteFenced(saver)).toBe(true);
        if (canDeleteFenced(saver)) {
          await expect(saver.deleteThreadFenced("thread-f", 1)).rejects.toThrow(LeaseLostError);
        }
        const head = await saver.getTuple({ configurable: { thread_id: "thread-f" } });
        expect(head?.checkpoint.id).toBe(first.id);
        expect(head?.pendingWrites?.map(([task]) => task)).toStrictEqual(["task-1"]);
        if (canDeleteFenced(saver)) await saver.deleteThreadFenced("thread-f", 2);
        expect(await saver.getTuple({ configurable: { thread_id: "thread-f" } })).toBeUndefined();
      });

      it("tells a watcher of a takeover within 2 s, and of nothing once it stops", async () => {
        await store.leases.acquire("w", "a", TTL);
        const seen: (string | null | undefined)[] = [];
        const stop = store.leases.watch("w", (lease) => seen.push(lease?.owner));
        const started = Date.now();
        await store.leases.acquire("w", "b", TTL);
        await expect.poll(() => seen.at(-1), { timeout: 2_000, interval: 20 }).toBe("b");
        expect(Date.now() - started).toBeLessThan(2_000);
        stop();
        const count = seen.length;
        // A watcher still on is told of the next takeover from the same notice the stopped one
        // would get: once it has heard, the stopped one would have.
        const later: (string | null | undefined)[] = [];
        const stopLater = store.leases.watch("w", (lease) => later.push(lease?.owner));
        await store.leases.acquire("w", "c", TTL);
        await expect.poll(() => later.at(-1), { timeout: 2_000, interval: 20 }).toBe("c");
        stopLater();
        expect(seen.length).toBe(count);
      });
    });

    describe("checkpointer and lifecycle", () => {
      it("stores and returns LangGraph checkpoints", async () => {
        const config = { configurable: { thread_id: "thread-1", checkpoint_ns: "" } };
        const checkpoint = emptyCheckpoint();
        const metadata = { source: "input" as const, step: -1, parents: {} };

        await store.checkpointer.put(config, checkpoint, metadata, {});
        const tuple = await store.checkpointer.getTuple(config);

        expect(tuple?.checkpoint.id).toBe(checkpoint.id);
        expect(tuple?.metadata).toMatchObject(metadata);
        expect(await store.checkpointer.getTuple({ configurable: { thread_id: "other" } })).toBe(
          undefined,
        );
      });

      it("can be closed more than once", async () => {
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}

/**
 * Writes one of everything through `store`, closes it, reopens it with `reopen`, and checks that
 * it all reads back the same, a retried mission creation included. Returns the reopened store.
 */
export async function expectSurvivesReopen(
  store: Store,
  reopen: () => Promise<Store> | Store,
): Promise<Store> {
  const user = await store.users.ensure({ uid: "uid-ada", name: "Ada" });
  const session = await store.commanderSessions.create("uid-ada");
  const created = await store.missions.createWithEnrollment({
    draft: draft(),
    creatorId: "uid-ada",
    commanderSessionId: session.id,
  });
  await store.enrollments.recordProgress("uid-ada", created.mission.id, {
    completed_checkpoints: ["What a join is"],
    progress: 33.33,
    completed: false,
  });
  const config = { configurable: { thread_id: created.allySession.id, checkpoint_ns: "" } };
  const checkpoint = emptyCheckpoint();
  await store.checkpointer.put(config, checkpoint, { source: "input", step: -1, parents: {} }, {});
  const transcript = await store.transcripts.append(config.configurable.thread_id, [
    said("h1", "Hello"),
    said("a1", "Welcome back"),
  ]);
  const dashboard = await store.enrollments.listForUser("uid-ada");
  const enrollment = await store.enrollments.get("uid-ada", created.mission.id);
  const completedSession = await store.commanderSessions.get(session.id);
  await store.close();

  const reopened = await reopen();
  expect(await reopened.users.get("uid-ada")).toStrictEqual(user);
  expect(await reopened.missions.get(created.mission.id)).toStrictEqual(created.mission);
  expect(enrollment?.progress).toBe(33.33);
  expect(await reopened.enrollments.get("uid-ada", created.mission.id)).toStrictEqual(enrollment);
  expect(await reopened.enrollments.listForUser("uid-ada")).toStrictEqual(dashboard);
  expect(await reopened.allySessions.getForEnrollment(created.enrollment.id)).toStrictEqual(
    created.allySession,
  );
  expect(await reopened.commanderSessions.get(session.id)).toStrictEqual(completedSession);
  expect((await reopened.checkpointer.getTuple(config))?.checkpoint.id).toBe(checkpoint.id);
  expect(await reopened.transcripts.list(config.configurable.thread_id)).toStrictEqual(transcript);
  const retry = await reopened.missions.createWithEnrollment({
    draft: draft(),
    creatorId: "uid-ada",
    commanderSessionId: session.id,
  });
  expect(retry).toStrictEqual({ ...created, enrollment });
  return reopened;
}
