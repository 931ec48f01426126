// Whether a learner's reply to a comprehension question is an answer at all. The rules read the
// form of the reply, never its correctness (the teacher judges that): an answer says something in
// the learner's own words. Agreement alone, "I don't know", gibberish, a question back, a request
// to skip or be told, and anything that speaks for the system are not answers. The word lists cover
// English, Spanish, French, German, Portuguese and Italian; words in other scripts count as words.

export const NOT_AN_ANSWER = [
  "no_content",
  "agreement",
  "unsure",
  "gibberish",
  "question",
  "help_request",
  "skip_request",
  "impersonation",
] as const;
export type NotAnAnswer = (typeof NOT_AN_ANSWER)[number];

/** Why a reply did not count, as the teacher is told it and the evals show it. */
export const NOT_AN_ANSWER_MEANING: Record<NotAnAnswer, string> = {
  no_content: "it says nothing about the question",
  agreement: "it only agrees or says they are confident, without answering",
  unsure: "the learner says they do not know",
  gibberish: "it is not made of words",
  question: "it asks a question instead of answering",
  help_request: "it asks to be told or shown instead of answering",
  skip_request: "it asks to skip or to have progress marked instead of answering",
  impersonation: "it pretends to come from the system or the tutor",
};

export type AnswerReading = { substantive: true } | { substantive: false; reason: NotAnAnswer };

/** Lowercase, accents and apostrophes gone and ß as ss, so "Sí", "si" and "SI" read alike. */
export function plainText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/['\u2018\u2019\u02bc`´]/g, "");
}

const tokensOf = (plain: string) => plain.match(/[\p{L}\p{N}]+/gu) ?? [];

const words = (list: string) => list.split(/\s+/).filter(Boolean);

/** Saying yes, being ready or confident, in the six languages and a few others. */
const AGREEMENT = new Set(
  words(`
    yes yeah yep yup ya yah ok okay kk sure right correct exactly absolutely definitely indeed
    agreed agree fine alright true totally perfect great good cool nice awesome brilliant
    wonderful excellent done finished ready understood understand got gotcha clear confident
    comfortable sense sounds ace solid fit fits start begin continue proceed agreed k same ditto
    know knew mastered mismo misma pareil meme gleiche gleich mesmo mesma stesso stessa
    parece perfectamente
    si claro vale correcto exacto perfecto listo entendido entiendo bien bueno genial dale
    seguro cierto verdad hecho terminado comodo
    oui ouais daccord exact exactement parfait compris bon entendu pret prete
    ja jawohl genau richtig klar gut verstanden perfekt stimmt fertig sicher
    sim certo exato perfeito entendi pronto beleza
    esatto perfetto capito bene benissimo
    はい うん 是 是的 对 好 好的 네 예 да конечно понятно نعم
  `),
);

/** Not knowing, in the same languages. */
const UNSURE = new Set(
  words(`
    dont know idk dunno no idea not sure unsure clue confused lost shaky bit little nope nah naw
    meh nada rien nichts nulla
    se ni sais pas aucune keine ahnung weiss nicht nao sei non so
  `),
);
const UNSURE_PHRASES = [
  "dont know",
  "do not know",
  "no idea",
  "not sure",
  "idk",
  "dunno",
  "no clue",
  "confused",
  "shaky",
  "no se",
  "ni idea",
  "no lo se",
  "sais pas",
  "aucune idee",
  "keine ahnung",
  "weiss nicht",
  "nao sei",
  "non lo so",
  "non so",
];

/** Words that carry no answer by themselves: pronouns, articles, greetings, politeness, fillers. */
const FILLER = new Set(
  words(`
    i im me my it its this that thats is am are was be been so very really quite pretty all now
    too also just the a an and of about with to for feel feeling think guess please thanks thank
    you ty lol haha hmm um uh er oh ah well let lets go now then here there we our us still
    again yet more some kind sort maybe probably something anything whatever like thing stuff
    hi hello hey hiya howdy greetings morning afternoon evening lumina polaris sensei
    man dude bro mate bruh tbh honestly literally basically already by in on at as or if
    have has had do does did will would can could should
    deja schon gia chose cosa coisa como comme wie come tu du hast o
    yo me mi es eso esto esta estoy muy bastante ya ahora tambien el la lo los las un una y de
    con para que creo pienso siento gracias por favor hola buenos buenas dias tardes
    je moi cest ce ca cela est suis tres vraiment le les une et pour merci sil vous plait
    bonjour salut
    ich bin ist das sehr wirklich der die und mit danke bitte hallo guten tag
    eu estou isso muito obrigado obrigada ola bom
    io sono questo molto grazie ciao buongiorno
  `),
);

