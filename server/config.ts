import { z } from "zod";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

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
    FIREBASE_AUTH_EMULATOR_HOST: optionalText,
    GOOGLE_API_KEY: optionalText,
    GEMINI_BASE_URL: optionalText,
    GEMINI_MODEL: z.string().default("gemini-2.5-flash"),
    GEMINI_MODEL_POLARIS: optionalText,
    GEMINI_MODEL_MISSION_CURATOR: optionalText,
    GEMINI_MODEL_MISSION_ALLY: optionalText,
    GEMINI_MODEL_MISSION_SENSEI: optionalText,
    ALLOWED_ORIGINS: z.string().default("http://localhost:3000,http://localhost:8080"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    LOCAL_TOKEN_TTL_SECONDS: positiveInt(2 * 24 * 3600),
    COOKIE_SECURE: z.enum(["true", "false"]).default("false"),
    MAX_FRAME_BYTES: positiveInt(64 * 1024),
    MAX_QUEUED_MESSAGES: positiveInt(16),
    WS_IDLE_TIMEOUT_SECONDS: positiveInt(600),
    WS_MAX_BACKPRESSURE_BYTES: positiveInt(1024 * 1024),
    SHUTDOWN_GRACE_MS: positiveInt(10_000),
  })
  .transform((env) => {
    // Firebase auth is the default once a Firebase project is configured.
    const auth = env.AUTH ?? (env.GOOGLE_CLOUD_PROJECT ? "firebase" : "local");
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
        authEmulatorHost: env.FIREBASE_AUTH_EMULATOR_HOST,
      },
      models: {
        googleApiKey: env.GOOGLE_API_KEY,
        geminiBaseUrl: env.GEMINI_BASE_URL,
        defaultModel: env.GEMINI_MODEL,
        perAgentModel: {
          polaris: env.GEMINI_MODEL_POLARIS,
          mission_curator: env.GEMINI_MODEL_MISSION_CURATOR,
          mission_ally: env.GEMINI_MODEL_MISSION_ALLY,
          mission_sensei: env.GEMINI_MODEL_MISSION_SENSEI,
        },
      },
      allowedOrigins: env.ALLOWED_ORIGINS.split(",")
        .map((o) => o.trim())
        .filter(Boolean),
      logLevel: env.LOG_LEVEL,
      localTokenTtlSeconds: env.LOCAL_TOKEN_TTL_SECONDS,
      cookieSecure: env.COOKIE_SECURE === "true",
      maxFrameBytes: env.MAX_FRAME_BYTES,
      maxQueuedMessages: env.MAX_QUEUED_MESSAGES,
      wsIdleTimeoutSeconds: env.WS_IDLE_TIMEOUT_SECONDS,
      wsMaxBackpressureBytes: env.WS_MAX_BACKPRESSURE_BYTES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    };
  });

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Reads the configuration once from the environment; a bad value fails with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
