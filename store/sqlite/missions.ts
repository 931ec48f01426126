import type { Database } from "better-sqlite3";
import {
  DASHBOARD_FIELDS,
  EnrolledMissionSchema,
  MissionSchema,
  dashboardFields,
  isoNow,
  missionChanges,
  patchReachesDashboards,
  type Clock,
  type Mission,
  type MissionPatch,
} from "../../domain/index.js";
import type { MissionStore } from "../ports.js";
import { createMissionWithEnrollmentTransaction } from "./create-mission-with-enrollment.js";
import { fromRow, toRow, updateSql, type Row } from "./rows.js";

export function createSqliteMissionStore(db: Database, clock: Clock): MissionStore {
  const select = db.prepare<[string], Row>("SELECT * FROM missions WHERE id = ?");
  const write = db.prepare(updateSql("missions", MissionSchema));
  const copied = [...Object.keys(DASHBOARD_FIELDS), "updated_at"];
  const updateDashboardCopies = db.prepare(
    `UPDATE enrolled_missions SET ${copied.map((c) => `${c} = @${c}`).join(", ")}
     WHERE mission_id = @mission_id`,
  );
  const createWithEnrollment = createMissionWithEnrollmentTransaction(db, clock);

  const get = (id: string) => {
    const row = select.get(id);
    return row ? fromRow(MissionSchema, row, "missions") : null;
  };

  // The mission and every user's dashboard copy change together.
  const update = db.transaction((id: string, patch: MissionPatch): Mission | null => {
    const current = get(id);
    if (!current) return null;
    const mission = { ...current, ...missionChanges(patch, isoNow(clock)) };
    write.run(toRow(MissionSchema, mission));
    if (patchReachesDashboards(patch)) {
      updateDashboardCopies.run({
        ...toRow(EnrolledMissionSchema, dashboardFields(mission)),
        updated_at: mission.updated_at,
        mission_id: id,
      });
    }
    return mission;
  });

  return {
    async get(id) {
      return get(id);
    },
    async createWithEnrollment(input) {
      return createWithEnrollment.immediate(input);
    },
    async update(id, patch) {
      return update.immediate(id, patch);
    },
  };
}
