import { z } from "zod";
import { GRAPHS, parseThreadId } from "../../domain/index.js";
import type { ForkRequest } from "../../evals/fork/fork.js";
import type { ForkResult } from "../../evals/fork/fork-data.js";
import type { Store } from "../../store/index.js";
import { signedIn, type AuthContext } from "./authenticate.js";
import { requestedConversation, type ThreadReader } from "./graph-conversations.js";
import { jsonBody } from "./handler.js";
import { HttpError, invalidBody } from "./http-error.js";

/**
 * Runs a fork. Errors about the request (`ForkError`, `PromptsDirError`, `ExportError`) and an
 * install that cannot fork (`FORK_UNAVAILABLE`) are told apart by their `name`.
 */
export type ForkRunner = (store: Store, request: ForkRequest) => Promise<ForkResult>;

export interface ForkRouteDeps {
  auth: AuthContext;
  fork?: ForkRunner;
  /** The server's Gemini settings, for forks on `gemini`. */
  geminiEnv: Record<string, string | undefined>;
  reader: ThreadReader;
  /**
   * Whether a fork may name a prompts folder on the server: only with local sign-in, where the
   * server is a developer's own. Elsewhere prompts are edited in the request.
   */
  promptsDirAllowed: boolean;
  /** The prompts the server's agents read, which a fork starts from unless told otherwise. */
  promptsDir?: string;
}

const ForkBody = z
  .object({
    thread: z.string().min(1).max(200),
    turn: z.number().int().min(1),
    model: z.enum(["scripted", "replay", "gemini"]).default("scripted"),
    temperature: z.number().min(0).max(2).optional(),
    prompts_dir: z.string().min(1).max(1000).optional(),
    /** Prompt files to replace, e.g. `{"ally/mission_sensei.md": "…"}`. */
    prompts: z.record(z.string().max(200), z.string().max(100_000)).optional(),
  })
  .strict();

/** The name of the error a runner throws when this install cannot fork at all. */
export const FORK_UNAVAILABLE = "ForkUnavailable";

/** Errors the fork reports about its request rather than about itself. */
const REQUEST_ERRORS = new Set(["ForkError", "PromptsDirError", "ExportError"]);

/**
 * `POST /graphs/fork`: forks one of the caller's own conversations after a turn and answers with
 * both continuations side by side. Only the conversation's owner may fork it, as only they may
 * see it; one fork runs at a time on a server.
 */
export function forkRoute(deps: ForkRouteDeps) {
  let running = false;
  return signedIn(deps.auth, async (req, user) => {
    const parsed = ForkBody.safeParse(jsonBody(req));
    if (!parsed.success) throw invalidBody(parsed.error);
    const body = parsed.data;
    const owner = parseThreadId(body.thread);
    if (!owner) {
      throw new HttpError(
        400,
        "A thread is named commander:<session id> or ally:<user id>_<mission id>.",
      );
    }
    if (body.prompts_dir !== undefined && !deps.promptsDirAllowed) {
      throw new HttpError(
        400,
        "A prompts folder on the server can only be named with local sign-in; send the edited prompts instead.",
      );
    }
    const graph = owner.agent === "commander" ? GRAPHS.commander : GRAPHS.ally;
    const query = new URLSearchParams({ thread: body.thread });
    await requestedConversation(deps.auth.store, graph, query, { user }, deps.reader);
    if (!deps.fork) throw new HttpError(404, "Forking is not available on this server.");
    if (running) {
      throw new HttpError(
        429,
        "A fork is already running on this server; try again when it is done.",
      );
    }
    running = true;
    try {
      const result = await deps.fork(deps.auth.store, {
        thread: body.thread,
        turn: body.turn,
        model: body.model,
        temperature: body.temperature,
        promptsDir: body.prompts_dir ?? deps.promptsDir,
        prompts: body.prompts,
        env: deps.geminiEnv,
      });
      return { status: 200, body: result };
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      if (REQUEST_ERRORS.has(err.name)) throw new HttpError(400, err.message);
      if (err.name === FORK_UNAVAILABLE) throw new HttpError(501, err.message);
      throw err;
    } finally {
      running = false;
    }
  });
}
