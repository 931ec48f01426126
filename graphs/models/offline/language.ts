/**
 * Shared, deterministic text classifiers for the scripted agents. Matching works on a
 * "padded" form of the text: lowercase, apostrophes removed ("don't" → "dont"), every other
 * non-word character turned into a space, so phrases match whole words only.
 */

import { isGreeting, plainText, readAnswer, type Level } from "../../../domain/index.js";

function padded(text: string): string {
  const plain = plainText(text)
    .replace(/[^a-z0-9+#]+/g, " ")
    .trim();
  return ` ${plain} `;
}

export function hasPhrase(text: string, phrases: readonly string[]): boolean {
  const haystack = padded(text);
  return phrases.some((phrase) => haystack.includes(` ${phrase} `));
}

function startsWithPhrase(text: string, phrases: readonly string[]): boolean {
  const haystack = padded(text);
  return phrases.some((phrase) => haystack.startsWith(` ${phrase} `));
}

export function wordsOf(text: string): string[] {
  return padded(text).trim().split(" ").filter(Boolean);
}

const AGREEMENT = [
  "yes",
  "yeah",
  "yep",
  "yup",
  "correct",
  "thats correct",
  "that is correct",
  "thats right",
  "that is right",
  "right",
  "exactly",
  "perfect",
  "sounds good",
  "sounds great",
  "sounds perfect",
  "looks good",
  "looks great",
  "great",
  "good",
  "sure",
  "ok",
  "okay",
  "alright",
  "all right",
  "fits",
  "it fits",
  "that fits",
  "ready",
  "im ready",
  "lets go",
  "lets start",
  "lets begin",
  "lets do it",
  "go ahead",
  "absolutely",
  "definitely",
  "of course",
  ...["si", "claro", "vale", "de acuerdo", "correcto", "es correcto", "perfecto", "listo", "dale"],
  ...["oui", "d accord", "cest correct", "exactement", "parfait"],
  ...["ja", "genau", "richtig", "stimmt", "einverstanden"],
  ...["sim", "certo", "isso mesmo", "va bene", "esatto", "perfetto"],
];
/** Agreement words that still mean "yes" when the message also asks something. */
const STRONG_AGREEMENT = [
  "yes",
  "yeah",
  "yep",
  "yup",
  "sure",
  "ok",
  "okay",
  "perfect",
  "sounds good",
  "lets go",
  "lets start",
  "si",
  "oui",
  "ja",
  "sim",
];
const DISAGREEMENT_OPENERS = ["no", "nope", "nah", "not", "actually", "wait", "hmm"];
const DISAGREEMENT_PHRASES = [
  "not quite",
  "not really",
  "not exactly",
  "not sure",
  "not right",
  "not correct",
  "wrong",
  "incorrect",
  "doesnt",
  "dont",
  "isnt",
  "but",
  "change",
  "instead",
  "rather",
];

function isDisagreement(text: string): boolean {
  return startsWithPhrase(text, DISAGREEMENT_OPENERS) || hasPhrase(text, DISAGREEMENT_PHRASES);
}

export function isAgreement(text: string): boolean {
  if (isDisagreement(text)) return false;
  if (text.includes("?")) return startsWithPhrase(text, STRONG_AGREEMENT);
  return (
    startsWithPhrase(text, AGREEMENT) || (wordsOf(text).length <= 8 && hasPhrase(text, AGREEMENT))
  );
}

const UNSURE_PHRASES = [
  "i dont know",
  "dont know",
  "not sure",
  "no idea",
  "no clue",
  "idk",
  "im confused",
  "i am confused",
  "im lost",
  "i am lost",
  "totally lost",
  "a bit lost",
  "lost me",
  "dont understand",
  "dont get it",
  "unsure",
  "what does that mean",
  "explain again",
  "can you explain",
];
const UNSURE_SHORT_WORDS = ["confused", "lost", "huh", "hmm"];
const BARE_NO = ["no", "nope", "nah", "not really"];

/** The learner does not know the answer (or says so). */
export function isUnsure(text: string): boolean {
  const words = wordsOf(text);
  if (words.length === 0) return text.includes("?");
  if (BARE_NO.includes(words.join(" "))) return true;
  if (hasPhrase(text, UNSURE_PHRASES)) return true;
  return words.length <= 6 && hasPhrase(text, UNSURE_SHORT_WORDS);
}

const UNCONFIDENT_PHRASES = [
  "not really",
  "not confident",
  "not very confident",
  "not that confident",
  "not so confident",
  "not sure",
  "not yet",
  "not at all",
  "unsure",
  "shaky",
  "a bit shaky",
  "confused",
  "lost",
  "struggling",
  "kind of",
  "sort of",
  "somewhat",
  "meh",
  "dont feel",
];
const NEGATIONS = ["not", "dont", "isnt", "doesnt", "no"];
const CONFIDENT_PHRASES = [
  "confident",
  "very confident",
  "pretty confident",
  "quite confident",
  "yes",
  "yeah",
  "yep",
  "got it",
  "ready",
  "i feel good",
  "feel good",
  "good",
  "great",
  "sure",
  "comfortable",
  "i understand",
  "makes sense",
  "clear",
  "absolutely",
  "definitely",
  "solid",
];
/** Words that state confidence explicitly, rather than just agreeing. */
const EXPLICIT_CONFIDENCE = [
  "confident",
  "got it",
  "feel good",
  "comfortable",
  "understand",
  "makes sense",
];

export function isUnconfident(text: string): boolean {
  return (
    hasPhrase(text, UNCONFIDENT_PHRASES) ||
    hasPhrase(text, NEGATIONS) ||
    startsWithPhrase(text, ["nope", "nah"]) ||
    isUnsure(text)
  );
}

export function isConfident(text: string): boolean {
  return !isUnconfident(text) && hasPhrase(text, CONFIDENT_PHRASES);
}

export function statesConfidence(text: string): boolean {
  return !isUnconfident(text) && hasPhrase(text, EXPLICIT_CONFIDENCE);
}

const SKIP_PATTERNS = [
  /\bskip\b/,
  /\bmark\b.*\b(complete|completed|done|finished)\b/,
  /\bjust (complete|finish) (it|this|that|everything|them)\b/,
  /\b(complete|finish) (it|this|everything|all|the rest) for me\b/,
  /\bcomplete everything\b/,
  /\bjump ahead\b/,
  /\bfast forward\b/,
  /\bmove on without\b/,
];
const BULK_PATTERN = /\b(skip|everything|all|rest|end|whole|every)\b/;

/** The learner asks to skip ahead or to have progress marked without doing the work. */
export function isSkipRequest(text: string): boolean {
  const plain = padded(text);
  return SKIP_PATTERNS.some((pattern) => pattern.test(plain));
}

/** A skip request that covers more than the current step ("skip", "mark everything complete"). */
export function isBulkSkipRequest(text: string): boolean {
  return isSkipRequest(text) && BULK_PATTERN.test(padded(text));
}

const GREETING_WORDS = new Set([
  "hi",
  "hello",
  "hey",
  "hiya",
  "howdy",
  "greetings",
  "yo",
  "there",
  "good",
  "morning",
  "afternoon",
  "evening",
  "how",
  "are",
  "you",
  "doing",
  "whats",
  "up",
  "polaris",
  "lumina",
  ...["hola", "buenos", "buenas", "dias", "tardes", "noches", "que", "tal", "como", "estas"],
  ...["bonjour", "salut", "bonsoir", "ca", "va", "hallo", "guten", "tag", "morgen"],
  ...["ciao", "buongiorno", "ola", "oi", "bom", "dia", "tudo", "bem"],
]);

const GREETING_OPENERS = [
  ...["hi", "hello", "hey", "hiya", "howdy", "greetings", "good morning"],
  ...["hola", "buenos dias", "buenas", "bonjour", "salut", "hallo", "guten tag", "ciao", "ola"],
];

export function startsWithGreeting(text: string): boolean {
  return startsWithPhrase(text, GREETING_OPENERS);
}

/** A message that only says hello. */
export function isGreetingOnly(text: string): boolean {
  const words = wordsOf(text);
  return words.length > 0 && words.every((word) => GREETING_WORDS.has(word));
}

const META_QUESTIONS = [
  "who are you",
  "what are you",
  "what model",
  "which model",
  "are you an ai",
  "are you ai",
  "are you a bot",
  "are you a robot",
  "are you human",
  "are you real",
  "are you chatgpt",
  "are you gpt",
  "are you gemini",
  "whats your name",
  "what is your name",
  "who made you",
  "who built you",
  "who created you",
  "what llm",
  "system prompt",
  "your prompt",
];
const SMALL_TALK_SUBJECTS = [
  "weather",
  "joke",
  "jokes",
  "sports",
  "football",
  "soccer",
  "basketball",
  "baseball",
  "cricket",
  "tennis",
  "the game",
  "news",
  "politics",
  "election",
  "movie",
  "movies",
  "tv",
  "celebrity",
  "horoscope",
  "lottery",
  "stock price",
  "what time is it",
  "what day is it",
  "your favourite",
  "your favorite",
  "dinner",
  "lunch",
  "weekend",
];
const SMALL_TALK_OPENERS = [
  "tell me",
  "what",
  "whats",
  "did you",
  "have you",
  "do you",
  "hows",
  "how is",
  "how was",
  "can you tell",
  "who won",
  "any",
];
const LEARNING_INTENT = [
  "learn",
  "learning",
  "teach",
  "study",
  "understand",
  "master",
  "course",
  "skill",
  "get better",
  "improve",
  "so i can",
  "want to",
  "i want",
  "id like",
  "i would like",
  "interested in",
  "goal",
  "practice",
  "practise",
];

/** Small talk or questions about the assistant itself, unrelated to the learning goal. */
export function isOffTopic(text: string): boolean {
  if (hasPhrase(text, META_QUESTIONS)) return true;
  if (hasPhrase(text, LEARNING_INTENT)) return false;
  const asksSomething = text.includes("?") || startsWithPhrase(text, SMALL_TALK_OPENERS);
  return asksSomething && hasPhrase(text, SMALL_TALK_SUBJECTS);
}

const NOT_A_BEGINNER = [
  "not a beginner",
  "not a complete beginner",
  "not a total beginner",
  "not an absolute beginner",
  "not new to",
];
const NEGATED_ADVANCED = /\bnot (an? )?(very )?(advanced|expert|professional)\b/g;
const BEGINNER_CUES = [
  "complete beginner",
  "total beginner",
  "absolute beginner",
  "beginner",
  "new to",
  "never",
  "no experience",
  "no programming experience",
  "no prior",
  "zero experience",
  "from scratch",
  "just starting",
  "first time",
  "novice",
  "newbie",
  ...["principiante", "desde cero", "debutant", "debutante", "anfanger", "iniciante"],
];
const ADVANCED_CUES = [
  "advanced",
  "expert",
  "professional",
  "years of experience",
  "senior",
  "very experienced",
  "highly experienced",
  ...["avanzado", "avance", "avancee", "fortgeschritten", "avancado", "avanzato"],
];
const INTERMEDIATE_CUES = [
  "intermediate",
  "some experience",
  "a bit",
  "a little",
  "familiar",
  "some knowledge",
  "know the basics",
  "basic knowledge",
  "dabbled",
  ...["intermedio", "intermedia", "intermediaire", "mittelstufe", "intermediario"],
];

/** The level a message states, if it states one. */
export function levelFromText(text: string): Level | undefined {
  if (hasPhrase(text, NOT_A_BEGINNER)) return "Intermediate";
  const cleaned = padded(text).replace(NEGATED_ADVANCED, " ");
  if (hasPhrase(cleaned, BEGINNER_CUES)) return "Beginner";
  if (hasPhrase(cleaned, ADVANCED_CUES)) return "Advanced";
  if (hasPhrase(cleaned, INTERMEDIATE_CUES)) return "Intermediate";
  return undefined;
}

const FOUNDATION_CUES = [
  "no",
  "nope",
  "not really",
  "not comfortable",
  "not confident",
  "not sure",
  "not at all",
  "im not",
  "rusty",
  "basics",
  "foundations",
  "from scratch",
  "start with",
  "start from",
  "beginning",
  "refresher",
  "unsure",
  "never",
];

/** The learner's answer to the prerequisite check asks for the foundations first. */
export function wantsFoundations(text: string): boolean {
  return !isAgreement(text) && hasPhrase(text, FOUNDATION_CUES);
}

const TOPIC_INTENT =
  /\b(?:i(?:['\u2019]?d| would| am|['\u2019]?m)?\s+(?:really\s+)?(?:like|love|want|wanna|hope|need|plan|keen|eager|trying|looking)\s+(?:to\s+)?(?:learn|understand|study|master|explore|pick up|get (?:better|good) at)|teach me|help me (?:learn|understand)|interested in(?: learning)?|curious about|learn(?:ing)?|understand|study(?:ing)?|(?:quiero|quisiera|me gustar[ií]a|deseo|necesito|quero|gostaria de)\s+aprender|(?:je veux|je voudrais|j['\u2019]aimerais)\s+apprendre|(?:voglio|vorrei)\s+imparare|aprender|apprendre|imparare)\s+(.+)/i;
/** German puts the verb last: "Ich möchte Python lernen". */
const GERMAN_TOPIC_INTENT = /\bich\s+(?:m[oö]chte|will|w[uü]rde\s+gerne?)\s+(.+?)\s+lernen\b/i;
const CLAUSE_END =
  /(?:[,;!?]|\.(?:\s|$)|\s(?:so that|so i can|so i could|so we can|in order to|to be able to|because|since|but|and i|as i|para|pour|per|porque|parce que)\b|\s[-\u2013\u2014]\s)/i;
const LEADING_FILLER =
  /^(?:(?:about|more about|some|a bit of|a little|a little bit of|maybe|probably|i think|i guess|um+|uh+|well|hmm+)\s+)+/i;
const TRAILING_FILLER =
  /(?:\s+(?:please|pls|plz|thanks|thank you|if possible|right now|today|now))+$/i;

function firstClause(text: string): string {
  const end = CLAUSE_END.exec(text);
  return end ? text.slice(0, end.index) : text;
}

function tidy(phrase: string): string {
  return phrase
    .trim()
    .replace(LEADING_FILLER, "")
    .replace(TRAILING_FILLER, "")
    .replace(/[\s.,;:!?"'\u2019)]+$/, "")
    .replace(/^["'(\u2018]+/, "")
    .replace(/^how to\b/i, "how to")
    .trim();
}

interface TopicMention {
  topic: string;
  /** The message with the topic phrase removed, so its words do not count as level cues. */
  rest: string;
}

/** A topic introduced with a learning phrase ("I want to learn X", "teach me X", ...). */
/**
 * "Apprendre le Python", "Ich möchte die Geschichte lernen", "aprender un poco de SQL": the
 * article is not part of the topic.
 */
const FOREIGN_INTENT = /(?:aprender|apprendre|imparare|lernen)\b/i;
const FOREIGN_ARTICLE =
  /^(?:l['\u2019]\s*|(?:un poco de|um pouco de|pouco de|un peu de|un po['\u2019]? di|ein bisschen|les|le|las|la|los|el|il|lo|gli|der|die|das|den|dem|des|du|de la|uma|um|una|une|un|einen|eine|ein)\s+)+(?=\p{L})/iu;

export function topicFromStatement(text: string): TopicMention | undefined {
  const match = TOPIC_INTENT.exec(text) ?? GERMAN_TOPIC_INTENT.exec(text);
  const captured = match?.[1];
  if (match === null || captured === undefined) return undefined;
  const clause = firstClause(captured);
  const tidied = tidy(clause);
  const topic = FOREIGN_INTENT.test(match[0]) ? tidied.replace(FOREIGN_ARTICLE, "") : tidied;
  if (topic === "" || wordsOf(topic).length === 0) return undefined;
  const consumed = match[0].length - captured.length + clause.length;
  const rest = `${text.slice(0, match.index)} ${text.slice(match.index + consumed)}`;
  return { topic, rest };
}

/**
 * A short direct answer to "what would you like to learn?" ("Python", "machine learning please").
 * Agreement, a greeting, gibberish or a question is not a topic.
 */
export function topicFromShortAnswer(text: string): TopicMention | undefined {
  const clause = firstClause(text);
  const topic = tidy(clause);
  const words = wordsOf(topic);
  const isIntroduction = startsWithPhrase(topic, ["im", "i am", "my name", "call me"]);
  if (words.length === 0 || words.length > 8 || isUnsure(topic) || isIntroduction) {
    return undefined;
  }
  if (!readAnswer(topic).substantive || isGreeting(text)) return undefined;
  return { topic, rest: text.slice(clause.length) };
}

const OUTCOME_STATEMENT =
  /\b(?:so (?:that )?(?:i|we) (?:can|could|will be able to)|in order to|to be able to|because i (?:want|need|would like) to|my goal is to|the goal is to|focus(?:ing)? on|para(?: poder)?|pour(?: pouvoir)?|per(?: poter)?)\s+(.+)/i;
const OUTCOME_PREFIX =
  /^(?:(?:i\s+(?:really\s+)?(?:want|wanna|need|hope|plan|would like|would love|would rather)|i['\u2019]?d\s+(?:like|love|rather)|i['\u2019]?m\s+(?:hoping|planning|trying)|my goal is|the goal is|so (?:that )?i can|to be able|be able|i want|mainly|mostly|just|ideally|well|i think|probably|maybe|focus(?:ing)? on|to)\s+)+/i;

/** An outcome stated as part of a longer sentence ("… so I can build dashboards"). */
export function outcomeFromStatement(text: string): string | undefined {
  const captured = OUTCOME_STATEMENT.exec(text)?.[1];
  if (captured === undefined) return undefined;
  const outcome = tidyOutcome(captured);
  return outcome === "" ? undefined : outcome;
}

/** The learner's answer to "what would you like to be able to do?", reduced to the goal itself. */
export function outcomeFromAnswer(text: string): string | undefined {
  const outcome = tidyOutcome(text.trim().replace(OUTCOME_PREFIX, ""));
  // "Yes", "ja" or "asdf" is not what anyone wants to be able to do.
  return outcome === "" || !readAnswer(outcome).substantive ? undefined : outcome;
}

function tidyOutcome(raw: string): string {
  const sentence = raw.split(/[;!?]|\.(?:\s|$)/)[0] ?? "";
  const outcome = tidy(sentence.replace(OUTCOME_PREFIX, ""));
  return lowerFirstWord(outcome);
}

/** Lowercases a sentence-initial capital ("Build dashboards") but leaves acronyms ("AWS") alone. */
function lowerFirstWord(phrase: string): string {
  const first = phrase.split(" ")[0] ?? "";
  const isCapitalisedWord = first.length > 1 && /^[A-Z][a-z]+$/.test(first);
  return isCapitalisedWord ? phrase.charAt(0).toLowerCase() + phrase.slice(1) : phrase;
}

const ACTION_VERBS = new Set([
  "analyse",
  "analyze",
  "animate",
  "answer",
  "apply",
  "argue",
  "audit",
  "automate",
  "bake",
  "be",
  "become",
  "brew",
  "budget",
  "build",
  "calculate",
  "change",
  "chat",
  "check",
  "clean",
  "climb",
  "code",
  "collaborate",
  "communicate",
  "compare",
  "compete",
  "compose",
  "contribute",
  "converse",
  "cook",
  "craft",
  "create",
  "dance",
  "debug",
  "deploy",
  "describe",
  "design",
  "develop",
  "discuss",
  "do",
  "draw",
  "drive",
  "earn",
  "edit",
  "enjoy",
  "evaluate",
  "explain",
  "explore",
  "feel",
  "film",
  "find",
  "fix",
  "fly",
  "follow",
  "get",
  "go",
  "grow",
  "handle",
  "have",
  "help",
  "hold",
  "identify",
  "impress",
  "improve",
  "interpret",
  "invest",
  "join",
  "keep",
  "knit",
  "know",
  "land",
  "launch",
  "lead",
  "learn",
  "listen",
  "make",
  "manage",
  "master",
  "measure",
  "mentor",
  "mix",
  "model",
  "monitor",
  "move",
  "navigate",
  "negotiate",
  "optimise",
  "optimize",
  "order",
  "organise",
  "organize",
  "paint",
  "pass",
  "perform",
  "persuade",
  "photograph",
  "pitch",
  "plan",
  "play",
  "predict",
  "prepare",
  "present",
  "process",
  "produce",
  "program",
  "protect",
  "prototype",
  "prove",
  "publish",
  "qualify",
  "query",
  "raise",
  "reach",
  "read",
  "recognise",
  "recognize",
  "record",
  "report",
  "review",
  "run",
  "save",
  "scale",
  "secure",
  "sell",
  "set",
  "sew",
  "share",
  "ship",
  "sing",
  "sketch",
  "solve",
  "sort",
  "speak",
  "spend",
  "start",
  "store",
  "summarise",
  "summarize",
  "support",
  "swim",
  "switch",
  "take",
  "talk",
  "teach",
  "test",
  "track",
  "trade",
  "train",
  "translate",
  "travel",
  "tutor",
  "understand",
  "use",
  "visualise",
  "visualize",
  "watch",
  "work",
  "write",
]);

/** Whether a goal reads as something the learner will do ("build dashboards") rather than a theme. */
export function isActionPhrase(phrase: string): boolean {
  const first = wordsOf(phrase)[0];
  return first !== undefined && ACTION_VERBS.has(first);
}

function gerund(verb: string): string {
  const lower = verb.toLowerCase();
  if (/ie$/.test(lower)) return `${verb.slice(0, -2)}ying`;
  if (/[^aeioy]e$/.test(lower)) return `${verb.slice(0, -1)}ing`;
  if (/^[^aeiou]*[aeiou][^aeiouwxy]$/.test(lower)) return `${verb}${verb.slice(-1)}ing`;
  return `${verb}ing`;
}

/** A topic phrased as a subject: "how to bake bread" → "baking bread"; other topics unchanged. */
export function asSubject(topic: string): string {
  return topic.replace(/^how to\s+([A-Za-z]+)/i, (_, verb: string) => gerund(verb));
}

/** "a Beginner", "an Intermediate", "an advanced". */
export function withArticle(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

export function capitalise(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

/** Splits a context list value ("a, b" or "a; b" or "a | b"); "none" and "" are empty. */
export function splitList(value: string | undefined): string[] {
  const trimmed = (value ?? "").trim();
  if (trimmed === "" || trimmed.toLowerCase() === "none") return [];
  const separator = /[|;]/.test(trimmed) ? /\s*[|;]\s*/ : /\s*,\s*/;
  return trimmed.split(separator).filter((item) => item !== "");
}

/** The languages the offline tutor recognises, by the small words that give each away. */
const LANGUAGE_CUES: Record<string, { name: string; words: readonly string[] }> = {
  es: {
    name: "Spanish",
    words: [
      "hola",
      "quiero",
      "aprender",
      "soy",
      "estoy",
      "para",
      "que",
      "es",
      "muy",
      "gracias",
      "si",
      "el",
      "los",
      "las",
      "una",
      "con",
      "pero",
      "como",
      "correcto",
      "claro",
      "buenos",
      "dias",
      "me",
      "siento",
      "eso",
    ],
  },
  fr: {
    name: "French",
    words: [
      "bonjour",
      "salut",
      "je",
      "veux",
      "apprendre",
      "suis",
      "pour",
      "cest",
      "tres",
      "merci",
      "oui",
      "le",
      "les",
      "une",
      "avec",
      "mais",
      "comment",
      "daccord",
    ],
  },
  de: {
    name: "German",
    words: [
      "hallo",
      "ich",
      "mochte",
      "lernen",
      "bin",
      "fur",
      "ist",
      "sehr",
      "danke",
      "ja",
      "der",
      "die",
      "das",
      "und",
      "mit",
      "aber",
      "wie",
      "nicht",
    ],
  },
  pt: {
    name: "Portuguese",
    words: [
      "ola",
      "oi",
      "quero",
      "aprender",
      "sou",
      "estou",
      "para",
      "muito",
      "obrigado",
      "obrigada",
      "sim",
      "os",
      "uma",
      "com",
      "mas",
      "como",
      "voce",
    ],
  },
  it: {
    name: "Italian",
    words: [
      "ciao",
      "voglio",
      "imparare",
      "sono",
      "per",
      "molto",
      "grazie",
      "il",
      "gli",
      "una",
      "con",
      "ma",
      "come",
      "anche",
    ],
  },
};
const ENGLISH_CUES = [
  "i",
  "the",
  "a",
  "to",
  "and",
  "is",
  "am",
  "im",
  "want",
  "learn",
  "yes",
  "with",
  "for",
  "it",
  "that",
  "hi",
  "hello",
  "my",
  "me",
  "of",
  "you",
];

/**
 * The language a message is written in when it is not English, by its small words: the name
 * ("Spanish"), or undefined for English and anything the tutor cannot tell.
 */
export function foreignLanguageOf(text: string): string | undefined {
  const tokens = wordsOf(text);
  const score = (cues: readonly string[]) => tokens.filter((t) => cues.includes(t)).length;
  const english = score(ENGLISH_CUES);
  let best: { name: string; score: number } | undefined;
  for (const { name, words } of Object.values(LANGUAGE_CUES)) {
    const found = score(words);
    if (found > english && found > (best?.score ?? 0)) best = { name, score: found };
  }
  return best && (best.score >= 2 || tokens.length <= 2) ? best.name : undefined;
}

/** What the offline tutor says to a learner who writes in another language: it speaks English. */
export function englishOnlyNote(language: string): string {
  return `I can follow some ${language}, but in this offline mode I can only reply in English, so I'll keep things simple.`;
}
