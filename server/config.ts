import { z } from "zod";
import { AGENT_NAMES, type AgentName } from "../domain/index.js";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** An optional number: unset or blank means "use the default". */
const optionalNumber = (schema: z.ZodNumber) =>
  optionalText.pipe(z.coerce.number<string>().pipe(schema).optional());

type PerAgent<Prefix extends string> = `${Prefix}_${Uppercase<AgentName>}`;
const perAgentName = <Prefix extends string>(prefix: Prefix, agent: AgentName) =>
  `${prefix}_${agent.toUpperCase()}` as PerAgent<Prefix>;

/** One variable per agent, named `<prefix>_<AGENT>` (`GEMINI_MODEL_POLARIS`, …). */
const perAgent = <Prefix extends string, S extends z.ZodType>(prefix: Prefix, schema: S) => {
  const entries = AGENT_NAMES.map((agent) => [perAgentName(prefix, agent), schema]);
  return Object.fromEntries(entries) as Record<PerAgent<Prefix>, S>;
};

/** The values of one prefix's per-agent variables, by agent. */
const byAgent = <Prefix extends string, Env extends Partial<Record<PerAgent<Prefix>, unknown>>>(
  env: Env,
  prefix: Prefix,
) => {
  const entries = AGENT_NAMES.map((agent) => [agent, env[perAgentName(prefix, agent)]]);
  return Object.fromEntries(entries) as Record<AgentName, Env[PerAgent<Prefix>]>;
};

