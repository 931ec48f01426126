export { assertNativeUws, startServer, type RunningServer, type ServerDeps } from "./app.js";
export { assembleServer, buildServer, type BuiltServer } from "./compose.js";
export { loadConfig, type Config } from "./config.js";
export { createLogger, type Logger } from "./log.js";
