import { describe, expect, it } from "vitest";
import { sessionBlock, sessionFromPrompt } from "../../evals/gemini-replay/prompt-session.js";
import { promptValues, type AgentSession } from "../../graphs/agent-sessions.js";
import { renderPrompt } from "../../graphs/prompts.js";

const lumina: AgentSession<"mission_ally"> = {
  task: "brief",
  learner_name: "Ada",
  learning_style: ["analogies", "visual"],
  mission_title: "Git for Teams",
  checkpoint_number: 2,
  checkpoint_total: 4,
  checkpoint_title: "Branching",
  completed_checkpoints: ["Commits and history"],
  earlier_checkpoints:
    '1. Commits and history: asked "Why commit often?", answered "Small steps, often"',
  just_completed: "Commits and history",
};

const sensei: AgentSession<"mission_sensei"> = {
  task: "teach",
  learner_name: "Ada",
  learning_style: [],
  mission_title: "Git for Teams",
  checkpoint_number: 3,
  checkpoint_total: 4,
  checkpoint_title: "Merging",
  learner_level: "Intermediate",
  learner_turns_in_checkpoint: 2,
  open_question: "What does a merge commit record?",
  learner_reply: "did not answer your question: it only agrees (agreement)",
  latest_verdict: "none",
  questions_answered: 1,
  completion: "not yet: the learner has not answered your open question yet",
  earlier_checkpoints: "none",
};

const check: AgentSession<"mission_sensei"> = {
  task: "check_answer",
  learner_name: "Ada",
  learning_style: ["visual"],
  mission_title: "Git for Teams",
  checkpoint_number: 3,
  checkpoint_total: 4,
  checkpoint_title: "Merging",
  learner_level: "Intermediate",
  question: "What does a merge commit record?",
};

describe("the scripted Gemini's reading of a prompt's session", () => {
  it("reads every `- key: value` line after the heading, up to the next heading", () => {
    const prompt = [
      "## How you work",
      "- tone: ignored",
      "## Session context",
      "- learner_name: Ada",
      "-   checkpoint_number :  2  ",
      "not an entry",
      "## Notes",
      "- learner_name: overwritten",
    ].join("\n");
    expect(sessionBlock(prompt)).toEqual({ learner_name: "Ada", checkpoint_number: "2" });
  });

  it("reads back the session each shipped prompt was rendered from", () => {
    const render = (name: string, session: object) => renderPrompt(name, promptValues(session));
    expect(sessionFromPrompt("mission_ally", render("ally/lumina.md", lumina))).toEqual(lumina);
    expect(
      sessionFromPrompt(
        "mission_ally",
        render("ally/lumina.md", { ...lumina, just_completed: null }),
      ),
    ).toMatchObject({ just_completed: null });
    expect(sessionFromPrompt("mission_sensei", render("ally/mission_sensei.md", sensei))).toEqual(
      sensei,
    );
    expect(
      sessionFromPrompt(
        "mission_sensei",
        render("ally/mission_sensei.md", { ...sensei, open_question: null }),
      ),
    ).toMatchObject({ open_question: null });
    // The teacher's two prompts carry two sessions; the task line tells them apart.
    expect(
      sessionFromPrompt("mission_sensei", render("ally/mission_sensei_check.md", check)),
    ).toEqual(check);
    const goal = { topic: "Rust", level: "Beginner", outcome: "write a CLI" } as const;
    expect(
      sessionFromPrompt("mission_curator", render("commander/mission_curator.md", goal)),
    ).toEqual(goal);
    expect(
      sessionFromPrompt("polaris", render("commander/polaris.md", { learner_name: "Ada" })),
    ).toEqual({ learner_name: "Ada" });
  });

  it("refuses a prompt whose session lines were renamed instead of playing from defaults", () => {
    const prompt = renderPrompt("ally/mission_sensei.md", promptValues(sensei)).replace(
      "- checkpoint_title:",
      "- checkpoint_name:",
    );
    expect(() => sessionFromPrompt("mission_sensei", prompt)).toThrow(/checkpoint_title/);
  });
});
