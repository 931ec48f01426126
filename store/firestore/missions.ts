import {
  EnrolledMissionSchema,
  MissionSchema,
  dashboardFields,
  isoNow,
  missionChanges,
  patchReachesDashboards,
  type Clock,
  type Mission,
} from "../../domain/index.js";
import type { MissionStore } from "../ports.js";
import { DASHBOARD_COPIES, documentIn, type Collections } from "./collections.js";
import { createMissionWithEnrollment } from "./create-mission-with-enrollment.js";
import { fromDocument, toDocument } from "./documents.js";

export function createFirestoreMissionStore(c: Collections, clock: Clock): MissionStore {
  return {
    async get(id) {
      const snapshot = await documentIn(c.missions, id)?.get();
      return snapshot?.exists ? fromDocument(MissionSchema, snapshot) : null;
    },
    createWithEnrollment: (input) => createMissionWithEnrollment(c, clock, input),
    async update(id, patch) {
      const ref = documentIn(c.missions, id);
      if (!ref) return null;
      // The mission and every user's dashboard copy change together.
      return c.transaction(async (tx): Promise<Mission | null> => {
        const snapshot = await tx.get(ref);
        if (!snapshot.exists) return null;
        const copies = patchReachesDashboards(patch)
          ? await tx.get(
              c.firestore.collectionGroup(DASHBOARD_COPIES).where("mission_id", "==", id),
            )
          : undefined;
        const changes = missionChanges(patch, isoNow(clock));
        const mission = { ...fromDocument(MissionSchema, snapshot), ...changes };
        tx.update(ref, toDocument(MissionSchema, changes));
        const copied = { ...dashboardFields(mission), updated_at: mission.updated_at };
        for (const copy of copies?.docs ?? []) {
          tx.update(copy.ref, toDocument(EnrolledMissionSchema, copied));
        }
        return mission;
      });
    },
  };
}
