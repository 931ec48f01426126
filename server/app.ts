import uWS from "uWebSockets.js";
import { buildGraphs, type ModelFactory } from "../graphs/index.js";
import type { Store } from "../store/index.js";
import type { FirebaseTokenVerifier, LocalTokenVerifier, TokenVerifier } from "./auth/index.js";
import type { Config } from "./config.js";
import { authRoutes } from "./http/auth-routes.js";
import type { HandlerContext } from "./http/handler.js";
import { devLoginRoute, localLogoutRoute } from "./http/dev-login-route.js";
import type { ForkRunner } from "./http/fork-route.js";
import { GRAPHS_PATH, MERMAID_CHUNKS_PATH, graphRoutes } from "./http/graph-routes.js";
import {
  createEnrollmentRoute,
  getMissionRoute,
  patchMissionRoute,
} from "./http/mission-routes.js";
import { Router } from "./http/router.js";
import { createSessionRoute, getSessionRoute } from "./http/session-routes.js";
import { enrolledMissionsRoute, profileRoute, updateUserRoute } from "./http/user-routes.js";
import { signInConfig, webAppRoutes } from "./http/web-app-routes.js";
import { listen } from "./listen.js";
import type { Logger } from "./log.js";
import {
  flushTraces,
  instrumentStore,
  type EndpointName,
  metricsRoute,
  readyRoute,
  ServerMetrics,
  storeProbe,
} from "./observability/index.js";
import { protocolJsonSchema } from "./protocol/index.js";
import { allyEndpoint } from "./ws/ally-endpoint.js";
import { commanderEndpoint } from "./ws/commander-endpoint.js";
import type { Connection } from "./ws/connection.js";
import { ConversationLeases } from "./ws/conversation-leases.js";
import { ConversationLocks } from "./ws/conversation-locks.js";
import { FairScheduler } from "./ws/fair-scheduler.js";
import { withPauses } from "./ws/pausing-store.js";
import { registerEndpoint, type EndpointContext, type EndpointSpec } from "./ws/socket-endpoint.js";
import { TurnAdmission } from "./ws/turn-admission.js";

export interface ServerDeps {
  config: Config;
  store: Store;
  verifier: TokenVerifier;
  /** Present in local auth mode, where the server signs its own tokens. */
  localIssuer?: LocalTokenVerifier;
  /** Present in firebase auth mode, where the server issues and revokes session cookies. */
  firebase?: FirebaseTokenVerifier;
  models: ModelFactory;
  log: Logger;
  /** Forks stored conversations for the graph pages (`POST /graphs/fork`); absent: no forks. */
  fork?: ForkRunner;
}

export interface RunningServer {
  port: number;
  /** Stops accepting, lets running turns finish within the grace period, then closes with 1001. */
  shutdown(): Promise<void>;
}

/** The address a browser on this machine can open: a wildcard bind is reached on loopback. */
const browsable = (host: string) =>
  host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;

/** uWS silently falls back to a pure-JS build that cannot serve WebSockets; refuse to run on it. */
export function assertNativeUws(): void {
  if (typeof uWS.getParts !== "function") {
    throw new Error(
      "uWebSockets.js loaded its pure-JS fallback (the native binary did not load); it cannot serve WebSockets",
    );
  }
}

