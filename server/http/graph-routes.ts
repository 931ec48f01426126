import {
  MERMAID_CHUNKS,
  drawGraph,
  readAsset,
  readConversation,
  readCurrentState,
  readOpening,
  renderErrorPage,
  renderGraphPage,
  renderIndexPage,
  type Conversation,
  type ConversationGraph,
  type DrawableGraph,
  type DrawnGraph,
  type PageAssets,
  type SignInSettings,
} from "../../graphs/index.js";
import { GRAPHS } from "../../domain/index.js";
import { promptsOf } from "../../graphs/prompts.js";
import { authenticate, type AuthContext } from "./authenticate.js";
import { fileReply, pageReply } from "./encoded-reply.js";
import {
  recentConversations,
  requestedConversation,
  type ThreadReader,
  type Viewer,
} from "./graph-conversations.js";
import { forkRoute, type ForkRunner } from "./fork-route.js";
import type { Reply, RequestInfo, Route } from "./handler.js";
import { HttpError } from "./http-error.js";

export interface GraphRoutesDeps {
  auth: AuthContext;
  /** How people sign in; with local sign-in the drawings are open to whoever reaches the server. */
  signIn: SignInSettings;
  graphs: (DrawableGraph & ConversationGraph)[];
  /** Forks conversations from the pages; without it the pages offer no fork. */
  fork?: ForkRunner;
  /** The server's Gemini settings, for forks on `gemini`. */
  geminiEnv?: Record<string, string | undefined>;
  /** The prompts the server's agents read (`PROMPTS_DIR`), which forks start from. */
  promptsDir?: string | null;
}

export const GRAPHS_PATH = "/graphs";
/** Where each graph's prompts are, under `prompts/`. */
const PROMPT_FOLDERS: Record<string, string> = {
  [GRAPHS.commander]: "commander",
  [GRAPHS.ally]: "ally",
};
const ASSETS_PATH = `${GRAPHS_PATH}/assets/`;
/** Where Mermaid's ES module loads its chunks from: beside itself, as it was built. */
export const MERMAID_CHUNKS_PATH = `${ASSETS_PATH}${MERMAID_CHUNKS}`;
const ASSETS: PageAssets = { inline: false, base: ASSETS_PATH };

/**
 * Transcripts are learner input: nothing on these pages may load or run from anywhere else, and
 * they connect only to this server and, in Firebase mode, to Firebase Auth to sign in. Inline
 * styles stay allowed because Mermaid styles the SVG it draws with them.
 */
function pageHeaders(signIn: SignInSettings): Record<string, string> {
  const toolkit = signIn.firebase && new URL(signIn.firebase.identityToolkit).origin;
  const connect = ["'self'", ...(toolkit ? [toolkit] : [])].join(" ");
  return {
    "Content-Security-Policy":
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      `font-src 'self' data:; connect-src ${connect}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  };
}

const ERROR_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign in first",
  403: "Not your conversation",
  404: "Not found",
};

/**
 * `GET /graphs` lists the graphs and the caller's recent conversations; `GET /graphs/{name}` draws
 * one, and with `?thread=`, `?session_id=` or `?mission_id=` lays that conversation's path and
 * states over it; `GET /graphs/assets/…` serves the pages' scripts and styles, and Mermaid.
 */
export function graphRoutes(deps: GraphRoutesDeps) {
  const local = deps.signIn.auth === "local";
  const headers = pageHeaders(deps.signIn);
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
  const readerOf = (graph: ConversationGraph | undefined): ThreadReader => ({
    state: async (threadId) => graph && readCurrentState(graph, threadId),
    opening: async (threadId) => graph && readOpening(graph, threadId, deps.auth.store.transcripts),
  });
  const commanderThreads = readerOf(graphs.get(GRAPHS.commander));

  /** Answers the route's `HttpError`s with a page, offering to sign in where that would help. */
  const asPage =
    (route: (req: RequestInfo) => Promise<string>): Route =>
    async (req) => {
      try {
        return await pageReply(req, 200, await route(req), headers);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        const html = await renderErrorPage({
          title: ERROR_TITLES[err.status] ?? "Something went wrong",
          message: err.detail,
          assets: ASSETS,
          indexHref: GRAPHS_PATH,
          signIn: err.status === 401 ? deps.signIn : undefined,
        });
        return pageReply(req, err.status, html, headers);
      }
    };

  /** With local sign-in the drawings are open to anyone; conversations never are. */
  async function viewerOf(req: RequestInfo): Promise<Viewer> {
    if (!local) return { user: await authenticate(deps.auth, req) };
    try {
      return { user: await authenticate(deps.auth, req) };
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) return {};
      throw err;
    }
  }

  const index = async (req: RequestInfo) => {
    const viewer = await viewerOf(req);
    const conversations = viewer.user
      ? await recentConversations(deps.auth.store, viewer.user, commanderThreads)
      : undefined;
    return renderIndexPage({
      graphs: [...graphs.keys()].map((name) => ({ name, href: `${GRAPHS_PATH}/${name}` })),
      conversations,
      signIn: deps.signIn,
      assets: ASSETS,
    });
  };

  const graphPage = async (req: RequestInfo) => {
    const name = req.params[0] ?? "";
    const graph = graphs.get(name);
    if (!graph) throw new HttpError(404, `There is no graph named "${name.slice(0, 64)}".`);
    const viewer = await viewerOf(req);
    // The page reads the whole conversation anyway: its label comes from that one reading.
    let reading: Promise<Conversation> | undefined;
    const read = (threadId: string) =>
      (reading ??= readConversation(graph, threadId, deps.auth.store.transcripts));
    const ref = await requestedConversation(deps.auth.store, name, req.query, viewer, {
      state: async (threadId) => (await read(threadId)).turns.findLast((t) => t.state)?.state,
      opening: async (threadId) => (await read(threadId)).turns[0]?.learner,
    });
    const conversation = ref && {
      label: ref.label,
      checkpoints: ref.checkpoints,
      conversation: await read(ref.threadId),
      ...(deps.fork && {
        fork: {
          thread: ref.threadId,
          prompts: promptsOf(PROMPT_FOLDERS[name] ?? name, deps.promptsDir),
          promptsFolder: local,
        },
      }),
    };
    return renderGraphPage({
      graph: await drawn(name, graph),
      conversation,
      assets: ASSETS,
      indexHref: GRAPHS_PATH,
    });
  };

  /** Versioned URLs, and Mermaid's chunks (named by their content), are cached for good. */
  const serveAsset = async (req: RequestInfo, name: string, named: boolean): Promise<Reply> => {
    const file = await readAsset(name);
    if (!file) throw new HttpError(404, "Not Found");
    return fileReply(req, file, named || req.query.get("v") === file.hash);
  };

  return {
    fork: forkRoute({
      auth: deps.auth,
      fork: deps.fork,
      geminiEnv: deps.geminiEnv ?? {},
      reader: commanderThreads,
      promptsDirAllowed: local,
      promptsDir: deps.promptsDir ?? undefined,
    }),
    index: asPage(index),
    graph: asPage(graphPage),
    asset: (req: RequestInfo) => serveAsset(req, req.params[0] ?? "", false),
    mermaidChunk: (req: RequestInfo) =>
      serveAsset(req, `${MERMAID_CHUNKS}${req.params[0] ?? ""}`, true),
  };
}
