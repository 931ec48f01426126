import type { Database } from "better-sqlite3";
import type { MissionStore } from "../ports.js";
import type { Mission, MissionPatch } from "../types.js";
import { createMissionWithEnrollmentTransaction } from "./create-mission-with-enrollment.js";
import { toMission, type MissionRow } from "./rows.js";

/** A null parameter means "leave the column as it is"; no patchable column is nullable. */
interface MissionUpdate {
  id: string;
  title: string | null;
  short_description: string | null;
  description: string | null;
  is_public: number | null;
  level: string | null;
  skills: string | null;
  now: string;
}

interface DashboardCopyUpdate {
  mission_id: string;
  title: string;
  short_description: string;
  skills: string;
  now: string;
}

export function createSqliteMissionStore(db: Database): MissionStore {
  const select = db.prepare<[string], MissionRow>("SELECT * FROM missions WHERE id = ?");
  const updateMission = db.prepare<MissionUpdate>(
    `UPDATE missions
     SET title = COALESCE(@title, title),
         short_description = COALESCE(@short_description, short_description),
         description = COALESCE(@description, description),
         is_public = COALESCE(@is_public, is_public),
         level = COALESCE(@level, level),
         skills = COALESCE(@skills, skills),
         updated_at = @now
     WHERE id = @id`,
  );
  const updateDashboardCopies = db.prepare<DashboardCopyUpdate>(
    `UPDATE enrolled_missions
     SET mission_title = @title, mission_short_description = @short_description,
         mission_skills = @skills, updated_at = @now
     WHERE mission_id = @mission_id`,
  );
  const createWithEnrollment = createMissionWithEnrollmentTransaction(db);

  const get = (id: string) => {
    const row = select.get(id);
    return row ? toMission(row) : null;
  };

  const update = db.transaction((id: string, patch: MissionPatch): Mission | null => {
    const now = new Date().toISOString();
    const { changes } = updateMission.run({
      id,
      title: patch.title ?? null,
      short_description: patch.short_description ?? null,
      description: patch.description ?? null,
      is_public: patch.is_public === undefined ? null : patch.is_public ? 1 : 0,
      level: patch.level ?? null,
      skills: patch.skills === undefined ? null : JSON.stringify(patch.skills),
      now,
    });
    if (changes === 0) return null;
    const row = select.get(id);
    if (!row) throw new Error(`Mission ${id} vanished during update`);
    const copiedFieldChanged =
      patch.title !== undefined ||
      patch.short_description !== undefined ||
      patch.skills !== undefined;
    if (copiedFieldChanged) {
      updateDashboardCopies.run({
        mission_id: id,
        title: row.title,
        short_description: row.short_description,
        skills: row.skills,
        now,
      });
    }
    return toMission(row);
  });

  return {
    async get(id) {
      return get(id);
    },
    async createWithEnrollment(input) {
      return createWithEnrollment(input);
    },
    async update(id, patch) {
      return update(id, patch);
    },
  };
}