const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: optionalText,
    DATA_DIR: z.string().default("./data"),
    SQLITE_PATH: optionalText,
    STORE: z.enum(["sqlite", "firestore"]).default("sqlite"),
    AUTH: z.enum(["local", "firebase"]).optional(),
    GOOGLE_CLOUD_PROJECT: optionalText,
    FIRESTORE_DATABASE_ID: optionalText,
    FIRESTORE_EMULATOR_HOST: optionalText,
    FIRESTORE_TIMEOUT_MS: positiveInt(10_000),
    FIRESTORE_TRANSACTION_ATTEMPT_MS: optionalNumber(z.number().int().positive()),
    FIRESTORE_TRANSACTION_BUDGET_MS: optionalNumber(z.number().int().positive()),
    FIREBASE_AUTH_EMULATOR_HOST: optionalText,
    FIREBASE_API_KEY: optionalText,
    GOOGLE_API_KEY: optionalText,
    GEMINI_BASE_URL: optionalText,
    GEMINI_MODEL: z.string().default("gemini-2.5-flash"),
    ...perAgent("GEMINI_MODEL", optionalText),
    ...perAgent("GEMINI_TEMPERATURE", optionalNumber(z.number().min(0).max(2))),
    // -1 lets Gemini decide how long to think, 0 turns thinking off.
    ...perAgent("GEMINI_THINKING_BUDGET", optionalNumber(z.number().int().min(-1).max(32768))),
    GEMINI_TIMEOUT_MS: positiveInt(60_000),
    GEMINI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    GEMINI_GOOGLE_SEARCH: z.enum(["true", "false"]).default("false"),
    YOUTUBE_API_KEY: optionalText,
    YOUTUBE_API_BASE_URL: optionalText.pipe(z.url().optional()),
    ALLOWED_ORIGINS: z.string().default("http://localhost:3000,http://localhost:8080"),
    PROMPTS_DIR: optionalText,
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    LOCAL_TOKEN_TTL_SECONDS: positiveInt(2 * 24 * 3600),
    // Instances that share it accept each other's local tokens; the message never echoes the value.
    LOCAL_AUTH_SECRET: optionalText.pipe(
      z.string().min(32, "must be at least 32 characters (openssl rand -base64 48)").optional(),
    ),
    COOKIE_SECURE: z.enum(["true", "false"]).default("false"),
    SESSION_COOKIE_SAMESITE: z.enum(["None", "Lax", "Strict"]).optional(),
    // Firebase makes session cookies from 5 minutes to 2 weeks long.
    SESSION_COOKIE_MAX_AGE_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(14 * 24 * 3600)
      .default(2 * 24 * 3600),
    // Bounds how long a revocation made elsewhere can go unnoticed, so it stays short.
    AUTH_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    AUTH_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).default(10_000),
    MAX_FRAME_BYTES: positiveInt(64 * 1024),
    MAX_QUEUED_MESSAGES: positiveInt(16),
    MAX_BODY_BYTES: positiveInt(256 * 1024),
    // 0 turns the per-user limit off.
    TURNS_PER_MINUTE: z.coerce.number().int().min(0).default(60),
    MAX_RUNNING_TURNS: positiveInt(32),
    // 0 leaves the event loop's delay out of the busy rule.
    BUSY_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(200),
    WS_IDLE_TIMEOUT_SECONDS: positiveInt(600),
    WS_MAX_BACKPRESSURE_BYTES: positiveInt(1024 * 1024),
    SHUTDOWN_GRACE_MS: positiveInt(10_000),
    CONVERSATION_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
    METRICS_TOKEN: optionalText.pipe(
      z.string().min(16, "must be at least 16 characters").optional(),
    ),
    // LangSmith's own variables: LangChain reads them itself, at run time.
    LANGSMITH_TRACING: z.enum(["true", "false"]).default("false"),
    LANGSMITH_ENDPOINT: optionalText.pipe(z.url().optional()),
    LANGSMITH_API_KEY: optionalText,
    LANGSMITH_PROJECT: optionalText,
  })
  .transform((env, ctx) => {
    // Firebase auth is the default once a Firebase project is configured.
    const auth = env.AUTH ?? (env.GOOGLE_CLOUD_PROJECT ? "firebase" : "local");
    const secureCookie = auth === "firebase" || env.COOKIE_SECURE === "true";
    // Lax keeps the cookie off other sites' requests; a cross-site frontend opts into None, which
    // browsers accept only on Secure cookies.
    const sameSite = env.SESSION_COOKIE_SAMESITE ?? "Lax";
    const tracing = env.LANGSMITH_TRACING === "true";
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [variable], message });
    if (tracing && !env.LANGSMITH_API_KEY) {
      problem("LANGSMITH_API_KEY", "LANGSMITH_TRACING=true needs LANGSMITH_API_KEY");
    }
    if (sameSite === "None" && !secureCookie) {
      problem(
        "SESSION_COOKIE_SAMESITE",
        "None needs COOKIE_SECURE=true: browsers drop SameSite=None cookies without Secure",
      );
    }
    // A transaction's budget must run out before the store's call deadline, so the learner hears
    // "busy, try again" rather than a timeout.
    const transactionBudgetMs =
      env.FIRESTORE_TRANSACTION_BUDGET_MS ??
      Math.min(6_000, Math.floor(env.FIRESTORE_TIMEOUT_MS * 0.6));
    if (transactionBudgetMs >= env.FIRESTORE_TIMEOUT_MS) {
      problem("FIRESTORE_TRANSACTION_BUDGET_MS", "must be less than FIRESTORE_TIMEOUT_MS");
    }
    return {
      port: env.PORT,
      // Local auth hands out tokens to anyone who asks, so it stays on loopback unless told otherwise.
      host: env.HOST ?? (auth === "local" ? "127.0.0.1" : "0.0.0.0"),
      dataDir: env.DATA_DIR,
      sqlitePath: env.SQLITE_PATH ?? `${env.DATA_DIR}/learnforge.sqlite`,
      store: env.STORE,
      auth,
      firebase: {
        projectId: env.GOOGLE_CLOUD_PROJECT,
        databaseId: env.FIRESTORE_DATABASE_ID,
        firestoreEmulatorHost: env.FIRESTORE_EMULATOR_HOST,
        firestoreTimeoutMs: env.FIRESTORE_TIMEOUT_MS,
        transactions: {
          attemptMs: env.FIRESTORE_TRANSACTION_ATTEMPT_MS ?? Math.min(3_000, transactionBudgetMs),
          budgetMs: transactionBudgetMs,
        },
        authEmulatorHost: env.FIREBASE_AUTH_EMULATOR_HOST,
        /** The web API key the learner's web app signs in with (public, like in any Firebase web app). */
        webApiKey: env.FIREBASE_API_KEY,
      },
      models: {
        googleApiKey: env.GOOGLE_API_KEY,
        geminiBaseUrl: env.GEMINI_BASE_URL,
        defaultModel: env.GEMINI_MODEL,
        perAgentModel: byAgent(env, "GEMINI_MODEL"),
        perAgentTemperature: byAgent(env, "GEMINI_TEMPERATURE"),
        perAgentThinkingBudget: byAgent(env, "GEMINI_THINKING_BUDGET"),
        timeoutMs: env.GEMINI_TIMEOUT_MS,
        maxRetries: env.GEMINI_MAX_RETRIES,
        googleSearch: env.GEMINI_GOOGLE_SEARCH === "true",
        youtube: env.YOUTUBE_API_KEY
          ? { apiKey: env.YOUTUBE_API_KEY, baseUrl: env.YOUTUBE_API_BASE_URL }
          : undefined,
      },
      allowedOrigins: env.ALLOWED_ORIGINS.split(",")
        .map((o) => o.trim())
        .filter(Boolean),
      /** Another copy of `prompts/` for the agents to read; unset means the shipped prompts. */
      promptsDir: env.PROMPTS_DIR,
      logLevel: env.LOG_LEVEL,
      localTokenTtlSeconds: env.LOCAL_TOKEN_TTL_SECONDS,
      /** Signs local tokens instead of the secret kept in `DATA_DIR`. */
      localAuthSecret: env.LOCAL_AUTH_SECRET,
      cookie: { secure: secureCookie, sameSite },
      sessionCookieMaxAgeSeconds: env.SESSION_COOKIE_MAX_AGE_SECONDS,
      authCache: { ttlSeconds: env.AUTH_CACHE_TTL_SECONDS, maxEntries: env.AUTH_CACHE_MAX_ENTRIES },
      maxFrameBytes: env.MAX_FRAME_BYTES,
      maxQueuedMessages: env.MAX_QUEUED_MESSAGES,
      maxBodyBytes: env.MAX_BODY_BYTES,
      turnsPerMinute: env.TURNS_PER_MINUTE,
      maxRunningTurns: env.MAX_RUNNING_TURNS,
      busyEventLoopDelayMs: env.BUSY_EVENT_LOOP_DELAY_MS,
      wsIdleTimeoutSeconds: env.WS_IDLE_TIMEOUT_SECONDS,
      wsMaxBackpressureBytes: env.WS_MAX_BACKPRESSURE_BYTES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      /** How long a conversation's lease lasts unrenewed (see `server/ws/conversation-leases.ts`). */
      conversationLeaseTtlMs: env.CONVERSATION_LEASE_TTL_MS,
      /** Required as a bearer token by `GET /metrics`; unset, only loopback clients may scrape. */
      metricsToken: env.METRICS_TOKEN,
      tracing: tracing
        ? {
            endpoint: env.LANGSMITH_ENDPOINT ?? "https://api.smith.langchain.com",
            project: env.LANGSMITH_PROJECT ?? "default",
          }
        : undefined,
    };
  });

export type Config = z.output<typeof ConfigSchema>;

/** Every environment variable the configuration reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(ConfigSchema.in.shape);

export class ConfigError extends Error {}

/** The configured keys, which logs must never show even when an upstream echoes them. */
export function secretsOf(config: Config): string[] {
  const { googleApiKey, youtube } = config.models;
  const secrets = [googleApiKey, youtube?.apiKey, config.localAuthSecret, config.metricsToken];
  return secrets.filter((s): s is string => Boolean(s));
}

/** Reads the configuration once from the environment; a bad value fails with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