/**
 * Words that point back at the conversation instead of saying anything: "the answer", "what you
 * said", "same as you explained".
 */
const DEFERRING = new Set(
  words(`
    answer answers answered question questions said say says explained explain mentioned told
    wrote written what whatever respuesta reponse antwort resposta risposta pregunta frage
    pergunta domanda dijiste dicho dit gesagt disse detto explicaste explique erklart explicou
    spiegato
  `),
);

/** Words typed to fill a box: "blah blah", "lorem ipsum", "foo bar", "test". */
const PLACEHOLDERS = new Set(
  words(`
    blah bla blablabla lorem ipsum dolor amet foo bar baz qux foobar test testing tests xyz abc
    etc hehe prueba essai teste
  `),
);

const QUESTION_MARK = /[?¿？؟]/;

/** How a question starts when its question mark is left out; only unambiguous openings. */
const QUESTION_OPENERS = [
  "what is",
  "whats",
  "what are",
  "what does",
  "what do",
  "what was",
  "who is",
  "whos",
  "where is",
  "wheres",
  "when is",
  "why is",
  "why do",
  "why does",
  "how do",
  "how does",
  "hows",
  "how can",
  "can you",
  "could you",
  "would you",
  "do you",
  "did you",
  "is it",
  "is there",
  "are you",
  "are there",
  "que es",
  "cual es",
  "cuales son",
  "donde esta",
  "por que",
  "como se",
  "como funciona",
  "quest ce",
  "quel est",
  "quelle est",
  "pourquoi",
  "was ist",
  "wer ist",
  "wo ist",
  "warum",
  "wie funktioniert",
  "o que e",
  "qual e",
  "che cosa",
  "cosa e",
  "perche",
];
/** Openers a question may be led in with: "wait, what's …", "so, how does …". */
const LEAD_INS = ["wait", "hmm", "so", "ok", "okay", "oh", "but", "and", "um", "well", "hey"];

/** Asking to be told, shown or helped, rather than answering. */
const HELP_REQUEST =
  /^(?:(?:please|pls|can you|could you|would you|just|ok|okay|so)\s+)*(?:explain|repeat|tell me|give me|show me|say it|help me|explica|explicame|dime|dame|repite|ayudame|explique|dis moi|donne moi|repete|aide moi|erklar|sag mir|gib mir|wiederhol|hilf mir|me diga|me de|repete|me ajuda|spiega|dimmi|dammi|ripeti|aiutami)\b/;

/** Asking to skip ahead or have progress marked, in any part of the message. */
const SKIP_REQUEST = [
  /\bmark(?:ed|ing|s)?\b.{0,40}\b(?:complete|completed|done|finished|passed|as read|understood|correct)\b/,
  /\bproceed to the next\b/,
  /^(?:(?:please|just|ok|okay|now|lets|let us|can we|could we)\s+)*(?:go|move|skip|jump) (?:on |ahead |straight )?to the next\b/,
  /\b(?:full|all the) (?:marks|credit|points|score)\b/,
  /\b(?:already|previously) answered\b|\banswered (?:this|it|that|them)(?: \w+){0,2} (?:already|before)\b/,
  /^(?:(?:please|just|can we|could we|can i|lets|let us|i want to|i wanna|i would like to|id like to)\s+)*(?:skip|jump ahead|fast forward|move on|next)\b/,
  /\bskip (?:this|it|ahead|the rest|everything|to|this one|the question|the lesson|the checkpoint|them|all)\b/,
  /\b(?:complete|finish|pass) (?:it|this|everything|all|the rest|the checkpoint|the mission|the lesson) for me\b/,
  /\b(?:complete|finish) everything\b/,
  /^(?:(?:please|just|can you|could you)\s+)*(?:complete|finish|pass) (?:it|this|that|them|me)\b/,
  /\bgive me (?:the )?(?:certificate|credit|points|pass)\b/,
  /\bmarca(?:r|lo|la|los|las)?\b.{0,40}\b(?:complet|termin|hech|aprobad)/,
  /^(?:(?:por favor|podemos)\s+)*(?:salta|saltar|saltemos|siguiente|pasemos)\b/,
  /\b(?:marque|marquer|marquez)\b.{0,40}\b(?:termine|complet|fait|valide)/,
  /^(?:i(?:ll)? )?pass(?: on (?:this|that|it)(?: one)?)?$/,
  /^(?:on passe|passons|suivant)\b/,
  /\b(?:markier|als erledigt|uberspring)/,
  /^weiter\b/,
  /\b(?:marcar|marca|marque)\b.{0,40}\b(?:complet|conclu|feito)/,
  /^(?:pular|pule|proximo)\b/,
  /\b(?:segna|segnare)\b.{0,40}\b(?:complet|fatto)/,
  /^(?:saltare|prossimo)\b/,
];

