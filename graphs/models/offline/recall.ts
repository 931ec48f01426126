import { hasPhrase, wordsOf } from "./language.js";

/** A completed checkpoint as the session's `earlier_checkpoints` records it. */
interface Recorded {
  number: number;
  title: string;
  answers: { question: string; answer: string }[];
}

const ANSWER = /asked "(.*?)", answered "(.*?)"(?:; |$)/g;

function parseRecord(line: string): Recorded | undefined {
  const head = /^(\d+)\.\s+(.*)$/.exec(line.trim());
  if (!head) return undefined;
  const [, number, rest = ""] = head;
  const split = rest.indexOf(': asked "');
  const title = split < 0 ? rest : rest.slice(0, split);
  const answers = [...(split < 0 ? "" : rest.slice(split + 2)).matchAll(ANSWER)].map((m) => ({
    question: m[1] ?? "",
    answer: m[2] ?? "",
  }));
  return { number: Number(number), title, answers };
}

const BACK_PHRASES = [
  "earlier",
  "before",
  "last time",
  "remember",
  "previous checkpoint",
  "last checkpoint",
  "first checkpoint",
  "we did",
  "we covered",
  "i said",
  "i answered",
];

const titleWords = (text: string) => new Set(wordsOf(text).filter((word) => word.length >= 4));

/**
 * The completed checkpoint the learner's message refers back to: one it names by number
 * ("checkpoint 1") or by a word of its title that the current checkpoint's title lacks, or, for
 * a message that only says "earlier" or "before", the latest one.
 */
function referredTo(text: string, records: Recorded[], current: string): Recorded | undefined {
  const named = /checkpoint\s+(\d+)/i.exec(text);
  if (named) return records.find((r) => r.number === Number(named[1]));
  const own = titleWords(current);
  const words = titleWords(text);
  const byTitle = records.findLast((r) =>
    [...titleWords(r.title)].some((word) => words.has(word) && !own.has(word)),
  );
  if (byTitle) return byTitle;
  return hasPhrase(text, BACK_PHRASES) ? records.at(-1) : undefined;
}

/**
 * What the offline tutor says to a learner who asks about a completed checkpoint, from the
 * session's record of it; undefined when the message refers to none.
 */
export function recallEarlier(
  text: string,
  earlier: string,
  currentTitle: string,
): string | undefined {
  if (!text.includes("?") && !hasPhrase(text, BACK_PHRASES)) return undefined;
  const records = earlier.split(" | ").flatMap((line) => parseRecord(line) ?? []);
  const record = records.length > 0 ? referredTo(text, records, currentTitle) : undefined;
  if (!record) return undefined;
  const where = `checkpoint ${record.number}, **${record.title}**`;
  const latest = record.answers.at(-1);
  if (!latest) return `Yes, that was ${where}, which you completed.`;
  return `Yes, that was ${where}. I asked you: "${latest.question}" You answered: "${latest.answer}" Each checkpoint builds on the last, so that connects to what we're doing now.`;
}
