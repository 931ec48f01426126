/**
 * A failed request to Gemini, described without anything secret: the HTTP status, Gemini's own
 * message with keys and URLs taken out, and how long Gemini asked us to wait (`RetryInfo`), if it
 * did. This is what a failed turn logs, so raw upstream text never reaches a log line.
 */
export class GeminiRequestError extends Error {
  override name = "GeminiRequestError";

  constructor(
    message: string,
    readonly status?: number,
    readonly retryDelayMs?: number,
  ) {
    super(message);
  }
}

const MAX_MESSAGE = 300;
const SDK_PREFIX = /^\[GoogleGenerativeAI Error\]:\s*/;
const FETCH_PREFIX = /^Error fetching from \S+: \[\d{3}[^\]]*\]\s*/;
const API_KEY = /AIza[0-9A-Za-z_-]{20,}/g;
const KEY_PARAM = /\b(key|api_?key|token|access_token)=[^&\s"']+/gi;
const BEARER = /\bBearer\s+[\w.~+/-]+=*/gi;
const URL = /\bhttps?:\/\/\S+/g;

/** `text` with API keys, key parameters, bearer tokens and URLs taken out, on one short line. */
export function scrubSecrets(text: string, apiKey?: string): string {
  let out = apiKey ? text.split(apiKey).join("<key>") : text;
  out = out
    .replace(URL, "<url>")
    .replace(API_KEY, "<key>")
    .replace(KEY_PARAM, "$1=<key>")
    .replace(BEARER, "Bearer <token>")
    .replace(/\s+/g, " ")
    .trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 1)}…` : out;
}

interface SdkError {
  message?: unknown;
  status?: unknown;
  statusText?: unknown;
  errorDetails?: unknown;
}

/** `"37s"` or `"1.5s"`, as `google.rpc.RetryInfo.retryDelay` writes it, in milliseconds. */
function retryDelayOf(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as Record<string, unknown>[]) {
    const type = String(detail?.["@type"] ?? "");
    const delay = detail?.["retryDelay"];
    if (!type.endsWith("google.rpc.RetryInfo") || typeof delay !== "string") continue;
    const seconds = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
    if (seconds) return Math.round(Number(seconds[1]) * 1000);
  }
  return undefined;
}

/**
 * Any error the Gemini SDK throws, as a `GeminiRequestError`. The SDK puts the request URL and the
 * whole error body (details included) in its messages; only Gemini's message is kept, scrubbed.
 */
export function toGeminiError(error: unknown, apiKey?: string): GeminiRequestError {
  if (error instanceof GeminiRequestError) return error;
  const sdk = (typeof error === "object" && error !== null ? error : {}) as SdkError;
  const status = typeof sdk.status === "number" ? sdk.status : undefined;
  let message = String(sdk.message ?? error).replace(SDK_PREFIX, "");
  if (status !== undefined) {
    message = message.replace(FETCH_PREFIX, "");
    if (sdk.errorDetails !== undefined) {
      message = message.replace(` ${JSON.stringify(sdk.errorDetails)}`, "");
    }
  }
  const statusText = typeof sdk.statusText === "string" ? ` ${sdk.statusText}` : "";
  const what = status === undefined ? "request failed" : `answered HTTP ${status}${statusText}`;
  const scrubbed = scrubSecrets(message, apiKey);
  return new GeminiRequestError(
    `Gemini ${what}${scrubbed ? `: ${scrubbed}` : ""}`,
    status,
    retryDelayOf(sdk.errorDetails),
  );
}

/**
 * Which failed requests are worth another attempt, for `AsyncCaller`'s `onFailedAttempt`: not a
 * 4xx, which would fail the same way again, except a 429. A 429 whose `retryDelay` fits within
 * `limitMs` is retried after that delay; one that asks for longer fails at once, so the learner
 * hears that the tutor is busy instead of waiting past the time limit.
 */
export function retryPolicy(limitMs: number): (error: unknown) => void {
  return (error) => {
    // The turn was abandoned (the learner left); nobody is waiting for another attempt.
    if (error instanceof Error && error.name === "AbortError") throw error;
    if (!(error instanceof GeminiRequestError) || error.status === undefined) return;
    if (error.status === 429) {
      if (error.retryDelayMs === undefined) return;
      if (error.retryDelayMs > limitMs) throw error;
      (error as GeminiRequestError & { retryAfterMs?: number }).retryAfterMs = error.retryDelayMs;
      return;
    }
    if (error.status >= 400 && error.status < 500 && error.status !== 408) throw error;
  };
}

/** The HTTP status of a failed Gemini request, for the log line of a failed turn. */
export function failureStatus(error: unknown): number | undefined {
  return error instanceof GeminiRequestError ? error.status : undefined;
}

/**
 * What to tell a learner whose turn failed because Gemini is rate-limiting us for longer than we
 * wait; undefined for any other failure.
 */
export function busyNotice(error: unknown): string | undefined {
  if (!(error instanceof GeminiRequestError) || error.status !== 429) return undefined;
  const seconds = Math.ceil((error.retryDelayMs ?? 60_000) / 1000);
  const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
  return `The tutor is busy right now. Please send your message again in about ${wait}.`;
}