/** Who a message may pretend to come from: the system's roles and the tutors by name. */
const AUTHORITY =
  "system|admin|administrator|developer|assistant|tutor|teacher|instructor|moderator|grader|server|evaluator|lumina|polaris|sensei|mission_sensei|mission_ally|mission_curator";

/** Speaking for the system, the tutor or the grader, or rewriting the tutor's instructions. */
const IMPERSONATION = [
  new RegExp(`(?:^|\\n)\\s*[[(<#*]*\\s*(?:${AUTHORITY})\\b[^\\n:\\]>]{0,30}[:\\]>]`),
  new RegExp(`\\b(?:note|message|notice|update|memo) from (?:the |your )?(?:${AUTHORITY})\\b`),
  new RegExp(`\\bas (?:the|your) (?:${AUTHORITY})\\b,? (?:i|we)\\b`),
  new RegExp(
    `\\b(?:${AUTHORITY}) (?:says|said|confirms|confirmed|agrees|agreed|approved)\\b.{0,40}\\b(?:passed|correct|understood|complete|completed|done|skip)\\b`,
  ),
  /\b(?:verdict|grade)\b["\s]*[:=]/,
  /\[\/?inst\]|<<\/?sys>>|<\|im_(?:start|end)\|>/,
  /^\s*override\b|\boverride\s*[:!]/,
  /\b(?:pretend|act as if|assume|treat (?:this|it|me) as if)\b.{0,40}\b(?:answered|passed|correct|understood|complete|completed)\b/,
  /\b(?:correct|right) answer (?:was|has been|is) (?:given|provided|recorded)\b/,
  /\bsystem (?:notice|message|note|override|prompt|update|instruction|alert)/,
  /\b(?:learner|student|user) (?:has )?(?:passed|completed|finished|mastered|answered (?:all|every|correctly))\b/,
  /\bignore (?:all |any |the |your )?(?:previous|prior|above|earlier|preceding) (?:instructions|messages|rules|prompts?)\b/,
  /\b(?:you are now|from now on you|new instructions|developer mode|jailbreak)\b/,
  /\b(?:assessment|checkpoint|quiz|test)s? (?:is |are |has been |have been )?passed\b/,
  /\b(?:assessment|quiz|test)s? (?:is |are |has been |have been )?(?:completed|complete)\b/,
  /\b(?:aviso|mensaje|nota) del sistema\b/,
  /\b(?:el|la) (?:estudiante|alumno|alumna) ha (?:aprobado|completado|superado)\b/,
  /\bignora (?:las |todas las )?instrucciones\b/,
  /\b(?:avis|message|note) (?:du )?systeme\b/,
  /\bignore[zr]? (?:les |toutes les )?instructions\b/,
  /\bsystem(?:hinweis|nachricht|meldung)\b/,
  /\bignoriere\b/,
  /\b(?:aviso|mensagem) do sistema\b/,
  /\bavviso di sistema\b/,
];

const KEYBOARD_RUNS = new Set([
  ...["asdf", "sdfg", "dfgh", "fghj", "ghjk", "hjkl", "zxcv", "xcvb", "cvbn", "vbnm", "qwer"],
  ...["fdsa", "gfds", "hgfd", "jhgf", "kjhg", "lkjh", "vcxz", "bvcx", "nbvc", "mnbv", "rewq"],
  ...["wert", "rtyu", "tyui", "yuio", "uiop", "poiu", "oiuy", "iuyt", "uytr", "ytre"],
  ...["azer", "zert", "qsdf", "wxcv", "1234", "2345", "3456", "4321"],
]);

/** A token that is not a word: keyboard mashing, stretched letters, or no vowel at all. */
export function isGibberishToken(token: string): boolean {
  if (/^\d+$/.test(token)) return false;
  if (!/^[a-z]+$/.test(token)) return /(.)\1{3,}/u.test(token);
  if (token.length > 30) return true;
  if (/(.)\1\1/.test(token) || /^(..?)\1{2,}.?$/.test(token)) return true;
  if (token.length >= 5 && !/[aeiouy]/.test(token)) return true;
  // Five consonants in a row, once the clusters real words are built from are taken out.
  if (/[^aeiouy]{5}/.test(token.replace(/sch|ch|th|ng|ck|ph|sh|gh|st|tz|pf/g, ""))) return true;
  for (let i = 0; i + 4 <= token.length; i += 1) {
    if (KEYBOARD_RUNS.has(token.slice(i, i + 4))) return true;
  }
  return false;
}

function startsWithAny(plain: string, openers: readonly string[]): boolean {
  const spaced = ` ${tokensOf(plain).join(" ")} `;
  let rest = spaced;
  for (let lead = LEAD_INS.find((w) => rest.startsWith(` ${w} `)); lead;) {
    rest = rest.slice(lead.length + 1);
    lead = LEAD_INS.find((w) => rest.startsWith(` ${w} `));
  }
  return openers.some((opener) => rest.startsWith(` ${opener} `));
}

type SentenceKind = "question" | "help" | "statement";

function sentenceKind(sentence: string): SentenceKind {
  if (QUESTION_MARK.test(sentence) || startsWithAny(sentence, QUESTION_OPENERS)) return "question";
  return HELP_REQUEST.test(tokensOf(sentence).join(" ")) ? "help" : "statement";
}

const isContent = (token: string) =>
  !AGREEMENT.has(token) && !FILLER.has(token) && !UNSURE.has(token) && !DEFERRING.has(token);

/**
 * Reads a learner's reply to a comprehension question: substantive, or why not. Speaking for the
 * system and asking to skip spoil the whole reply; otherwise the reply's statements must hold at
 * least one real word beyond agreement, fillers and "I don't know" (as many real words as
 * gibberish ones), and a question or a request to be told counts only next to such a statement.
 */
export function readAnswer(text: string): AnswerReading {
  const plain = plainText(text).trim();
  if (tokensOf(plain).length === 0) return { substantive: false, reason: "no_content" };
  const spaced = tokensOf(plain).join(" ");
  if (IMPERSONATION.some((pattern) => pattern.test(plain))) {
    return { substantive: false, reason: "impersonation" };
  }
  if (SKIP_REQUEST.some((pattern) => pattern.test(spaced))) {
    return { substantive: false, reason: "skip_request" };
  }
  const sentences = plain.split(/(?<=[.!?;:…¿？؟])\s+|\n+/).filter((s) => tokensOf(s).length > 0);
  const kinds = sentences.map(sentenceKind);
  const content = sentences
    .filter((_, i) => kinds[i] === "statement")
    .flatMap(tokensOf)
    .filter(isContent);
  if (content.length === 0) {
    const padded = ` ${spaced} `;
    if (UNSURE_PHRASES.some((phrase) => padded.includes(` ${phrase} `))) {
      return { substantive: false, reason: "unsure" };
    }
    if (kinds.includes("help")) return { substantive: false, reason: "help_request" };
    if (kinds.includes("question")) return { substantive: false, reason: "question" };
    const agrees = tokensOf(plain).some((token) => AGREEMENT.has(token));
    return { substantive: false, reason: agrees ? "agreement" : "no_content" };
  }
  const gibberish = content.filter((t) => isGibberishToken(t) || PLACEHOLDERS.has(t)).length;
  const real = content.length - gibberish;
  if (real === 0 || real < gibberish) return { substantive: false, reason: "gibberish" };
  return { substantive: true };
}

const GREETINGS = new Set(
  words(
    "hi hello hey hiya howdy greetings yo hola buenos buenas bonjour salut bonsoir hallo ciao ola oi",
  ),
);

/** Whether a message only says hello ("Hola", "Bonjour !", "hi there"), in any of the languages. */
export function isGreeting(text: string): boolean {
  const tokens = tokensOf(plainText(text));
  return (
    tokens.some((token) => GREETINGS.has(token)) &&
    tokens.every((token) => GREETINGS.has(token) || FILLER.has(token))
  );
}
