/** The interview from seed 001's "Test Conversation Flow". */
export const SEED_INTERVIEW = [
  "I want to learn Python for data analysis",
  "I want to analyze business data",
  "No, I'm a complete beginner",
  "About 5 hours per week",
  "Yes, that's correct",
];
