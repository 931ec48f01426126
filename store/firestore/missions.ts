import type { MissionStore } from "../ports.js";
import type { Mission, MissionPatch } from "../types.js";
import { DASHBOARD_COPIES, documentIn, type Collections } from "./collections.js";
import { createMissionWithEnrollment } from "./create-mission-with-enrollment.js";
import { timestamp, toMission } from "./documents.js";

const PATCHABLE = [
  "title",
  "short_description",
  "description",
  "is_public",
  "level",
  "skills",
] as const;

export function createFirestoreMissionStore(c: Collections): MissionStore {
  return {
    async get(id) {
      const snapshot = await documentIn(c.missions, id)?.get();
      return snapshot?.exists ? toMission(snapshot) : null;
    },
    createWithEnrollment: (input) => createMissionWithEnrollment(c, input),
    async update(id, patch) {
      const ref = documentIn(c.missions, id);
      if (!ref) return null;
      const changes: MissionPatch = {};
      for (const key of PATCHABLE) {
        if (patch[key] !== undefined) Object.assign(changes, { [key]: patch[key] });
      }
      const copiedFieldChanged =
        changes.title !== undefined ||
        changes.short_description !== undefined ||
        changes.skills !== undefined;

      // The mission and every user's dashboard copy change together.
      return c.firestore.runTransaction(async (tx): Promise<Mission | null> => {
        const snapshot = await tx.get(ref);
        if (!snapshot.exists) return null;
        const copies = copiedFieldChanged
          ? await tx.get(
              c.firestore.collectionGroup(DASHBOARD_COPIES).where("mission_id", "==", id),
            )
          : undefined;
        const now = new Date().toISOString();
        const at = timestamp(now);
        const mission: Mission = { ...toMission(snapshot), ...changes, updated_at: now };
        tx.update(ref, { ...changes, updated_at: at });
        for (const copy of copies?.docs ?? []) {
          tx.update(copy.ref, {
            mission_title: mission.title,
            mission_short_description: mission.short_description,
            mission_skills: mission.skills,
            updated_at: at,
          });
        }
        return mission;
      });
    },
  };
}
