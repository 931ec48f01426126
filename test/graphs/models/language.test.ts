import { describe, expect, it } from "vitest";
import {
  asSubject,
  isAgreement,
  isConfident,
  isOffTopic,
  isSkipRequest,
  isUnconfident,
  isUnsure,
  levelFromText,
  outcomeFromAnswer,
  outcomeFromStatement,
  splitList,
  topicFromShortAnswer,
  topicFromStatement,
} from "../../../graphs/models/offline/language.js";

describe("topic extraction", () => {
  it.each([
    ["I want to learn Python for data analysis", "Python for data analysis"],
    ["I'd like to understand black holes please.", "black holes"],
    ["Can you teach me the basics of SQL?", "the basics of SQL"],
    ["I'm interested in learning Spanish, I'm a beginner", "Spanish"],
    ["Hi! I would love to learn guitar so I can play with friends", "guitar"],
    ["I\u2019m looking to learn Node.js", "Node.js"],
    ["help me learn about machine learning", "machine learning"],
    // In other languages the article is not part of the topic; in English it stays.
    ["Je veux apprendre le Python pour analyser des données", "Python"],
    ["J'aimerais apprendre l'anglais", "anglais"],
    ["Je veux apprendre les bases de SQL", "bases de SQL"],
    ["Quiero aprender el álgebra lineal", "álgebra lineal"],
    ["Quero aprender um pouco de SQL", "SQL"],
    ["Vorrei imparare il pianoforte", "pianoforte"],
    ["Ich möchte die Geschichte Roms lernen", "Geschichte Roms"],
    ["I want to learn Las Vegas history", "Las Vegas history"],
  ])("%s → %s", (message, topic) => {
    expect(topicFromStatement(message)?.topic).toBe(topic);
  });

  it("takes a short direct answer as the topic but not an introduction or doubt", () => {
    expect(topicFromShortAnswer("Machine learning please!")?.topic).toBe("Machine learning");
    expect(topicFromShortAnswer("I'm Sam")).toBeUndefined();
    expect(topicFromShortAnswer("no idea")).toBeUndefined();
  });

  it("keeps the topic's own words out of the level cues", () => {
    const mention = topicFromStatement("I want to learn advanced calculus");
    expect(mention?.topic).toBe("advanced calculus");
    expect(levelFromText(mention?.rest ?? "")).toBeUndefined();
  });
});

describe("level cues", () => {
  it.each([
    ["No, I'm a complete beginner", "Beginner"],
    ["I've never written code", "Beginner"],
    ["I have no programming experience", "Beginner"],
    ["I'm new to this", "Beginner"],
    ["I have some experience", "Intermediate"],
    ["I know a bit already", "Intermediate"],
    ["I'm not a complete beginner", "Intermediate"],
    ["I'm a professional with years of experience", "Advanced"],
    ["I'm not an expert but I'm familiar with it", "Intermediate"],
  ])("%s → %s", (message, level) => {
    expect(levelFromText(message)).toBe(level);
  });

  it("finds nothing in a message without cues", () => {
    expect(levelFromText("About 5 hours per week")).toBeUndefined();
  });
});

describe("outcome extraction", () => {
  it("strips the wanting from an answer", () => {
    expect(outcomeFromAnswer("I want to analyze business data")).toBe("analyze business data");
    expect(outcomeFromAnswer("I'd like to be able to build dashboards.")).toBe("build dashboards");
    expect(outcomeFromAnswer("Build dashboards for my team")).toBe("build dashboards for my team");
    expect(outcomeFromAnswer("Pass my AWS exam")).toBe("pass my AWS exam");
  });

  it("finds an outcome stated inside a longer sentence", () => {
    expect(outcomeFromStatement("I want to learn SQL so I can build dashboards!")).toBe(
      "build dashboards",
    );
    expect(outcomeFromStatement("I want to learn SQL")).toBeUndefined();
  });
});

describe("reply classifiers", () => {
  it.each(["yes", "Yes, that's correct", "Sounds good!", "yep", "Perfect", "let's go", "ok"])(
    "%s is agreement",
    (message) => expect(isAgreement(message)).toBe(true),
  );

  it.each([
    "no",
    "Not quite",
    "Actually, make it advanced",
    "Yes, but change the level",
    "I'm not sure",
  ])("%s is not agreement", (message) => expect(isAgreement(message)).toBe(false));

  it.each(["I don't know", "not sure", "no idea", "I'm confused", "I'm lost", "?", "no"])(
    "%s is unsure",
    (message) => expect(isUnsure(message)).toBe(true),
  );

  it("does not call a real answer unsure", () => {
    expect(isUnsure("Variables are names for values I want to reuse")).toBe(false);
  });

  it.each(["very confident", "got it", "I feel good", "yes", "pretty confident"])(
    "%s is confident",
    (message) => expect(isConfident(message)).toBe(true),
  );

  it.each(["not really", "not confident", "unsure", "I don't feel confident yet"])(
    "%s is unconfident",
    (message) => {
      expect(isUnconfident(message)).toBe(true);
      expect(isConfident(message)).toBe(false);
    },
  );

  it.each(["skip", "Mark everything complete", "just complete it", "can you mark it complete?"])(
    "%s is a skip request",
    (message) => expect(isSkipRequest(message)).toBe(true),
  );

  it.each([
    "What's the weather like today?",
    "Tell me a joke",
    "Who are you?",
    "What model are you?",
    "Are you an AI?",
    "Did you see the football last night?",
  ])("%s is off-topic", (message) => expect(isOffTopic(message)).toBe(true));

  it.each(["Football", "I want to learn weather forecasting", "I'd like to write sports news"])(
    "%s is on-topic",
    (message) => expect(isOffTopic(message)).toBe(false),
  );

  it.each([
    ["how to bake bread", "baking bread"],
    ["how to code", "coding"],
    ["how to swim", "swimming"],
    ["How to play the guitar", "playing the guitar"],
    ["how to tie knots", "tying knots"],
    ["Python", "Python"],
  ])("phrases the topic %s as the subject %s", (topic, subject) => {
    expect(asSubject(topic)).toBe(subject);
  });

  it("splits context lists and treats none as empty", () => {
    expect(splitList("examples, visual")).toEqual(["examples", "visual"]);
    expect(splitList("Capstone: a, b | Basics")).toEqual(["Capstone: a, b", "Basics"]);
    expect(splitList("none")).toEqual([]);
  });
});
