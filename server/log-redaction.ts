const REDACTED = "[redacted]";

/** Field names whose values never reach a log line, whatever they hold. */
const SECRET_KEYS = /token|cookie|secret|authorization|password|api_?key/i;

// Shapes of credentials that upstream error text is known to echo: Google API keys (Gemini,
// YouTube, Firebase), OAuth access tokens, LangSmith keys, JWTs (Firebase ID tokens and session cookies, local
// session tokens), bearer values, private keys, and credentials in URLs, headers or JSON.
const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/AIza[0-9A-Za-z_-]{20,}/g, REDACTED],
  [/ya29\.[0-9A-Za-z_.-]+/g, REDACTED],
  [/lsv2_[a-z]{2}_[0-9a-f]{16,}_[0-9a-f]+/g, REDACTED],
  // A JWT, or any one of its segments alone (each is base64url JSON, so it starts with "eyJ").
  [/eyJ[0-9A-Za-z_-]{8,}(?:\.[0-9A-Za-z_-]*){0,2}/g, REDACTED],
  [/\bBearer\s+[0-9A-Za-z._~+/=-]{8,}/gi, `Bearer ${REDACTED}`],
  [
    /([?&;]\s*(?:key|api_?key|access_token|id_token|refresh_token|token|session|client_secret|sig|signature)=)[^&\s"'#;,]+/gi,
    `$1${REDACTED}`,
  ],
  [
    /\b((?:x-goog-api-key|api[-_]?key|authorization|cookie|password|secret|private_key|(?:access|id|refresh|session)_?token)(?:\\*["'])?\s*[:=]\s*(?:\\*["'])?)(?:(?:Bearer|Basic)\s+)?[^\s"'\\,;&}]+/gi,
    `$1${REDACTED}`,
  ],
];

/** `text` with every known secret and everything shaped like a credential replaced. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 6;

function scrubValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (value instanceof Error) return scrubText(value.message, secrets);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return "[nested]";
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  return scrubFields(value as Record<string, unknown>, secrets, depth + 1);
}

function scrubFields(
  fields: Record<string, unknown>,
  secrets: readonly string[],
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[scrubText(key, secrets)] = scrubValue(value, secrets, depth);
  }
  return out;
}

/**
 * Log fields made safe: values under secret-looking names are dropped, errors become their
 * message, and every string and name, however deep, is scrubbed of secrets.
 */
export function redactFields(
  fields: Record<string, unknown>,
  secrets: readonly string[] = [],
): Record<string, unknown> {
  const out = scrubFields(fields, secrets, 0);
  for (const key of Object.keys(out)) if (SECRET_KEYS.test(key)) out[key] = REDACTED;
  return out;
}
