import {
  EnrolledMissionSchema,
  EnrollmentSchema,
  dashboardOrder,
  enrollmentId,
  isoNow,
  mergeProgress,
  type Clock,
  type Enrollment,
} from "../../domain/index.js";
import type { EnrollmentStore } from "../ports.js";
import { dashboardCopies, documentIn, type Collections } from "./collections.js";
import { fromDocument, toDocument } from "./documents.js";

export function createFirestoreEnrollmentStore(c: Collections, clock: Clock): EnrollmentStore {
  return {
    async get(userId, missionId) {
      const snapshot = await documentIn(c.enrollments, enrollmentId(userId, missionId))?.get();
      if (!snapshot?.exists) return null;
      const enrollment = fromDocument(EnrollmentSchema, snapshot);
      // `{uid}_{missionId}` alone cannot tell user "a_b" in mission "c" from "a" in "b_c".
      return enrollment.user_id === userId && enrollment.mission_id === missionId
        ? enrollment
        : null;
    },
    async listForUser(userId) {
      const copies = dashboardCopies(c, userId);
      if (!copies) return [];
      // A user's dashboard is small; sorting here spares a composite index.
      return (await copies.get()).docs
        .map((snapshot) => fromDocument(EnrolledMissionSchema, snapshot))
        .sort(dashboardOrder);
    },
    recordProgress(userId, missionId, update) {
      const ref = documentIn(c.enrollments, enrollmentId(userId, missionId));
      const copy = dashboardCopies(c, userId)?.doc(missionId);
      return c.transaction(async (tx): Promise<Enrollment> => {
        const snapshot = ref && (await tx.get(ref));
        const current = snapshot?.exists ? fromDocument(EnrollmentSchema, snapshot) : null;
        if (!ref || !copy || !current || current.user_id !== userId) {
          throw new Error(`User ${userId} is not enrolled in mission ${missionId}`);
        }
        const progress = mergeProgress(current, update, isoNow(clock));
        tx.update(ref, toDocument(EnrollmentSchema, progress));
        tx.update(copy, toDocument(EnrolledMissionSchema, progress));
        return { ...current, ...progress };
      });
    },
  };
}
