/** What replay misses mean, for the terminal summary and the report. */
export const REPLAY_HINT =
  "Replay misses mean the agents asked Gemini something no cassette recorded: after editing a prompt, evaluate it with --model gemini, or re-record with npm run eval:cassettes (the scripted Gemini reads the edited prompt as Gemini would).";
