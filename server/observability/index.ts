export { instrumentStore } from "./instrument-store.js";
export {
  ServerMetrics,
  type EndpointName,
  type ErrorKind,
  type SocketObserver,
  type TurnObserver,
} from "./metrics.js";
export { storeProbe } from "./readiness.js";
export { metricsRoute, readyRoute } from "./routes.js";
export { flushTraces } from "./tracing.js";