const NOT_PROCESSED =
  "The server is restarting, so this message was not processed. Please send it again once you have reconnected.";

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  assertNativeUws();
  const { config, verifier, log } = deps;
  const metrics = new ServerMetrics();
  const scheduler = new FairScheduler();
  // Pauses wrap the instrumented store, so store latency is measured without the wait for a turn.
  const store = withPauses(instrumentStore(deps.store, metrics), scheduler.yield);
  const { commander, ally } = buildGraphs(deps.models, store);
  const promptsDir = config.promptsDir;

  let draining = false;
  const connections = new Set<Connection>();
  const http: HandlerContext = {
    log,
    allowedOrigins: config.allowedOrigins,
    maxBodyBytes: config.maxBodyBytes,
    onInternalError: () => metrics.error("http_internal"),
  };
  const admission = new TurnAdmission({
    turnsPerMinute: config.turnsPerMinute,
    maxRunningTurns: config.maxRunningTurns,
    busyEventLoopDelayMs: config.busyEventLoopDelayMs,
  });
  const leases = new ConversationLeases(store.leases, {
    ttlMs: config.conversationLeaseTtlMs,
    onTakeover: () => metrics.leaseTakenOver(),
    onError: (error) => log.warn("a call on a conversation lease failed", { error }),
  });
  const ws: Omit<EndpointContext, "sockets"> = {
    log,
    limits: {
      maxFrameBytes: config.maxFrameBytes,
      maxQueuedMessages: config.maxQueuedMessages,
      maxBackpressureBytes: config.wsMaxBackpressureBytes,
      idleTimeoutMs: config.wsIdleTimeoutSeconds * 1000,
    },
    locks: new ConversationLocks(),
    leases,
    scheduler,
    admission,
    allowedOrigins: config.allowedOrigins,
    connections,
    isDraining: () => draining,
  };
  const auth = { verifier, store };
  const webAppSettings = {
    auth: config.auth,
    firebase: {
      apiKey: config.firebase.webApiKey,
      authEmulatorHost: config.firebase.authEmulatorHost,
    },
  };
  const graphPages = graphRoutes({
    auth,
    signIn: signInConfig(webAppSettings),
    graphs: [commander, ally],
    fork: deps.fork,
    promptsDir,
    geminiEnv: {
      GOOGLE_API_KEY: config.models.googleApiKey,
      GEMINI_BASE_URL: config.models.geminiBaseUrl,
      GEMINI_MODEL: config.models.defaultModel,
    },
  });
  const healthy = () => ({ status: 200, body: { status: "healthy" } });
  const webApp = webAppRoutes(webAppSettings);

  const app = uWS.App();
  const routes = new Router(app, http)
    .add("GET", "/", webApp.page)
    .add("GET", "/app/:file", webApp.asset, 1)
    .add("GET", "/health", healthy)
    .add("GET", "/api/health", healthy)
    .add(
      "GET",
      "/ready",
      readyRoute(() => draining, storeProbe(deps.store)),
    )
    .add("GET", "/metrics", metricsRoute(metrics, config.metricsToken))
    .add("POST", "/api/v1/sessions", createSessionRoute(auth))
    .add("POST", "/api/v1/sessions/", createSessionRoute(auth))
    .add("GET", "/api/v1/sessions/:id", getSessionRoute(auth), 1)
    .add("GET", "/api/v1/user/profile", profileRoute(auth))
    .add("PUT", "/api/v1/user/update", updateUserRoute(auth))
    .add("GET", "/api/v1/user/enrolled-missions", enrolledMissionsRoute(auth))
    .add("POST", "/api/v1/missions/enrollment", createEnrollmentRoute(auth))
    .add("GET", "/api/v1/missions/:id", getMissionRoute(auth), 1)
    .add("PATCH", "/api/v1/missions/:id", patchMissionRoute(auth), 1)
    .add("GET", GRAPHS_PATH, graphPages.index)
    .add("GET", `${GRAPHS_PATH}/`, graphPages.index)
    .add("GET", `${GRAPHS_PATH}/assets/:file`, graphPages.asset, 1)
    .add("GET", `${MERMAID_CHUNKS_PATH}:file`, graphPages.mermaidChunk, 1)
    .add("GET", `${GRAPHS_PATH}/:name`, graphPages.graph, 1)
    .add("POST", `${GRAPHS_PATH}/fork`, graphPages.fork)
    .add("GET", "/api/v1/protocol/schema.json", () => ({
      status: 200,
      body: protocolJsonSchema(),
    }));
  if (deps.localIssuer) {
    const route = devLoginRoute({
      verifier: deps.localIssuer,
      store,
      cookie: config.cookie,
    });
    routes
      .add("POST", "/api/v1/auth/dev-login", route)
      .add("POST", "/api/v1/auth/logout", localLogoutRoute(config.cookie));
  }
  if (deps.firebase) {
    const session = authRoutes({
      firebase: deps.firebase,
      cookie: config.cookie,
      sessionMaxAgeSeconds: config.sessionCookieMaxAgeSeconds,
    });
    routes
      .add("POST", "/api/v1/auth/create-session", session.createSession)
      .add("POST", "/api/v1/auth/refresh-session", session.refreshSession)
      .add("POST", "/api/v1/auth/logout", session.logout)
      .add("GET", "/api/v1/auth/session-status", session.sessionStatus);
  }
  const tutor = (name: EndpointName) => ({
    store,
    verifier,
    promptsDir,
    turns: metrics.turnsOf(name),
  });
  const endpoints: [EndpointName, EndpointSpec][] = [
    ["commander", commanderEndpoint({ ...tutor("commander"), graph: commander })],
    ["ally", allyEndpoint({ ...tutor("ally"), graph: ally })],
  ];
  for (const [name, endpoint] of endpoints) {
    registerEndpoint(app, { ...ws, sockets: metrics.sockets(name) }, endpoint);
    routes.addUpgrade(endpoint.path);
  }
  routes.finish();

  let listenSocket: uWS.us_listen_socket;
  try {
    listenSocket = await listen(app, config.host, config.port);
  } catch (err) {
    admission.stop();
    throw err;
  }
  const port = uWS.us_socket_local_port(listenSocket);
  log.info("listening", { host: config.host, port });
  log.info(`open http://${browsable(config.host)}:${port}`);
  if (config.tracing) log.info("LangSmith tracing on", config.tracing);

  return {
    port,
    async shutdown() {
      if (draining) return;
      draining = true;
      uWS.us_listen_socket_close(listenSocket);
      const open = [...connections];
      log.info("draining", { sockets: open.length });
      for (const c of open) c.stopTurns();
      const finished = Promise.all(open.map((c) => c.idle()));
      const graceOver = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), config.shutdownGraceMs).unref(),
      );
      if ((await Promise.race([finished, graceOver])) === "timeout") {
        log.warn("aborting turns still running after the grace period");
        for (const c of open) c.abort.abort();
        await finished;
      }
      for (const c of connections) {
        // Each message that never got its turn is answered, in order, before the close.
        c.send(
          ...c.dropQueued().map(() => ({
            type: "error",
            code: "not_processed",
            message: NOT_PROCESSED,
          })),
        );
        c.close(1001, "Server shutting down");
      }
      // Closing a socket runs its close handling at once; the store stays open until it is done.
      await Promise.all(open.map((c) => c.closeHandling));
      // The sockets' own releases are under way; whatever is still held goes now, so clients
      // resume on another instance without waiting for an expiry.
      await leases.releaseAll();
      admission.stop();
      if (config.tracing) await flushTraces();
      await store.close();
      log.info("stopped");
    },
  };
}
