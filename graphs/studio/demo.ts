import type { Mission, MissionDraft, User } from "../../domain/index.js";
import type { Store } from "../../store/index.js";

/** The learner every Studio run talks as, unless its context names another. */
const DEMO_LEARNER = {
  uid: "studio-learner",
  name: "Ada",
  email: "ada@studio.invalid",
  learning_style: ["hands-on", "visual"],
};

/** A mission the demo learner is enrolled in, for the Ally. */
const DEMO_MISSION: MissionDraft = {
  title: "Git for Teams",
  short_description: "Work on a shared repository with confidence.",
  description:
    "Commits, branches, merges and reviews: the everyday Git a team relies on, one step at a time.",
  level: "Beginner",
  topics_to_cover: ["Commits", "Branches", "Merging", "Pull requests"],
  learning_goal:
    "Collaborate on a shared repository: record work in clear commits, branch for each change, merge others' work and review it through pull requests.",
  byte_size_checkpoints: ["Commits and history", "Branching", "Merging", "Pull requests"],
  skills: ["Git", "Code review"],
  is_public: false,
};

export interface Demo {
  learner: User;
  mission: Mission;
}

/** Puts the demo learner, and the mission they are enrolled in, into an empty store. */
export async function seedDemo(store: Store): Promise<Demo> {
  const { uid, name, email, learning_style } = DEMO_LEARNER;
  await store.users.ensure({ uid, name, email });
  const learner = (await store.users.update(uid, { learning_style }))!;
  const { mission } = await store.missions.createWithEnrollment({
    draft: DEMO_MISSION,
    creatorId: uid,
  });
  return { learner, mission };
}
