import type { EnrollmentStore } from "../ports.js";
import type { EnrolledMission, Enrollment } from "../types.js";
import { dashboardCopies, documentIn, enrollmentId, type Collections } from "./collections.js";
import { timestamp, toEnrolledMission, toEnrollment } from "./documents.js";

/** Most recently accessed first, then most recently enrolled, then by mission id. */
function dashboardOrder(a: EnrolledMission, b: EnrolledMission): number {
  return (
    b.last_accessed_at.localeCompare(a.last_accessed_at) ||
    b.enrolled_at.localeCompare(a.enrolled_at) ||
    (a.mission_id < b.mission_id ? -1 : a.mission_id > b.mission_id ? 1 : 0)
  );
}

export function createFirestoreEnrollmentStore(c: Collections): EnrollmentStore {
  return {
    async get(userId, missionId) {
      const snapshot = await documentIn(c.enrollments, enrollmentId(userId, missionId))?.get();
      if (!snapshot?.exists) return null;
      const enrollment = toEnrollment(snapshot);
      // `{uid}_{missionId}` alone cannot tell user "a_b" in mission "c" from "a" in "b_c".
      return enrollment.user_id === userId && enrollment.mission_id === missionId
        ? enrollment
        : null;
    },
    async listForUser(userId) {
      const copies = dashboardCopies(c, userId);
      if (!copies) return [];
      // A user's dashboard is small; sorting here spares a composite index.
      return (await copies.get()).docs.map(toEnrolledMission).sort(dashboardOrder);
    },
    recordProgress(userId, missionId, update) {
      const ref = documentIn(c.enrollments, enrollmentId(userId, missionId));
      const copy = dashboardCopies(c, userId)?.doc(missionId);
      return c.firestore.runTransaction(async (tx): Promise<Enrollment> => {
        const snapshot = ref && (await tx.get(ref));
        const current = snapshot?.exists ? toEnrollment(snapshot) : null;
        if (!ref || !copy || !current || current.user_id !== userId) {
          throw new Error(`User ${userId} is not enrolled in mission ${missionId}`);
        }
        const checkpoints = [...current.completed_checkpoints];
        for (const checkpoint of update.completed_checkpoints) {
          if (!checkpoints.includes(checkpoint)) checkpoints.push(checkpoint);
        }
        const now = new Date().toISOString();
        const progress = {
          progress: Math.max(current.progress, update.progress),
          completed_checkpoints: checkpoints,
          completed: current.completed || update.completed,
        };
        const write = { ...progress, last_accessed_at: timestamp(now), updated_at: timestamp(now) };
        tx.update(ref, write);
        tx.update(copy, write);
        return { ...current, ...progress, last_accessed_at: now, updated_at: now };
      });
    },
  };
}
