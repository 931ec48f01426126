import uWS from "uWebSockets.js";
import { buildGraphs, type ModelFactory } from "../graphs/index.js";
import type { Store } from "../store/index.js";
import type { FirebaseTokenVerifier, LocalTokenVerifier, TokenVerifier } from "./auth/index.js";
import type { Config } from "./config.js";
import { authRoutes } from "./http/auth-routes.js";
import { corsHeaders, handle, type HandlerContext } from "./http/handler.js";
import { devLoginRoute, localLogoutRoute } from "./http/dev-login-route.js";
import { GRAPHS_PATH, graphRoutes } from "./http/graph-routes.js";
import {
  createEnrollmentRoute,
  getMissionRoute,
  patchMissionRoute,
} from "./http/mission-routes.js";
import { createSessionRoute, getSessionRoute } from "./http/session-routes.js";
import { enrolledMissionsRoute, profileRoute, updateUserRoute } from "./http/user-routes.js";
import { webAppRoutes } from "./http/web-app-routes.js";
import type { Logger } from "./log.js";
import {
  flushTraces,
  instrumentStore,
  metricsRoute,
  readyRoute,
  ServerMetrics,
  storeProbe,
} from "./observability/index.js";
import { protocolJsonSchema } from "./protocol/index.js";
import { allyEndpoint } from "./ws/ally-endpoint.js";
import { commanderEndpoint } from "./ws/commander-endpoint.js";
import type { Connection } from "./ws/connection.js";
import { ConversationLocks } from "./ws/conversation-locks.js";
import { LiveSockets } from "./ws/live-sockets.js";
import { registerEndpoint, type EndpointContext } from "./ws/socket-endpoint.js";

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

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  assertNativeUws();
  const { config, verifier, log } = deps;
  const metrics = new ServerMetrics();
  const store = instrumentStore(deps.store, metrics);
  const { commander, ally } = buildGraphs(deps.models, store);
  const promptsDir = config.promptsDir;

  let draining = false;
  const connections = new Set<Connection>();
  const http: HandlerContext = {
    log,
    allowedOrigins: config.allowedOrigins,
    maxBodyBytes: 256 * 1024,
    onInternalError: () => metrics.error("http_internal"),
  };
  const ws: Omit<EndpointContext, "sockets"> = {
    log,
    limits: {
      maxFrameBytes: config.maxFrameBytes,
      maxQueuedMessages: config.maxQueuedMessages,
      maxBackpressureBytes: config.wsMaxBackpressureBytes,
      idleTimeoutMs: config.wsIdleTimeoutSeconds * 1000,
    },
    locks: new ConversationLocks(),
    live: new LiveSockets(),
    connections,
    isDraining: () => draining,
  };
  const auth = { verifier, store };
  const graphPages = graphRoutes({
    auth,
    local: config.auth === "local",
    graphs: [commander, ally],
  });
  const healthy = handle(http, () => ({ status: 200, body: { status: "healthy" } }));
  const ready = handle(
    http,
    readyRoute(() => draining, storeProbe(deps.store)),
  );
  const webApp = webAppRoutes({
    auth: config.auth,
    firebase: {
      apiKey: config.firebase.webApiKey,
      authEmulatorHost: config.firebase.authEmulatorHost,
    },
  });

  const app = uWS
    .App()
    .get("/", handle(http, webApp.page))
    .get("/app/:file", handle(http, webApp.asset, 1))
    .get("/health", healthy)
    .get("/api/health", healthy)
    .get("/ready", ready)
    .get("/metrics", handle(http, metricsRoute(metrics, config.metricsToken)))
    .post("/api/v1/sessions", handle(http, createSessionRoute(auth)))
    .post("/api/v1/sessions/", handle(http, createSessionRoute(auth)))
    .get("/api/v1/sessions/:id", handle(http, getSessionRoute(auth), 1))
    .get("/api/v1/user/profile", handle(http, profileRoute(auth)))
    .put("/api/v1/user/update", handle(http, updateUserRoute(auth)))
    .get("/api/v1/user/enrolled-missions", handle(http, enrolledMissionsRoute(auth)))
    .post("/api/v1/missions/enrollment", handle(http, createEnrollmentRoute(auth)))
    .get("/api/v1/missions/:id", handle(http, getMissionRoute(auth), 1))
    .patch("/api/v1/missions/:id", handle(http, patchMissionRoute(auth), 1))
    .get(GRAPHS_PATH, handle(http, graphPages.index))
    .get(`${GRAPHS_PATH}/`, handle(http, graphPages.index))
    .get(`${GRAPHS_PATH}/assets/:file`, handle(http, graphPages.asset, 1))
    .get(`${GRAPHS_PATH}/:name`, handle(http, graphPages.graph, 1))
    .get(
      "/api/v1/protocol/schema.json",
      handle(http, () => ({ status: 200, body: protocolJsonSchema() })),
    )
    .options("/*", (res, req) => {
      const cors = corsHeaders(req.getHeader("origin"), config.allowedOrigins);
      res.writeStatus("204 No Content");
      for (const [name, value] of Object.entries(cors)) res.writeHeader(name, value);
      res.endWithoutBody();
    });
  if (deps.localIssuer) {
    const route = devLoginRoute({
      verifier: deps.localIssuer,
      store,
      cookie: config.cookie,
    });
    app
      .post("/api/v1/auth/dev-login", handle(http, route))
      .post("/api/v1/auth/logout", handle(http, localLogoutRoute(config.cookie)));
  }
  if (deps.firebase) {
    const routes = authRoutes({
      firebase: deps.firebase,
      cookie: config.cookie,
      sessionMaxAgeSeconds: config.sessionCookieMaxAgeSeconds,
    });
    app
      .post("/api/v1/auth/create-session", handle(http, routes.createSession))
      .post("/api/v1/auth/refresh-session", handle(http, routes.refreshSession))
      .post("/api/v1/auth/logout", handle(http, routes.logout))
      .get("/api/v1/auth/session-status", handle(http, routes.sessionStatus));
  }
  registerEndpoint(
    app,
    { ...ws, sockets: metrics.sockets("commander") },
    commanderEndpoint({
      store,
      verifier,
      graph: commander,
      promptsDir,
      turns: metrics.turnsOf("commander"),
    }),
  );
  registerEndpoint(
    app,
    { ...ws, sockets: metrics.sockets("ally") },
    allyEndpoint({ store, verifier, graph: ally, promptsDir, turns: metrics.turnsOf("ally") }),
  );
  app.any(
    "/*",
    handle(http, () => ({ status: 404, body: { detail: "Not Found" } })),
  );

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) =>
      socket
        ? resolve(socket)
        : reject(new Error(`cannot listen on ${config.host}:${config.port}`)),
    );
  });
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
      const finished = Promise.all(open.map((c) => c.idle()));
      const graceOver = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), config.shutdownGraceMs).unref(),
      );
      if ((await Promise.race([finished, graceOver])) === "timeout") {
        log.warn("aborting turns still running after the grace period");
        for (const c of open) c.abort.abort();
        await finished;
      }
      for (const c of connections) c.close(1001, "Server shutting down");
      if (config.tracing) await flushTraces();
      await store.close();
      log.info("stopped");
    },
  };
}
