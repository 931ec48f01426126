import {
  drawGraph,
  isAssetName,
  readAsset,
  readConversation,
  renderErrorPage,
  renderGraphPage,
  renderIndexPage,
  type ConversationGraph,
  type DrawableGraph,
  type DrawnGraph,
  type PageAssets,
} from "../../graphs/index.js";
import { authenticate, type AuthContext } from "./authenticate.js";
import { recentConversations, requestedConversation, type Viewer } from "./graph-conversations.js";
import { RawBody, type Reply, type RequestInfo, type Route } from "./handler.js";
import { HttpError } from "./http-error.js";

export interface GraphRoutesDeps {
  auth: AuthContext;
  /** `config.auth === "local"`: the drawings are open to whoever reaches the server. */
  local: boolean;
  graphs: (DrawableGraph & ConversationGraph)[];
}

export const GRAPHS_PATH = "/graphs";
const ASSETS: PageAssets = { inline: false, base: `${GRAPHS_PATH}/assets/` };

// Transcripts are learner input: nothing on these pages may load or run from anywhere else.
// Inline styles stay allowed because Mermaid styles the SVG it draws with them.
const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const ERROR_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign in first",
  403: "Not your conversation",
  404: "Not found",
};

const page = (status: number, html: string): Reply => ({
  status,
  body: new RawBody("text/html; charset=utf-8", html),
  headers: PAGE_HEADERS,
});

/** Answers the route's `HttpError`s with a page, since a browser asked. */
const asPage =
  (route: Route): Route =>
  async (req) => {
    try {
      return await route(req);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const title = ERROR_TITLES[err.status] ?? "Something went wrong";
      return page(
        err.status,
        renderErrorPage({ title, message: err.detail, assets: ASSETS, indexHref: GRAPHS_PATH }),
      );
    }
  };

/**
 * `GET /graphs` lists the graphs and the caller's recent conversations; `GET /graphs/{name}` draws
 * one, and with `?thread=`, `?session_id=` or `?mission_id=` lays that conversation's path over
 * it; `GET /graphs/assets/{file}` serves Mermaid and the pages' own script and styles.
 */
export function graphRoutes(deps: GraphRoutesDeps) {
  const graphs = new Map(deps.graphs.map((graph) => [graph.getName(), graph]));
  const drawings = new Map<string, Promise<DrawnGraph>>();
  const drawn = (name: string, graph: DrawableGraph) => {
    let drawing = drawings.get(name);
    if (!drawing) {
      drawing = drawGraph(graph);
      drawings.set(name, drawing);
      drawing.catch(() => drawings.delete(name));
    }
    return drawing;
  };

  /** With local sign-in the drawings are open to anyone; conversations never are. */
  async function viewerOf(req: RequestInfo): Promise<Viewer> {
    if (!deps.local) return { user: await authenticate(deps.auth, req) };
    try {
      return { user: await authenticate(deps.auth, req) };
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) return {};
      throw err;
    }
  }

  const index: Route = async (req) => {
    const viewer = await viewerOf(req);
    const conversations = viewer.user
      ? await recentConversations(deps.auth.store, viewer.user)
      : undefined;
    const html = renderIndexPage({
      graphs: [...graphs.keys()].map((name) => ({ name, href: `${GRAPHS_PATH}/${name}` })),
      conversations,
      signIn: deps.local,
      assets: ASSETS,
    });
    return page(200, html);
  };

  const graphPage: Route = async (req) => {
    const name = req.params[0] ?? "";
    const graph = graphs.get(name);
    if (!graph) throw new HttpError(404, `There is no graph named "${name.slice(0, 64)}".`);
    const viewer = await viewerOf(req);
    const ref = await requestedConversation(deps.auth.store, name, req.query, viewer);
    const conversation = ref && {
      label: ref.label,
      conversation: await readConversation(graph, ref.threadId, deps.auth.store.transcripts),
    };
    const html = renderGraphPage({
      graph: await drawn(name, graph),
      conversation,
      assets: ASSETS,
      indexHref: GRAPHS_PATH,
    });
    return page(200, html);
  };

  const asset: Route = (req) => {
    const name = req.params[0] ?? "";
    if (!isAssetName(name)) throw new HttpError(404, "Not Found");
    const { contentType, body } = readAsset(name);
    return {
      status: 200,
      body: new RawBody(contentType, body),
      headers: { "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff" },
    };
  };

  return { index: asPage(index), graph: asPage(graphPage), asset };
}
