/** A private four-checkpoint mission, in the shape `POST /api/v1/missions/enrollment` takes. */
export const GIT_MISSION = {
  title: "Git for Teams",
  short_description: "Collaborate with Git.",
  description: "Branches, merges and reviews.",
  level: "Beginner",
  topics_to_cover: ["Commits", "Branches"],
  learning_goal: "Work on a shared repository.",
  byte_size_checkpoints: ["Commits and history", "Branching", "Merging", "Pull requests"],
  skills: ["Git"],
  is_public: false,
} as const;
