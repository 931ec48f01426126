import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { allyThreadId, enrollmentId, type MissionDraft } from "../../domain/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { describeStoreContract, expectSurvivesReopen } from "./store-contract.js";

describeStoreContract("sqlite :memory:", (clock) => openSqliteStore({ path: ":memory:", clock }));

const draft: MissionDraft = {
  title: "Learn SQL joins",
  short_description: "Joins in an afternoon",
  description: "Inner, outer and cross joins.",
  level: "Beginner",
  topics_to_cover: ["inner join"],
  learning_goal: "Write a join",
  byte_size_checkpoints: ["Inner join", "Left join"],
  skills: ["SQL"],
  is_public: false,
};

const DOMAIN_TABLES = [
  "missions",
  "enrollments",
  "enrolled_missions",
  "enrollment_session_logs",
] as const;

describe("SQLite file store", () => {
  let dir: string;
  let file: string;
  let store: Store;
  /** A second connection to the same file, to inspect rows and plant failures. */
  let raw: Database.Database;

  const count = (table: (typeof DOMAIN_TABLES)[number]) =>
    raw.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-store-"));
    file = path.join(dir, "nested", "store.db");
    store = openSqliteStore({ path: file });
    raw = new Database(file);
  });

  afterEach(async () => {
    raw.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates parent directories and uses WAL", () => {
    expect(fs.existsSync(file)).toBe(true);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
  });

  it("keeps missions, enrollments and checkpoints after close and reopen", async () => {
    store = await expectSurvivesReopen(store, () => openSqliteStore({ path: file }));
  });

  it("writes nothing when the Ally session insert fails", async () => {
    const session = await store.commanderSessions.create("uid-ada");
    raw.exec(`CREATE TRIGGER fail_ally BEFORE INSERT ON enrollment_session_logs
              BEGIN SELECT RAISE(ABORT, 'ally insert failed'); END`);

    await expect(
      store.missions.createWithEnrollment({
        draft,
        creatorId: "uid-ada",
        commanderSessionId: session.id,
      }),
    ).rejects.toThrow("ally insert failed");

    for (const table of DOMAIN_TABLES) expect(count(table)).toBe(0);
    expect(await store.commanderSessions.get(session.id)).toStrictEqual(session);

    raw.exec("DROP TRIGGER fail_ally");
    const created = await store.missions.createWithEnrollment({
      draft,
      creatorId: "uid-ada",
      commanderSessionId: session.id,
    });
    for (const table of DOMAIN_TABLES) expect(count(table)).toBe(1);
    expect((await store.commanderSessions.get(session.id))?.mission_id).toBe(created.mission.id);
  });

  it("rolls back a mission update when the dashboard copies cannot be updated", async () => {
    const { mission } = await store.missions.createWithEnrollment({ draft, creatorId: "uid-ada" });
    raw.exec(`CREATE TRIGGER fail_copy BEFORE UPDATE ON enrolled_missions
              BEGIN SELECT RAISE(ABORT, 'copy update failed'); END`);

    await expect(store.missions.update(mission.id, { title: "Renamed" })).rejects.toThrow(
      "copy update failed",
    );
    expect(await store.missions.get(mission.id)).toStrictEqual(mission);

    await expect(
      store.enrollments.recordProgress("uid-ada", mission.id, {
        completed_checkpoints: ["Inner join"],
        progress: 50,
        completed: false,
      }),
    ).rejects.toThrow("copy update failed");
    expect((await store.enrollments.get("uid-ada", mission.id))?.progress).toBe(0);
  });

  it("updates the dashboard copy of every enrolled user", async () => {
    const { mission } = await store.missions.createWithEnrollment({ draft, creatorId: "uid-ada" });
    // No port enrolls a second user yet, so plant Bob's enrollment directly.
    raw.exec(`INSERT INTO enrollments
                SELECT 'uid-bob_' || mission_id, 'uid-bob', mission_id, enrolled_at, progress,
                  completed_checkpoints, last_accessed_at, completed, created_at, updated_at
                FROM enrollments WHERE user_id = 'uid-ada'`);
    raw.exec(`INSERT INTO enrolled_missions
                SELECT 'uid-bob', mission_id, mission_title, mission_short_description,
                  mission_skills, progress, byte_size_checkpoints, completed_checkpoints,
                  enrolled_at, last_accessed_at, completed, updated_at
                FROM enrolled_missions WHERE user_id = 'uid-ada'`);

    await store.missions.update(mission.id, { title: "Renamed", skills: ["SQL", "Postgres"] });

    for (const uid of ["uid-ada", "uid-bob"]) {
      const [copy] = await store.enrollments.listForUser(uid);
      expect(copy?.mission_title).toBe("Renamed");
      expect(copy?.mission_skills).toEqual(["SQL", "Postgres"]);
    }
  });
});

describe("SQLite leases shared through one file", () => {
  it("fences out and tells an owner whose lease a store on another connection took", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-leases-"));
    const file = path.join(dir, "store.db");
    const mine = openSqliteStore({ path: file });
    const theirs = openSqliteStore({ path: file });
    const thread = allyThreadId(enrollmentId("u", "m1"));
    try {
      const { lease } = await mine.leases.acquire(thread, "here/1", 10_000);
      const owners: (string | null | undefined)[] = [];
      const stop = mine.leases.watch(thread, (current) => owners.push(current?.owner));
      const started = Date.now();
      const taken = await theirs.leases.acquire(thread, "there/1", 10_000);
      expect(taken).toMatchObject({ lease: { token: lease.token + 1 }, tookOver: true });
      await expect.poll(() => owners.at(-1), { timeout: 2_000, interval: 20 }).toBe("there/1");
      expect(Date.now() - started).toBeLessThan(2_000);
      stop();
      await expect(
        mine.transcripts.append(
          thread,
          [{ id: "h1", role: "learner", agent: null, node: null, text: "Hi", turn_id: "t1" }],
          { fence: lease.token },
        ),
      ).rejects.toThrow(/no longer held/);
      expect(await theirs.transcripts.list(thread)).toEqual([]);
    } finally {
      await mine.close();
      await theirs.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
